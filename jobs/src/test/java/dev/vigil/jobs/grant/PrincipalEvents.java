package dev.vigil.jobs.grant;

import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;

import java.util.List;

/** Canonical events of one principal for grant-context tests, timed in seconds after a fixed instant. */
final class PrincipalEvents {

    static final long T0 = 1_735_689_600_000L; // 2025-01-01T00:00:00Z

    private final Principal principal;

    PrincipalEvents(String principalId) {
        this.principal = Principal.newBuilder().setId(principalId).setKind(PrincipalKind.HUMAN).build();
    }

    static long sec(long seconds) {
        return T0 + seconds * 1000L;
    }

    PrivilegedEvent.Builder event(String id, long time, EventType type, Action action) {
        return PrivilegedEvent.newBuilder()
                .setEventId(id).setEventTime(time).setSource("synthetic")
                .setType(type).setPrincipal(principal).setAction(action);
    }

    PrivilegedEvent requested(String id, long time, String requestId, String... scope) {
        return event(id, time, EventType.ELEVATION, Action.REQUESTED)
                .setRequestId(requestId).setRole("dba").setScope(List.of(scope)).setTicket("CHG-7").build();
    }

    PrivilegedEvent activated(String id, long time, String requestId, long windowStart, long windowEnd) {
        return event(id, time, EventType.ELEVATION, Action.ACTIVATED)
                .setRequestId(requestId).setWindowStart(windowStart).setWindowEnd(windowEnd).build();
    }

    PrivilegedEvent revoked(String id, long time, String requestId) {
        return event(id, time, EventType.ELEVATION, Action.REVOKED).setRequestId(requestId).build();
    }

    PrivilegedEvent start(String id, long time, String sessionId, String target) {
        return event(id, time, EventType.SESSION, Action.START)
                .setSessionId(sessionId).setTarget(target).setAccount("root").build();
    }

    PrivilegedEvent command(String id, long time, String sessionId, String command) {
        return event(id, time, EventType.SESSION, Action.COMMAND)
                .setSessionId(sessionId).setCommand(command).build();
    }

    PrivilegedEvent end(String id, long time, String sessionId) {
        return event(id, time, EventType.SESSION, Action.END).setSessionId(sessionId).build();
    }

    PrivilegedEvent secret(String id, long time, Action action, String secretId) {
        return event(id, time, EventType.SECRET, action).setSecretId(secretId).setStore("vault").build();
    }
}
