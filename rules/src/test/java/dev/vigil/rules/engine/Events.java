package dev.vigil.rules.engine;

import dev.vigil.common.GrantLabel;
import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.GrantRef;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import java.time.Instant;
import java.util.List;

/** Labelled events built by hand, so engine tests control the label the grant context would give. */
final class Events {
    private Events() {}

    static long at(String isoTime) {
        return Instant.parse("2026-03-10T" + isoTime + "Z").toEpochMilli();
    }

    static PrivilegedEvent.Builder session(String id, String time, String principal, Action action, String sessionId) {
        return PrivilegedEvent.newBuilder()
                .setEventId(id).setEventTime(at(time)).setSource("teleport").setType(EventType.SESSION)
                .setPrincipal(new Principal(principal, PrincipalKind.HUMAN, "10.0.0.1"))
                .setAction(action).setSessionId(sessionId).setTarget("db-prod-1").setAccount("root")
                .setProtocol("ssh").setInteractive(true);
    }

    static LabelledEvent labelled(PrivilegedEvent.Builder event, GrantLabel label, GrantRef grant) {
        return new LabelledEvent(event.build(), label, grant, false);
    }

    static LabelledEvent start(String id, String time, String principal, String sessionId, GrantLabel label) {
        return labelled(session(id, time, principal, Action.START, sessionId), label, null);
    }

    static GrantRef endedGrant(String requestId, String windowStart, String windowEnd, String endedAt) {
        return new GrantRef(requestId, "db-admin", List.of("db-prod-*"), at(windowStart), at(windowEnd),
                endedAt == null ? null : at(endedAt), "carol", "CHG-1", false);
    }

    static LabelledEvent commandAfterExpiry(String id, String time, String principal, String sessionId, GrantRef grant) {
        return labelled(session(id, time, principal, Action.COMMAND, sessionId).setCommand("id"), GrantLabel.AFTER_EXPIRY,
                grant);
    }
}
