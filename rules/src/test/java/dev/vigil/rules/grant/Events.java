package dev.vigil.rules.grant;

import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;

import java.util.List;

/** Canonical events of one principal for grant-book tests, timed in minutes after a fixed instant. */
final class Events {

    static final long T0 = 1_735_689_600_000L; // 2025-01-01T00:00:00Z
    static final Principal ALICE = Principal.newBuilder().setId("alice").setKind(PrincipalKind.HUMAN).build();

    private Events() {
    }

    static long min(long minutes) {
        return T0 + minutes * 60_000L;
    }

    static PrivilegedEvent.Builder event(String id, long time, EventType type, Action action) {
        return PrivilegedEvent.newBuilder()
                .setEventId(id)
                .setEventTime(time)
                .setSource("synthetic")
                .setType(type)
                .setPrincipal(ALICE)
                .setAction(action);
    }

    static PrivilegedEvent.Builder elevation(String id, long time, Action action, String requestId) {
        return event(id, time, EventType.ELEVATION, action).setRequestId(requestId);
    }

    static PrivilegedEvent requested(String id, long time, String requestId, String... scope) {
        return elevation(id, time, Action.REQUESTED, requestId)
                .setRole("dba").setScope(List.of(scope)).setReason("patch db").setTicket("CHG-1").build();
    }

    static PrivilegedEvent approved(String id, long time, String requestId, long windowStart, long windowEnd) {
        return elevation(id, time, Action.APPROVED, requestId)
                .setApprover("bob").setWindowStart(windowStart).setWindowEnd(windowEnd).build();
    }

    static PrivilegedEvent activated(String id, long time, String requestId, long windowStart, long windowEnd) {
        return elevation(id, time, Action.ACTIVATED, requestId)
                .setWindowStart(windowStart).setWindowEnd(windowEnd).build();
    }

    static PrivilegedEvent ended(String id, long time, Action action, String requestId) {
        return elevation(id, time, action, requestId).build();
    }

    static PrivilegedEvent start(String id, long time, String sessionId, String target, String... requestIds) {
        return event(id, time, EventType.SESSION, Action.START)
                .setSessionId(sessionId).setTarget(target).setAccount("root").setProtocol("ssh")
                .setInteractive(true).setRequestIds(List.of(requestIds)).build();
    }

    static PrivilegedEvent command(String id, long time, String sessionId, String command) {
        return event(id, time, EventType.SESSION, Action.COMMAND)
                .setSessionId(sessionId).setCommand(command).setExitCode(0).build();
    }

    static PrivilegedEvent end(String id, long time, String sessionId) {
        return event(id, time, EventType.SESSION, Action.END).setSessionId(sessionId).build();
    }

    static PrivilegedEvent secret(String id, long time, Action action, String secretId, String store) {
        return event(id, time, EventType.SECRET, action).setSecretId(secretId).setStore(store).build();
    }

    static PrivilegedEvent secretInSession(String id, long time, Action action, String secretId, String store,
                                           String sessionId) {
        return event(id, time, EventType.SECRET, action)
                .setSecretId(secretId).setStore(store).setSessionId(sessionId).build();
    }
}
