package dev.vigil.jobs.evidence;

import dev.vigil.event.Action;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;

/**
 * What an evidence record knows of one session, folded from its SESSION events in any order: the earliest
 * START and the earliest event of any kind (the session's attributes and label come from these), the
 * earliest END, the latest act and the number of commands. A Flink POJO, kept in keyed state.
 */
public class SessionTrack {

    public String sessionId;
    /** Earliest START seen, or null. */
    public LabelledEvent start;
    /** Earliest event of any action. */
    public LabelledEvent earliest;
    /** Earliest END seen, epoch ms, or null while the session is open. */
    public Long endedAt;
    /** Latest event time seen, epoch ms. */
    public long lastActAt = Long.MIN_VALUE;
    /** COMMAND events seen (each event once; the caller drops repeats). */
    public int commandCount;

    public SessionTrack() {
    }

    public SessionTrack(String sessionId) {
        this.sessionId = sessionId;
    }

    /** Folds one SESSION event of this session in; the result does not depend on the order of calls. */
    public void add(LabelledEvent labelled) {
        PrivilegedEvent event = labelled.getEvent();
        long at = event.getEventTime();
        if (earliest == null || EvidenceState.before(event, earliest.getEvent())) {
            earliest = labelled;
        }
        if (event.getAction() == Action.START && (start == null || EvidenceState.before(event, start.getEvent()))) {
            start = labelled;
        }
        if (event.getAction() == Action.END && (endedAt == null || at < endedAt)) {
            endedAt = at;
        }
        if (event.getAction() == Action.COMMAND) {
            commandCount++;
        }
        lastActAt = Math.max(lastActAt, at);
    }

    /** Where the session began: its START, else its earliest event. */
    public long beganAt() {
        return (start != null ? start : earliest).getEvent().getEventTime();
    }

    /** Where the session stopped: its END, else (still open) its latest act. */
    public long stoppedAt() {
        return endedAt != null ? endedAt : lastActAt;
    }
}
