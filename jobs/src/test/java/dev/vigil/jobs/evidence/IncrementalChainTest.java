package dev.vigil.jobs.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.LabelledEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chain an emission extends must always equal the chain recomputed from scratch. */
class IncrementalChainTest {

    @Test
    void extendingAfterEveryActEqualsRecomputingInAnyArrivalOrderAndAtTheLimit() {
        for (int limit : new int[] {500, 4}) {
            for (long seed = 0; seed < 20; seed++) {
                List<LabelledEvent> events = new ArrayList<>(EvidenceAssemblerTest.usedGrant());
                Collections.shuffle(events, new Random(seed));
                EvidenceState state = EvidenceState.open(EvidenceRoute.of(events.get(0)));
                for (LabelledEvent e : events) {
                    state.addEvent(e, limit);
                    var request = state.request();
                    assertThat(state.chainHash(request)).as("seed %d, limit %d", seed, limit)
                            .isEqualTo(EvidenceChain.chainHash(request, state.behaviour));
                }
            }
        }
    }
}
