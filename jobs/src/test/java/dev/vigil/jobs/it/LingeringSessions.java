package dev.vigil.jobs.it;

import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Sessions that keep acting for hours after their grant expired, staggered so that from shortly after the first
 * expiry on, at least one of them is always between its first after-expiry act (reported) and its later ones
 * (suppressed): wherever a checkpoint falls, rule state that suppresses repeats is open across it.
 */
final class LingeringSessions {
    private static final long MINUTE = Duration.ofMinutes(1).toMillis();
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private LingeringSessions() {}

    /**
     * @param start event time of the first grant request
     * @param sessions how many sessions, one principal each, the next one starting {@code every} after the last
     * @param length how long each session goes on after its grant expired (under the rule's 24 h report interval)
     */
    static List<PrivilegedEvent> events(long start, int sessions, Duration every, Duration length) {
        List<PrivilegedEvent> events = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            events.addAll(session(i, start + i * every.toMillis(), length.toMillis()));
        }
        events.sort(Comparator.comparingLong(PrivilegedEvent::getEventTime));
        return events;
    }

    private static List<PrivilegedEvent> session(int n, long requested, long length) {
        Principal who = Principal.newBuilder().setId("lingerer-" + n).setKind(PrincipalKind.HUMAN).build();
        String grant = "lingering-req-" + n;
        String session = "lingering-s-" + n;
        long windowStart = requested + 10 * MINUTE;
        long windowEnd = windowStart + HOUR;
        List<PrivilegedEvent> out = new ArrayList<>();
        out.add(elevation(who, grant + "-requested", requested, Action.REQUESTED, grant)
                .setReason("schema migration").setTicket("CHG-" + (4100 + n)).build());
        out.add(elevation(who, grant + "-approved", requested + 5 * MINUTE, Action.APPROVED, grant)
                .setApprover("approver-" + n).setWindowStart(windowStart).setWindowEnd(windowEnd).build());
        out.add(elevation(who, grant + "-activated", windowStart, Action.ACTIVATED, grant)
                .setWindowStart(windowStart).setWindowEnd(windowEnd).build());
        out.add(act(who, session + "-start", windowStart + 5 * MINUTE, Action.START, session)
                .setTarget("db-prod-1").setAccount("postgres").setProtocol("db").setInteractive(true)
                .setRecorded(true).setRequestIds(List.of(grant)).build());
        out.add(elevation(who, grant + "-expired", windowEnd, Action.EXPIRED, grant).build());
        long last = windowEnd + length;
        int c = 0;
        for (long t = windowStart + 7 * MINUTE; t < last; t += 5 * MINUTE) {
            out.add(act(who, session + "-cmd-" + c++, t, Action.COMMAND, session)
                    .setCommand("psql -c 'select count(*) from orders'").setExitCode(0).build());
        }
        out.add(act(who, session + "-end", last, Action.END, session).build());
        return out;
    }

    private static PrivilegedEvent.Builder elevation(Principal who, String id, long time, Action action, String grant) {
        return PrivilegedEvent.newBuilder().setEventId(id).setEventTime(time).setSource("synthetic")
                .setType(EventType.ELEVATION).setPrincipal(who).setAction(action).setRequestId(grant)
                .setRole("db-admin").setScope(List.of("db-prod-*"));
    }

    private static PrivilegedEvent.Builder act(Principal who, String id, long time, Action action, String session) {
        return PrivilegedEvent.newBuilder().setEventId(id).setEventTime(time).setSource("synthetic")
                .setType(EventType.SESSION).setPrincipal(who).setAction(action).setSessionId(session);
    }
}
