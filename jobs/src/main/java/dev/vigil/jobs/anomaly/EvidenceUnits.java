package dev.vigil.jobs.anomaly;

import dev.vigil.common.GrantLabel;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.output.BehaviourItem;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.GrantRequest;
import dev.vigil.output.SessionSummary;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds the units of behaviour the job scores from what the evidence builder already assembled: each session of
 * an evidence record (its summary and its listed acts), and each principal-hour of secret access outside sessions.
 * Training and evaluation read evidence ({@code evidence.ndjson} or the {@code pum-evidence} index) through this.
 *
 * <p>Evidence lists at most {@code max-behaviour-items} acts per record, the earliest ones. A unit that went on past
 * the last listed act of a record that dropped some (a standing automation grant of five days holds hundreds of
 * runs) lost acts the job counted: its secrets and distinct commands would read as zero. Such units are left out, and
 * counted ({@link Rebuilt#cutShort}), rather than trained on or judged as something the job never saw.
 */
public final class EvidenceUnits {
    private static final long HOUR = 3_600_000L;

    private EvidenceUnits() {}

    /**
     * The units rebuilt from evidence.
     *
     * @param units every principal's units, each principal's in closing order, principals by id
     * @param cutShort units left out because their record stopped listing acts before they ended
     */
    public record Rebuilt(Map<String, List<SessionActivity>> units, int cutShort) {}

    /** The complete units of every principal, each principal's in closing order, principals by id. */
    public static Map<String, List<SessionActivity>> units(Collection<EvidenceRecord> records) {
        return rebuild(records).units();
    }

    public static Rebuilt rebuild(Collection<EvidenceRecord> records) {
        Map<String, Map<String, SessionActivity>> byPrincipal = new TreeMap<>();
        Map<String, java.util.Set<String>> cut = new TreeMap<>();
        List<EvidenceRecord> ordered = new ArrayList<>(records);
        ordered.sort(java.util.Comparator.comparing(EvidenceRecord::getEvidenceId));
        for (EvidenceRecord r : ordered) {
            String who = r.getPrincipal().getId();
            Map<String, SessionActivity> units = byPrincipal.computeIfAbsent(who, k -> new LinkedHashMap<>());
            java.util.Set<String> cutHere = cut.computeIfAbsent(who, k -> new java.util.HashSet<>());
            GrantRequest g = r.getRequest();
            // Acts are listed by event time: with some dropped, nothing after the last listed one is known.
            long listedUntil = r.getBehaviourDropped() > 0 && !r.getBehaviour().isEmpty()
                    ? r.getBehaviour().get(r.getBehaviour().size() - 1).getEventTime() : Long.MAX_VALUE;
            for (SessionSummary s : r.getSessions()) {
                if (units.containsKey(s.getSessionId())) {
                    continue;
                }
                long end = s.getEndedAt() != null ? s.getEndedAt() : r.getLastEventAt();
                if (end > listedUntil) {
                    cutHere.add(s.getSessionId());
                }
                SessionActivity u = new SessionActivity(s.getSessionId(), who, r.getPrincipal().getKind());
                u.sessionId = s.getSessionId();
                u.interactive = s.getInteractive();
                u.sourceIp = r.getPrincipal().getSourceIp();
                long start = s.getStartedAt() != null ? s.getStartedAt() : Long.MAX_VALUE;
                u.add(null, start == Long.MAX_VALUE ? r.getFirstEventAt() : start, EventType.SESSION, Action.START,
                        s.getTarget(), s.getAccount(), null, null, null);
                if (s.getEndedAt() != null) {
                    u.add(null, s.getEndedAt(), EventType.SESSION, Action.END, s.getTarget(), s.getAccount(), null,
                            null, null);
                }
                grant(u, g, s.getLabel());
                units.put(s.getSessionId(), u);
            }
            for (BehaviourItem b : r.getBehaviour()) {
                SessionActivity u;
                if (b.getSessionId() != null && units.containsKey(b.getSessionId())) {
                    u = units.get(b.getSessionId());
                } else if (b.getSessionId() == null && b.getType() == EventType.SECRET) {
                    String key = SessionActivity.secretHourKey(b.getEventTime());
                    if (Math.floorDiv(b.getEventTime(), HOUR) * HOUR + HOUR > listedUntil) {
                        cutHere.add(key);
                    }
                    u = units.computeIfAbsent(key, k -> new SessionActivity(k, who, r.getPrincipal().getKind()));
                    u.sourceIp = u.sourceIp == null ? r.getPrincipal().getSourceIp() : u.sourceIp;
                    grant(u, g, b.getLabel());
                } else {
                    continue;
                }
                u.add(b.getEventId(), b.getEventTime(), b.getType(), b.getAction(), b.getTarget(), null,
                        b.getCommand(), b.getSecretId(), null);
            }
            // The summary's count is exact; the listed commands may have been cut at the behaviour limit.
            for (SessionSummary s : r.getSessions()) {
                SessionActivity u = units.get(s.getSessionId());
                if (u != null && s.getCommandCount() > u.commands) {
                    u.commands = s.getCommandCount();
                }
            }
        }
        Map<String, List<SessionActivity>> out = new TreeMap<>();
        int cutShort = 0;
        for (Map.Entry<String, Map<String, SessionActivity>> e : byPrincipal.entrySet()) {
            List<SessionActivity> list = new ArrayList<>();
            for (SessionActivity u : e.getValue().values()) {
                if (cut.get(e.getKey()).contains(u.key)) {
                    cutShort++;
                } else {
                    list.add(u);
                }
            }
            list.sort(SessionActivity.CLOSING_ORDER);
            out.put(e.getKey(), list);
        }
        return new Rebuilt(out, cutShort);
    }

    private static void grant(SessionActivity u, GrantRequest g, GrantLabel label) {
        if (g == null) {
            u.grant(null, null, null, null, label);
            return;
        }
        // The job knows a grant from the label of the act: only acts inside it carry it.
        boolean covered = label == GrantLabel.IN_GRANT || label == GrantLabel.OUT_OF_SCOPE || label == GrantLabel.AFTER_EXPIRY;
        if (covered) {
            u.grant(g.getRequestId(), g.getRole(), g.getWindowStart(), g.getWindowEnd(), label);
        } else {
            u.grant(null, null, null, null, label);
        }
    }
}
