package dev.vigil.jobs.evidence;

import dev.vigil.event.EventType;
import dev.vigil.event.GrantRef;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.jobs.cases.CaseKeys;
import dev.vigil.output.EvidenceKind;
import dev.vigil.output.Finding;

/**
 * Which evidence record of a principal an event or a finding belongs to: the grant it was judged against,
 * else the session it happened in, else (secret acts only) the principal's UTC day.
 *
 * @param kind what the record is about
 * @param key  request id, session id or YYYY-MM-DD, depending on the kind
 */
public record EvidenceRoute(EvidenceKind kind, String key) {

    public EvidenceRoute {
        if (kind == null || key == null) {
            throw new IllegalArgumentException("an evidence route needs a kind and a key");
        }
    }

    /** The key this record is held under in the principal's state, e.g. "GRANT:REQ-12". */
    public String stateKey() {
        return kind.name() + ":" + key;
    }

    /** The deterministic id of this record for {@code principalId}. */
    public String evidenceId(String principalId) {
        return CaseKeys.evidenceId(principalId, kind, key);
    }

    /**
     * Routes a labelled event. ELEVATION events go to the record of their request; SESSION and SECRET
     * events to the grant their {@link GrantRef} names (whatever the label), else to their session,
     * else (SECRET only) to the principal's day.
     *
     * @throws IllegalArgumentException with a one-line reason when the event names nothing to file it under
     */
    public static EvidenceRoute of(LabelledEvent labelled) {
        PrivilegedEvent event = labelled.getEvent();
        if (event == null) {
            throw new IllegalArgumentException("labelled event without an event");
        }
        if (event.getType() == EventType.ELEVATION) {
            if (isBlank(event.getRequestId())) {
                throw new IllegalArgumentException("ELEVATION event " + event.getEventId() + " has no request_id");
            }
            return new EvidenceRoute(EvidenceKind.GRANT, event.getRequestId());
        }
        GrantRef grant = labelled.getGrant();
        if (grant != null && !isBlank(grant.getRequestId())) {
            return new EvidenceRoute(EvidenceKind.GRANT, grant.getRequestId());
        }
        if (!isBlank(event.getSessionId())) {
            return new EvidenceRoute(EvidenceKind.UNGRANTED_SESSION, event.getSessionId());
        }
        if (event.getType() == EventType.SECRET) {
            return new EvidenceRoute(EvidenceKind.UNGRANTED_SECRET, CaseKeys.utcDay(event.getEventTime()));
        }
        throw new IllegalArgumentException(event.getType() + " event " + event.getEventId()
                + " has neither a grant nor a session_id to file it under");
    }

    /** Routes a finding: the record of its grant, else of its session, else of the principal's day. */
    public static EvidenceRoute of(Finding finding) {
        if (!isBlank(finding.getRequestId())) {
            return new EvidenceRoute(EvidenceKind.GRANT, finding.getRequestId());
        }
        if (!isBlank(finding.getSessionId())) {
            return new EvidenceRoute(EvidenceKind.UNGRANTED_SESSION, finding.getSessionId());
        }
        return new EvidenceRoute(EvidenceKind.UNGRANTED_SECRET, CaseKeys.utcDay(finding.getEventTime()));
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
