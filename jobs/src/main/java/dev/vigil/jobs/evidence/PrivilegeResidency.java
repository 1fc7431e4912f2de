package dev.vigil.jobs.evidence;

import dev.vigil.common.GrantLabel;
import dev.vigil.event.Action;
import dev.vigil.output.GrantRequest;
import dev.vigil.output.Residency;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Privilege residency of a grant: how long usable privilege existed and how much of that time it was used.
 * <pre>
 *   start                = activated_at, else approved_at, else window_start
 *   end                  = ended_at (EXPIRED/REVOKED), else window_end
 *   granted_ms           = end - start (never negative)
 *   time_to_first_use_ms = first IN_GRANT act - start
 *   used_ms              = length of the union of the grant's IN_GRANT session intervals
 *                          (START..END; a session still open counts to its latest act), clipped to start..end
 *   unused_ms            = granted_ms - used_ms (never negative)
 *   ended_on_time        = ended_at &lt;= window_end; with no expiry/revocation event, true once the
 *                          watermark has passed window_end (the window itself ended the grant)
 *   revoked              = ended by a REVOKED event (false when the window ended it)
 * </pre>
 * Figures whose inputs are unknown are null; used_ms is 0 when nothing was used.
 */
public final class PrivilegeResidency {

    private PrivilegeResidency() {
    }

    /**
     * @param request           the reconstructed request
     * @param sessions          the sessions of the grant's record (labelled by their START or earliest event)
     * @param firstInGrantActAt the earliest IN_GRANT act of the record, or null
     * @param asOf              the event time the figures are as of (the watermark at emission)
     */
    public static Residency of(GrantRequest request, Collection<SessionTrack> sessions, Long firstInGrantActAt,
                               long asOf) {
        Long start = firstNonNull(request.getActivatedAt(), request.getApprovedAt(), request.getWindowStart());
        Long windowEnd = request.getWindowEnd();
        Long endedAt = request.getEndedAt();
        Long end = endedAt != null ? endedAt : windowEnd;

        Long granted = start != null && end != null ? Math.max(0, end - start) : null;
        Long timeToFirstUse = start != null && firstInGrantActAt != null ? firstInGrantActAt - start : null;

        List<long[]> intervals = new ArrayList<>();
        for (SessionTrack s : sessions) {
            if (label(s) != GrantLabel.IN_GRANT) {
                continue;
            }
            long from = s.beganAt();
            long to = s.stoppedAt();
            if (start != null) {
                from = Math.max(from, start);
            }
            if (end != null) {
                to = Math.min(to, end);
            }
            if (to > from) {
                intervals.add(new long[] {from, to});
            }
        }
        long used = unionLength(intervals);
        Long unused = granted != null ? Math.max(0, granted - used) : null;

        Boolean endedOnTime;
        Boolean revoked;
        if (endedAt != null) {
            endedOnTime = windowEnd != null ? endedAt <= windowEnd : null;
            revoked = request.getEndAction() != null ? Action.REVOKED.name().equals(request.getEndAction()) : null;
        } else if (windowEnd != null && asOf >= windowEnd) {
            endedOnTime = true;
            revoked = false;
        } else {
            endedOnTime = null;
            revoked = null;
        }

        return Residency.newBuilder()
                .setGrantedMs(granted)
                .setTimeToFirstUseMs(timeToFirstUse)
                .setUsedMs(used)
                .setUnusedMs(unused)
                .setEndedOnTime(endedOnTime)
                .setRevoked(revoked)
                .build();
    }

    /** A session's label: that of its START, else of its earliest event. */
    static GrantLabel label(SessionTrack session) {
        return (session.start != null ? session.start : session.earliest).getLabel();
    }

    private static long unionLength(List<long[]> intervals) {
        intervals.sort((a, b) -> Long.compare(a[0], b[0]));
        long total = 0;
        long curFrom = 0;
        long curTo = Long.MIN_VALUE;
        for (long[] iv : intervals) {
            if (iv[0] > curTo) {
                if (curTo != Long.MIN_VALUE) {
                    total += curTo - curFrom;
                }
                curFrom = iv[0];
                curTo = iv[1];
            } else {
                curTo = Math.max(curTo, iv[1]);
            }
        }
        if (curTo != Long.MIN_VALUE) {
            total += curTo - curFrom;
        }
        return total;
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
