package dev.vigil.jobs.synthetic;

import dev.vigil.common.GrantLabel;
import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Blunt, independent versions of the built-in detections PUM-001..013, applied to one episode's events: what the
 * generator promises is that normal episodes trip none of them and each attack trips exactly its own. Thresholds are
 * deliberately on the strict side (an 8 h grant already counts as long), so a pass means a wide safety margin.
 */
final class RuleChecks {
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;

    private RuleChecks() {}

    static Set<String> violations(List<PrivilegedEvent> episode, ReferenceLabeller labels) {
        Set<String> found = new TreeSet<>();
        String principal = episode.get(0).getPrincipal().getId();
        boolean human = episode.get(0).getPrincipal().getKind() == PrincipalKind.HUMAN;
        Map<String, List<Long>> sessionTimes = new HashMap<>();
        Map<String, String> sessionTargets = new HashMap<>();
        List<PrivilegedEvent> reads = new ArrayList<>();
        Map<String, Integer> checkedOut = new HashMap<>();
        for (PrivilegedEvent e : episode) {
            GrantLabel label = labels.label(e.getEventId());
            if (e.getType() == EventType.SESSION) {
                sessionTimes.computeIfAbsent(e.getSessionId(), k -> new ArrayList<>()).add(e.getEventTime());
                sessionTargets.put(e.getSessionId(), e.getTarget());
                if (label == GrantLabel.NO_GRANT) {
                    found.add("PUM-001");
                }
                if (label == GrantLabel.OUT_OF_SCOPE) {
                    found.add("PUM-003");
                }
                if (e.getAction() == Action.START && Boolean.TRUE.equals(e.getInteractive()) && !human) {
                    found.add("PUM-008");
                }
                if (e.getAction() == Action.START && !Boolean.TRUE.equals(e.getRecorded())) {
                    found.add("PUM-012");
                }
                if (e.getCommand() != null && isRisky(e.getCommand())) {
                    found.add("PUM-009");
                }
            }
            if (label == GrantLabel.AFTER_EXPIRY) {
                found.add("PUM-002");
            }
            if (e.getType() == EventType.SECRET) {
                if (e.getSessionId() == null && label == GrantLabel.NO_GRANT && human) {
                    found.add("PUM-007");
                }
                if (e.getAction() == Action.READ) {
                    reads.add(e);
                } else if (e.getAction() == Action.CHECKOUT) {
                    reads.add(e);
                    checkedOut.merge(e.getSecretId(), 1, Integer::sum);
                } else if (e.getAction() == Action.CHECKIN || e.getAction() == Action.ROTATE) {
                    checkedOut.merge(e.getSecretId(), -1, Integer::sum);
                }
            }
            if (e.getType() == EventType.ELEVATION) {
                if (e.getAction() == Action.APPROVED && principal.equals(e.getApprover())) {
                    found.add("PUM-004");
                }
                if (Boolean.TRUE.equals(e.getBreakGlass())) {
                    found.add("PUM-005");
                }
            }
        }
        if (checkedOut.values().stream().anyMatch(n -> n > 0)) {
            found.add("PUM-013");
        }
        // PUM-010 fires at 10 distinct secrets within 5 minutes; anything from 8 within 10 minutes counts here.
        if (maxDistinctWithin(reads, 10 * MINUTE) >= 8) {
            found.add("PUM-010");
        }
        if (human) {
            grantChecks(episode, labels, principal, sessionTimes, sessionTargets, found);
        }
        return found;
    }

    /** PUM-006 (activated, never used) and PUM-011 (long window, or back-to-back chain longer than 8 h). */
    private static void grantChecks(List<PrivilegedEvent> episode, ReferenceLabeller labels, String principal,
            Map<String, List<Long>> sessionTimes, Map<String, String> sessionTargets, Set<String> found) {
        Set<String> requests = new HashSet<>();
        episode.stream().filter(e -> e.getType() == EventType.ELEVATION).forEach(e -> requests.add(e.getRequestId()));
        List<ReferenceLabeller.Grant> grants = new ArrayList<>();
        for (String id : requests) {
            ReferenceLabeller.Grant g = labels.grant(principal, id);
            grants.add(g);
            if (g.windowEnd - g.windowStart > 8 * HOUR) {
                found.add("PUM-011");
            }
            if (g.usableFrom != null) {
                long end = g.endedAt == null ? g.windowEnd : Math.min(g.endedAt, g.windowEnd);
                boolean used = sessionTimes.entrySet().stream().anyMatch(s -> g.covers(sessionTargets.get(s.getKey()))
                        && s.getValue().stream().anyMatch(t -> t >= g.usableFrom && t < end));
                if (!used) {
                    found.add("PUM-006");
                }
            }
        }
        grants.sort((a, b) -> Long.compare(a.windowStart, b.windowStart));
        long chainStart = Long.MIN_VALUE;
        long chainEnd = Long.MIN_VALUE;
        for (ReferenceLabeller.Grant g : grants) {
            if (g.windowStart <= chainEnd + 30 * MINUTE) {
                chainEnd = Math.max(chainEnd, g.windowEnd);
            } else {
                chainStart = g.windowStart;
                chainEnd = g.windowEnd;
            }
            if (chainEnd - chainStart > 8 * HOUR) {
                found.add("PUM-011");
            }
        }
    }

    static boolean isRisky(String command) {
        for (String[] risky : RiskyCommands.SHELL) {
            if (command.contains(risky[1])) {
                return true;
            }
        }
        return command.contains("shadow") || command.contains("history") || command.contains("useradd")
                || command.contains("auditctl") || command.contains("authorized_keys");
    }

    /** The most distinct secrets read within any window of the given length. */
    static int maxDistinctWithin(List<PrivilegedEvent> reads, long window) {
        int best = 0;
        for (int i = 0; i < reads.size(); i++) {
            Set<String> distinct = new HashSet<>();
            for (int j = i; j < reads.size() && reads.get(j).getEventTime() - reads.get(i).getEventTime() <= window; j++) {
                distinct.add(reads.get(j).getSecretId());
            }
            best = Math.max(best, distinct.size());
        }
        return best;
    }
}
