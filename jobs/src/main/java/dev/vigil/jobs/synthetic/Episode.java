package dev.vigil.jobs.synthetic;

import dev.vigil.common.Principal;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One episode of synthetic traffic: a principal's stretch of normal work or one attack scenario, with its events in
 * event-time order and its {@link ScenarioTruth}. An episode keeps its events as a compact plan (times, actions and
 * references to shared strings) and builds each {@link PrivilegedEvent} only when asked, so a stream with many
 * principals holds little memory and its events die young.
 *
 * <p>Event ids are {@code syn-<seed>-<partition>-<episode>-<n>}, {@code n} counting the episode's events in
 * event-time order.
 */
public final class Episode {
    static final byte REQUESTED = 0;
    static final byte APPROVED = 1;
    static final byte ACTIVATED = 2;
    static final byte EXPIRED = 3;
    static final byte REVOKED = 4;
    static final byte START = 5;
    static final byte COMMAND = 6;
    static final byte END = 7;
    static final byte READ = 8;
    static final byte CHECKOUT = 9;
    static final byte CHECKIN = 10;

    private static final Action[] ACTIONS = {
            Action.REQUESTED, Action.APPROVED, Action.ACTIVATED, Action.EXPIRED, Action.REVOKED, Action.START,
            Action.COMMAND, Action.END, Action.READ, Action.CHECKOUT, Action.CHECKIN};
    private static final List<String> NONE = Collections.emptyList();
    private static final String SOURCE = "synthetic";
    private static final Integer OK = 0;

    final long number;
    final SyntheticPrincipal principal;
    final String idPrefix;
    final long mixSeed;
    final int size;
    final long[] times;
    final byte[] ops;
    final Object[] refs;
    final String[] texts;
    final int[] args;
    private final String secretStore;
    private final String credentialSafe;
    private final ScenarioTruth truth;

    /** Position of the next event to hand out; used by {@link SyntheticTraffic} only. */
    int cursor;
    /** Whether any event of the episode has been emitted; used by {@link SyntheticTraffic} only. */
    boolean started;

    Episode(long number, SyntheticPrincipal principal, String idPrefix, long mixSeed, int size, long[] times,
            byte[] ops, Object[] refs, String[] texts, int[] args, String secretStore, String credentialSafe,
            ScenarioTruth truth) {
        this.number = number;
        this.principal = principal;
        this.idPrefix = idPrefix;
        this.mixSeed = mixSeed;
        this.size = size;
        this.times = times;
        this.ops = ops;
        this.refs = refs;
        this.texts = texts;
        this.args = args;
        this.secretStore = secretStore;
        this.credentialSafe = credentialSafe;
        this.truth = truth;
    }

    /** An episode in which nothing happens: its slot lies before the traffic starts, or a long scenario fills it. */
    static Episode idle(long number) {
        return new Episode(number, null, null, 0, 0, new long[0], new byte[0], new Object[0], new String[0],
                new int[0], null, null, null);
    }

    public long number() {
        return number;
    }

    public boolean isIdle() {
        return size == 0;
    }

    /** The label of the episode, or null when it is idle. */
    public ScenarioTruth truth() {
        return truth;
    }

    public int size() {
        return size;
    }

    /** Event time of event {@code i}, epoch ms. */
    public long time(int i) {
        return times[i];
    }

    /** All events, in event-time order (no jitter). */
    public List<PrivilegedEvent> events() {
        List<PrivilegedEvent> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(event(i));
        }
        return out;
    }

    /** Builds event {@code i}; a new object on every call. */
    public PrivilegedEvent event(int i) {
        PrivilegedEvent e = new PrivilegedEvent();
        e.setEventId(idPrefix.concat(Integer.toString(i)));
        e.setEventTime(times[i]);
        e.setSource(SOURCE);
        byte op = ops[i];
        e.setAction(ACTIONS[op]);
        e.setScope(NONE);
        e.setRequestIds(NONE);
        String ip = principal.sourceIp;
        if (op <= REVOKED) {
            e.setType(EventType.ELEVATION);
            grantFields(e, op, (GrantPlan) refs[i], texts[i]);
        } else if (op <= END) {
            e.setType(EventType.SESSION);
            SessionPlan s = (SessionPlan) refs[i];
            sessionFields(e, s);
            if (op == COMMAND) {
                e.setCommand(texts[i]);
                e.setExitCode(args[i] == 0 ? OK : Integer.valueOf(args[i]));
            }
            if (s.sourceIp != null) {
                ip = s.sourceIp;
            }
        } else {
            e.setType(EventType.SECRET);
            e.setSecretId(texts[i]);
            e.setStore(op == READ ? secretStore : credentialSafe);
            SessionPlan s = (SessionPlan) refs[i];
            if (s != null) {
                e.setSessionId(s.sessionId);
                if (s.sourceIp != null) {
                    ip = s.sourceIp;
                }
            }
        }
        e.setPrincipal(new Principal(principal.id, principal.kind, ip));
        return e;
    }

    private static void grantFields(PrivilegedEvent e, byte op, GrantPlan g, String actor) {
        e.setRequestId(g.requestId);
        e.setRole(g.role);
        e.setScope(g.scope);
        e.setTicket(g.ticket);
        e.setBreakGlass(g.breakGlass);
        if (op == REQUESTED) {
            e.setReason(g.reason);
            return;
        }
        e.setWindowStart(g.windowStart);
        e.setWindowEnd(g.windowEnd);
        if (op == APPROVED) {
            e.setReason(g.reason);
            e.setApprover(g.approver);
        } else if (op == ACTIVATED) {
            e.setApprover(g.approver);
        } else if (op == REVOKED) {
            // Whoever revoked, when it was not the requester themselves.
            e.setApprover(actor);
        }
    }

    private static void sessionFields(PrivilegedEvent e, SessionPlan s) {
        e.setSessionId(s.sessionId);
        e.setTarget(s.target);
        e.setAccount(s.account);
        e.setProtocol(s.protocol);
        e.setInteractive(s.interactive);
        e.setRecorded(s.recorded);
        e.setRequestIds(s.requestIds);
    }

    @Override
    public String toString() {
        return "Episode{" + number + (truth == null ? ", idle" : ", " + truth.scenario() + ", " + principal) + ", "
                + size + " events}";
    }
}
