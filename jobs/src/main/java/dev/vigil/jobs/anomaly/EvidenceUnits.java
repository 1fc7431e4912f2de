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
 * <p>Evidence lists at most {@code max-behaviour-items} acts per record: the command count comes from the session
 * summary and stays exact, the distinct counts of a record beyond that limit are lower bounds.
 */
public final class EvidenceUnits {
    private EvidenceUnits() {}

    /** The units of every principal, each principal's in closing order, principals by id. */
    public static Map<String, List<SessionActivity>> units(Collection<EvidenceRecord> records) {
        Map<String, Map<String, SessionActivity>> byPrincipal = new TreeMap<>();
        List<EvidenceRecord> ordered = new ArrayList<>(records);
        ordered.sort(java.util.Comparator.comparing(EvidenceRecord::getEvidenceId));
        for (EvidenceRecord r : ordered) {
            String who = r.getPrincipal().getId();
            Map<String, SessionActivity> units = byPrincipal.computeIfAbsent(who, k -> new LinkedHashMap<>());
            GrantRequest g = r.getRequest();
            for (SessionSummary s : r.getSessions()) {
                if (units.containsKey(s.getSessionId())) {
                    continue;
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
        byPrincipal.forEach((who, units) -> {
            List<SessionActivity> list = new ArrayList<>(units.values());
            list.sort(SessionActivity.CLOSING_ORDER);
            out.put(who, list);
        });
        return out;
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
