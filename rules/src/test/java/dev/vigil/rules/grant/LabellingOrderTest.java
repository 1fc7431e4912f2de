package dev.vigil.rules.grant;

import dev.vigil.event.Action;
import dev.vigil.event.PrivilegedEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static dev.vigil.rules.grant.Events.activated;
import static dev.vigil.rules.grant.Events.approved;
import static dev.vigil.rules.grant.Events.command;
import static dev.vigil.rules.grant.Events.end;
import static dev.vigil.rules.grant.Events.ended;
import static dev.vigil.rules.grant.Events.min;
import static dev.vigil.rules.grant.Events.requested;
import static dev.vigil.rules.grant.Events.secret;
import static dev.vigil.rules.grant.Events.start;
import static org.assertj.core.api.Assertions.assertThat;

class LabellingOrderTest {

    @Test
    void atEqualTimeGrantChangesComeFirstInLifecycleOrderAndSessionsStartFirstAndEndLast() {
        long t = min(10);
        List<PrivilegedEvent> expected = List.of(
                requested("z1", t, "REQ-1", "db-*"),
                approved("y2", t, "REQ-1", t, min(20)),
                activated("x3", t, "REQ-1", t, min(20)),
                ended("w4", t, Action.REVOKED, "REQ-2"),
                start("v5", t, "S1", "db-01"),
                command("a6", t, "S1", "id"),
                secret("b7", t, Action.READ, "kv/a", "vault"),
                end("a8", t, "S1"));

        for (long seed = 0; seed < 20; seed++) {
            List<PrivilegedEvent> shuffled = new ArrayList<>(expected);
            Collections.shuffle(shuffled, new Random(seed));
            shuffled.sort(LabellingOrder.INSTANCE);
            assertThat(shuffled).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void timeComesBeforeEverythingElse() {
        PrivilegedEvent earlyCommand = command("c", min(1), "S1", "id");
        PrivilegedEvent laterGrant = requested("r", min(2), "REQ-1", "db-*");

        assertThat(LabellingOrder.INSTANCE.compare(earlyCommand, laterGrant)).isNegative();
        assertThat(LabellingOrder.INSTANCE.compare(laterGrant, earlyCommand)).isPositive();
    }
}
