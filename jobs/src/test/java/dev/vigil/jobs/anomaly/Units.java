package dev.vigil.jobs.anomaly;

import dev.vigil.common.GrantLabel;
import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.GrantRef;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Sessions of labelled events and folded units, for the anomaly tests. */
final class Units {
    /** A Wednesday, 09:00 UTC. */
    static final long DAY0 = Instant.parse("2026-01-07T09:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;

    private Units() {}

    static Principal alice() {
        return Principal.newBuilder().setId("alice").setKind(PrincipalKind.HUMAN).setSourceIp("10.0.0.7").build();
    }

    static GrantRef grant(String id, long from, long to) {
        return GrantRef.newBuilder().setRequestId(id).setRole("db-admin").setScope(List.of("db-*"))
                .setWindowStart(from).setWindowEnd(to).build();
    }

    /**
     * One session of alice as labelled events: START at {@code start}, {@code commands} commands a minute apart,
     * {@code secrets} distinct secret reads, END a minute after the last act, all inside a two-hour grant opened
     * five minutes before the session.
     */
    static List<LabelledEvent> session(String id, String target, long start, int commands, int secrets) {
        return session("alice", id, target, start, commands, secrets);
    }

    /** The same session played by {@code principal}, a person working as db-admin like alice. */
    static List<LabelledEvent> session(String principal, String id, String target, long start, int commands,
                                       int secrets) {
        GrantRef g = grant("req-" + id, start - 5 * MINUTE, start + 115 * MINUTE);
        List<LabelledEvent> out = new ArrayList<>();
        long t = start;
        out.add(labelled(event(id + "-start", EventType.SESSION, Action.START, t).setSessionId(id).setTarget(target)
                .setAccount("dba").setInteractive(true).build(), g));
        for (int i = 0; i < commands; i++) {
            t += MINUTE;
            out.add(labelled(event(id + "-c" + i, EventType.SESSION, Action.COMMAND, t).setSessionId(id)
                    .setTarget(target).setCommand("psql -c 'select " + (i % 3) + "'").build(), g));
        }
        for (int i = 0; i < secrets; i++) {
            t += MINUTE;
            out.add(labelled(event(id + "-s" + i, EventType.SECRET, Action.READ, t).setSessionId(id)
                    .setSecretId("kv/app/" + i).setStore("vault").build(), g));
        }
        t += MINUTE;
        out.add(labelled(event(id + "-end", EventType.SESSION, Action.END, t).setSessionId(id).setTarget(target).build(), g));
        if (!principal.equals("alice")) {
            Principal p = Principal.newBuilder(alice()).setId(principal).build();
            out.forEach(l -> l.getEvent().setPrincipal(p));
        }
        return out;
    }

    static PrivilegedEvent.Builder event(String id, EventType type, Action action, long time) {
        return PrivilegedEvent.newBuilder().setEventId(id).setEventTime(time).setSource("synthetic")
                .setType(type).setAction(action).setPrincipal(alice());
    }

    static LabelledEvent labelled(PrivilegedEvent e, GrantRef g) {
        return LabelledEvent.newBuilder().setEvent(e).setLabel(g == null ? GrantLabel.NO_GRANT : GrantLabel.IN_GRANT)
                .setGrant(g).setLate(false).build();
    }

    /** Folds labelled events of one session into a unit, as the job does. */
    static SessionActivity fold(List<LabelledEvent> events) {
        SessionActivity u = null;
        for (LabelledEvent l : events) {
            PrivilegedEvent e = l.getEvent();
            if (u == null) {
                u = new SessionActivity(e.getSessionId(), e.getPrincipal().getId(), e.getPrincipal().getKind());
                u.sessionId = e.getSessionId();
            }
            u.add(e.getEventId(), e.getEventTime(), e.getType(), e.getAction(), e.getTarget(), e.getAccount(),
                    e.getCommand(), e.getSecretId(), e.getPrincipal().getSourceIp());
            GrantRef g = l.getGrant();
            u.grant(g == null ? null : g.getRequestId(), g == null ? null : g.getRole(),
                    g == null ? null : g.getWindowStart(), g == null ? null : g.getWindowEnd(), l.getLabel());
        }
        return u;
    }
}
