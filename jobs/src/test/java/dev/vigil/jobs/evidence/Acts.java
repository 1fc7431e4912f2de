package dev.vigil.jobs.evidence;

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

/** Labelled events as the grant-context operator emits them, for tests. */
final class Acts {

    static final long T0 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000L;

    private Acts() {
    }

    static long at(int minutes) {
        return T0 + minutes * MINUTE;
    }

    static Principal alice() {
        return Principal.newBuilder().setId("alice").setKind(PrincipalKind.HUMAN).setSourceIp("10.0.0.7").build();
    }

    static PrivilegedEvent.Builder event(String id, EventType type, Action action, long time) {
        return PrivilegedEvent.newBuilder()
                .setEventId(id).setEventTime(time).setSource("synthetic")
                .setType(type).setAction(action).setPrincipal(alice());
    }

    static LabelledEvent labelled(PrivilegedEvent event, GrantLabel label, GrantRef grant) {
        return LabelledEvent.newBuilder().setEvent(event).setLabel(label).setGrant(grant).setLate(false).build();
    }

    static LabelledEvent late(LabelledEvent e) {
        return LabelledEvent.newBuilder(e).setLate(true).build();
    }

    /** An ELEVATION event of {@code requestId}; APPROVED and ACTIVATED carry the window given. */
    static LabelledEvent elevation(String id, Action action, int minute, String requestId, int windowFrom, int windowTo) {
        PrivilegedEvent.Builder b = event(id, EventType.ELEVATION, action, at(minute)).setRequestId(requestId);
        switch (action) {
            case REQUESTED -> b.setReason("patch the billing database").setTicket("CHG-1042")
                    .setRole("db-admin").setScope(List.of("db-*"));
            case APPROVED -> b.setApprover("bob").setWindowStart(at(windowFrom)).setWindowEnd(at(windowTo));
            case ACTIVATED -> b.setWindowStart(at(windowFrom)).setWindowEnd(at(windowTo));
            default -> { }
        }
        return labelled(b.build(), null, null);
    }

    static GrantRef grant(String requestId, int windowFrom, int windowTo) {
        return GrantRef.newBuilder().setRequestId(requestId).setRole("db-admin").setScope(List.of("db-*"))
                .setWindowStart(at(windowFrom)).setWindowEnd(at(windowTo)).setApprover("bob").setTicket("CHG-1042")
                .build();
    }

    static LabelledEvent start(String id, int minute, String session, GrantLabel label, GrantRef grant) {
        return labelled(event(id, EventType.SESSION, Action.START, at(minute)).setSessionId(session)
                .setTarget("db-1").setAccount("root").setProtocol("ssh").setRecorded(true).setInteractive(true)
                .build(), label, grant);
    }

    static LabelledEvent command(String id, int minute, String session, String command, GrantLabel label, GrantRef grant) {
        return labelled(event(id, EventType.SESSION, Action.COMMAND, at(minute)).setSessionId(session)
                .setTarget("db-1").setCommand(command).setExitCode(0).build(), label, grant);
    }

    static LabelledEvent end(String id, int minute, String session, GrantLabel label, GrantRef grant) {
        return labelled(event(id, EventType.SESSION, Action.END, at(minute)).setSessionId(session)
                .setTarget("db-1").build(), label, grant);
    }

    static LabelledEvent secret(String id, int minute, String secretId, String session, GrantLabel label, GrantRef grant) {
        return labelled(event(id, EventType.SECRET, Action.READ, at(minute)).setSecretId(secretId)
                .setStore("vault").setSessionId(session).build(), label, grant);
    }

    /** Folds events (no repeats) into the state of the record the first one routes to. */
    static EvidenceState fold(List<LabelledEvent> events, int limit) {
        EvidenceState state = EvidenceState.open(EvidenceRoute.of(events.get(0)));
        for (LabelledEvent e : events) {
            if (!EvidenceRoute.of(e).equals(state.route())) {
                throw new IllegalArgumentException(e.getEvent().getEventId() + " belongs to another record");
            }
            state.addEvent(e, limit);
        }
        return state;
    }

    static EvidenceState fold(List<LabelledEvent> events) {
        return fold(events, EvidenceState.DEFAULT_BEHAVIOUR_LIMIT);
    }
}
