package dev.vigil.jobs.evidence;

import dev.vigil.common.Principal;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.GrantRequest;
import dev.vigil.output.Residency;
import dev.vigil.output.SessionSummary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Builds the {@link EvidenceRecord} of one grant, ungranted session or ungranted secret day from what its
 * {@link EvidenceState} accumulated: the request, the sessions by start time, the bounded behaviour
 * listing, residency, the finding and case ids, and the integrity hash chain ({@link EvidenceChain}).
 */
public final class EvidenceAssembler {

    /** By start (the earliest event for a session whose START was not seen), then id. */
    private static final Comparator<SessionTrack> SESSION_ORDER =
            Comparator.comparingLong(SessionTrack::beganAt).thenComparing(t -> t.sessionId);

    private EvidenceAssembler() {
    }

    /**
     * @param principalId the principal the record belongs to (the key of the keyed stream)
     * @param state       the accumulated record; it must hold at least one event or finding
     * @param asOf        event time the figures are as of (the watermark at emission); only residency uses it
     */
    public static EvidenceRecord assemble(String principalId, EvidenceState state, long asOf) {
        GrantRequest request = state.request();
        Residency residency = request == null ? null
                : PrivilegeResidency.of(request, state.sessions.values(), state.firstInGrantActAt, asOf);

        List<SessionTrack> tracks = new ArrayList<>(state.sessions.values());
        tracks.sort(SESSION_ORDER);
        List<SessionSummary> sessions = new ArrayList<>(tracks.size());
        for (SessionTrack track : tracks) {
            sessions.add(summary(track));
        }

        Principal principal = state.principal;
        if (principal == null) {
            throw new IllegalStateException("evidence " + state.route().stateKey() + " of " + principalId
                    + " holds neither an event nor a finding");
        }
        long first = state.firstEventAt != null ? state.firstEventAt
                : state.firstFindingAt != null ? state.firstFindingAt : 0L;
        long last = state.lastEventAt != null ? state.lastEventAt
                : state.lastFindingAt != null ? state.lastFindingAt : 0L;

        return EvidenceRecord.newBuilder()
                .setEvidenceId(state.route().evidenceId(principalId))
                .setKind(state.kind)
                .setPrincipal(principal)
                .setRequest(request)
                .setSessions(sessions)
                .setBehaviour(new ArrayList<>(state.behaviour))
                .setBehaviourDropped(state.behaviourDropped)
                .setResidency(residency)
                .setFindingIds(new ArrayList<>(state.findingIds))
                .setCaseIds(new ArrayList<>(state.caseIds))
                .setFirstEventAt(first)
                .setLastEventAt(last)
                .setChainHash(state.chainHash(request))
                .build();
    }

    /** A session as listed in evidence; attributes from its START, else from its earliest event. */
    static SessionSummary summary(SessionTrack track) {
        PrivilegedEvent start = track.start == null ? null : track.start.getEvent();
        PrivilegedEvent earliest = track.earliest.getEvent();
        LabelledEvent labelSource = track.start != null ? track.start : track.earliest;
        return SessionSummary.newBuilder()
                .setSessionId(track.sessionId)
                .setTarget(pick(start, earliest, PrivilegedEvent::getTarget))
                .setAccount(pick(start, earliest, PrivilegedEvent::getAccount))
                .setProtocol(pick(start, earliest, PrivilegedEvent::getProtocol))
                .setStartedAt(start == null ? null : start.getEventTime())
                .setEndedAt(track.endedAt)
                .setRecorded(pick(start, earliest, PrivilegedEvent::getRecorded))
                .setInteractive(pick(start, earliest, PrivilegedEvent::getInteractive))
                .setCommandCount(track.commandCount)
                .setLabel(labelSource.getLabel())
                .build();
    }

    private static <T> T pick(PrivilegedEvent start, PrivilegedEvent earliest,
                              Function<PrivilegedEvent, T> field) {
        T value = start == null ? null : field.apply(start);
        return value != null ? value : field.apply(earliest);
    }
}
