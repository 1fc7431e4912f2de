package dev.vigil.rules.grant;

import dev.vigil.common.GrantLabel;
import dev.vigil.event.Action;
import dev.vigil.event.GrantRef;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The grants, open sessions and checked-out secrets of one principal, and the labelling of each of its
 * SESSION and SECRET events against them: IN_GRANT, OUT_OF_SCOPE, AFTER_EXPIRY or NO_GRANT.
 *
 * <p>Feed it the principal's events in {@link LabellingOrder}. Memory is bounded two ways: {@link #cleanup}
 * forgets what ended more than the retention horizon ago, and at most {@link #MAX_GRANTS} grants,
 * {@link #MAX_SESSIONS} sessions and {@link #MAX_CHECKOUTS} checkouts are kept, the oldest forgotten first.
 *
 * <p>A Flink POJO (public fields, no-arg constructor), so keyed state stores it without Kryo.
 */
public class GrantBook {

    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    public static final int MAX_GRANTS = 64;
    public static final int MAX_SESSIONS = 256;
    public static final int MAX_CHECKOUTS = 256;

    /** How long, in event time, ended grants and idle sessions are remembered. */
    public long retentionMillis;
    /** Grants by request id. */
    public Map<String, Grant> grants = new HashMap<>();
    /** Sessions by session id. */
    public Map<String, TrackedSession> sessions = new HashMap<>();
    /** Checkouts covered by a grant, by store and secret id. */
    public Map<String, SecretCheckout> checkouts = new HashMap<>();

    public GrantBook() {
        this(DEFAULT_RETENTION);
    }

    public GrantBook(Duration retention) {
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("grant retention must be a positive duration, got " + retention);
        }
        this.retentionMillis = retention.toMillis();
    }

    /**
     * Applies one event and returns it labelled. ELEVATION events update their grant and come back with
     * label null and that grant; SESSION and SECRET events come back with their label and the grant it
     * refers to (none for NO_GRANT). A COMMAND or END without a target is returned with its session's target.
     */
    public LabelledEvent apply(PrivilegedEvent e) {
        return switch (e.getType()) {
            case ELEVATION -> applyElevation(e);
            case SESSION -> labelSession(e);
            case SECRET -> labelSecret(e);
        };
    }

    /** Whether nothing is remembered, so the whole book can be dropped. */
    public boolean isEmpty() {
        return grants.isEmpty() && sessions.isEmpty() && checkouts.isEmpty();
    }

    /**
     * The earliest event time at which {@link #cleanup} will forget something, or Long.MAX_VALUE when nothing
     * is due (an empty book, or only grants still in force with no end).
     */
    public long nextCleanupTime() {
        Map<String, Long> heldUntil = new HashMap<>();
        long next = Long.MAX_VALUE;
        for (TrackedSession s : sessions.values()) {
            long due = Grant.saturatedAdd(s.lastSeen, retentionMillis);
            next = Math.min(next, due);
            hold(heldUntil, s.grantId, due);
        }
        for (SecretCheckout c : checkouts.values()) {
            long due = Grant.saturatedAdd(c.lastSeen, retentionMillis);
            next = Math.min(next, due);
            hold(heldUntil, c.grantId, due);
        }
        for (Grant g : grants.values()) {
            long due = g.forgettableAfter(retentionMillis);
            if (due != Long.MAX_VALUE) {
                // A grant a remembered session or checkout still refers to goes only after them.
                next = Math.min(next, Math.max(due, heldUntil.getOrDefault(g.requestId, Long.MIN_VALUE)));
            }
        }
        return next;
    }

    /** Forgets sessions and checkouts idle, and grants ended, for at least the retention horizon before t. */
    public void cleanup(long eventTime) {
        sessions.values().removeIf(s -> Grant.saturatedAdd(s.lastSeen, retentionMillis) <= eventTime);
        checkouts.values().removeIf(c -> Grant.saturatedAdd(c.lastSeen, retentionMillis) <= eventTime);
        Set<String> held = new HashSet<>();
        sessions.values().forEach(s -> held.add(s.grantId));
        checkouts.values().forEach(c -> held.add(c.grantId));
        grants.values().removeIf(g -> !held.contains(g.requestId)
                && g.forgettableAfter(retentionMillis) <= eventTime);
        enforceCaps(null, null, null);
    }

    private LabelledEvent applyElevation(PrivilegedEvent e) {
        String requestId = e.getRequestId();
        if (requestId == null || requestId.isBlank()) {
            // Normalizers dead-letter elevations without a request id; one that slips through is still
            // passed on, it just cannot change a grant.
            return new LabelledEvent(e, null, null, false);
        }
        Grant grant = grants.get(requestId);
        if (grant == null) {
            grant = new Grant(requestId, e.getEventTime());
            grants.put(requestId, grant);
            enforceCaps(requestId, null, null);
        }
        grant.apply(e);
        return new LabelledEvent(e, null, grant.toRef(e.getEventTime()), false);
    }

    private LabelledEvent labelSession(PrivilegedEvent e) {
        long t = e.getEventTime();
        String sessionId = e.getSessionId();
        TrackedSession known = sessionId == null ? null : sessions.get(sessionId);
        // A START at or after everything seen of that id opens a new session; an older one is a late START
        // of the session already known, and only fills in what is missing.
        boolean opens = e.getAction() == Action.START && (known == null || t >= known.lastSeen);
        TrackedSession context = opens ? null : known;

        String target = e.getTarget() != null ? e.getTarget() : context == null ? null : context.target;
        Judgement judgement = judge(t, target, null,
                linked(e.getRequestIds(), context), context == null ? null : context.grantId, null);

        if (sessionId != null) {
            TrackedSession track = known;
            if (track == null || opens) {
                track = new TrackedSession(sessionId, t);
                sessions.put(sessionId, track);
                enforceCaps(null, sessionId, null);
            }
            remember(track, e, judgement, opens || (e.getAction() == Action.START && track.startedAt == null));
        }

        PrivilegedEvent labelled = e;
        if (e.getTarget() == null && target != null) {
            labelled = PrivilegedEvent.newBuilder(e).setTarget(target).build();
        }
        return new LabelledEvent(labelled, judgement.label, judgement.ref(t), false);
    }

    private void remember(TrackedSession track, PrivilegedEvent e, Judgement judgement, boolean isStart) {
        long t = e.getEventTime();
        if (e.getTarget() != null && (isStart || track.target == null)) {
            track.target = e.getTarget();
        }
        if (e.getAccount() != null && (isStart || track.account == null)) {
            track.account = e.getAccount();
        }
        track.linkRequests(e.getRequestIds());
        if (isStart) {
            track.startedAt = t;
            track.startLabel = judgement.label;
            track.startGrantId = judgement.label == GrantLabel.IN_GRANT ? judgement.grant.requestId : null;
        }
        // The latest act in grant decides which grant's end makes later acts AFTER_EXPIRY; a late act only
        // fills the gap.
        if (judgement.label == GrantLabel.IN_GRANT && (t >= track.lastSeen || track.grantId == null)) {
            track.grantId = judgement.grant.requestId;
        }
        if (e.getAction() == Action.END) {
            track.endedAt = track.endedAt == null ? t : Math.max(track.endedAt, t);
        }
        track.lastSeen = Math.max(track.lastSeen, t);
    }

    private LabelledEvent labelSecret(PrivilegedEvent e) {
        long t = e.getEventTime();
        TrackedSession session = e.getSessionId() == null ? null : sessions.get(e.getSessionId());
        String key = checkoutKey(e);
        Action action = e.getAction();
        // A checkout hands the credential out anew: it is judged on the grants in force now, not as a use of an
        // earlier checkout of the same credential that was never checked in (the new one supersedes it).
        SecretCheckout checkout = key == null || action == Action.CHECKOUT ? null : checkouts.get(key);

        // Grants the act itself names (the STS credentials a CloudTrail call was made with, the CyberArk request a
        // checkout was made under) come first, as for sessions the broker linked.
        Judgement judgement = judge(t, e.getSecretId(), e.getStore(), linked(e.getRequestIds(), session),
                session == null ? null : session.grantId, checkout == null ? null : checkout.grantId);
        if (judgement.label != GrantLabel.IN_GRANT && judgement.label != GrantLabel.AFTER_EXPIRY
                && session != null && session.target != null) {
            // A secret used inside a session serves the work on that session's target: a grant covering the
            // target covers the secrets read there, whatever their paths (grants name hosts, not vault paths).
            Judgement inSession = judge(t, session.target, null, linked(null, session), session.grantId,
                    checkout == null ? null : checkout.grantId);
            if (inSession.label == GrantLabel.IN_GRANT) {
                judgement = inSession;
            }
        }

        if (session != null) {
            session.lastSeen = Math.max(session.lastSeen, t);
        }
        if (action == Action.CHECKOUT && judgement.label == GrantLabel.IN_GRANT) {
            checkouts.put(key, new SecretCheckout(e.getSecretId(), e.getStore(), judgement.grant.requestId, t));
            enforceCaps(null, null, key);
        } else if (action == Action.CHECKOUT && key != null) {
            checkouts.remove(key);
        } else if (checkout != null && (action == Action.CHECKIN || action == Action.ROTATE)) {
            // Checked back in or rotated: the credential handed out is no longer usable.
            checkouts.remove(key);
        } else if (checkout != null) {
            checkout.lastSeen = Math.max(checkout.lastSeen, t);
        }
        return new LabelledEvent(e, judgement.label, judgement.ref(t), false);
    }

    /**
     * Judges an act at t on one or two names (a session target; a secret id and its store). Grants the broker
     * linked come first, then the grant of the act's checkout or session, then the most recently usable.
     */
    private Judgement judge(long t, String name, String otherName, List<String> linkedIds,
                            String sessionGrantId, String checkoutGrantId) {
        Grant covering = pick(linkedIds, checkoutGrantId, sessionGrantId,
                g -> g.usableAt(t) && (g.covers(name) || (otherName != null && g.covers(otherName))));
        if (covering != null) {
            return new Judgement(GrantLabel.IN_GRANT, covering, null);
        }
        for (String contextId : new String[] {checkoutGrantId, sessionGrantId}) {
            if (contextId == null) {
                continue;
            }
            Grant g = grants.get(contextId);
            if (g == null) {
                // Only grants long ended, or pushed out by the cap, are forgotten while an act still refers
                // to them; name the grant even though its details are gone.
                return new Judgement(GrantLabel.AFTER_EXPIRY, null, contextId);
            }
            if (g.endedBy(t)) {
                return new Judgement(GrantLabel.AFTER_EXPIRY, g, null);
            }
        }
        Grant usable = pick(linkedIds, checkoutGrantId, sessionGrantId, g -> g.usableAt(t));
        if (usable != null) {
            return new Judgement(GrantLabel.OUT_OF_SCOPE, usable, null);
        }
        return new Judgement(GrantLabel.NO_GRANT, null, null);
    }

    private Grant pick(List<String> linkedIds, String checkoutGrantId, String sessionGrantId,
                       Predicate<Grant> fits) {
        for (String id : linkedIds) {
            Grant g = grants.get(id);
            if (g != null && fits.test(g)) {
                return g;
            }
        }
        for (String id : new String[] {checkoutGrantId, sessionGrantId}) {
            Grant g = id == null ? null : grants.get(id);
            if (g != null && fits.test(g)) {
                return g;
            }
        }
        Grant best = null;
        for (Grant g : grants.values()) {
            if (fits.test(g) && (best == null || MOST_RECENT_FIRST.compare(g, best) < 0)) {
                best = g;
            }
        }
        return best;
    }

    /** Among several grants that fit, the one usable most recently, so the label names the current grant. */
    private static final Comparator<Grant> MOST_RECENT_FIRST =
            Comparator.comparing((Grant g) -> g.usableSince, Comparator.nullsLast(Comparator.reverseOrder()))
                    .thenComparing(g -> g.requestId);

    private static List<String> linked(List<String> fromEvent, TrackedSession session) {
        boolean noneInEvent = fromEvent == null || fromEvent.isEmpty();
        boolean noneInSession = session == null || session.requestIds.isEmpty();
        if (noneInSession) {
            return noneInEvent ? Collections.emptyList() : fromEvent;
        }
        if (noneInEvent) {
            return session.requestIds;
        }
        List<String> all = new ArrayList<>(fromEvent);
        for (String id : session.requestIds) {
            if (!all.contains(id)) {
                all.add(id);
            }
        }
        return all;
    }

    private static String checkoutKey(PrivilegedEvent e) {
        if (e.getSecretId() == null) {
            return null;
        }
        return (e.getStore() == null ? "" : e.getStore()) + '\u0000' + e.getSecretId();
    }

    private static void hold(Map<String, Long> heldUntil, String grantId, long until) {
        if (grantId != null) {
            heldUntil.merge(grantId, until, Math::max);
        }
    }

    /** Keeps the counts within their caps, never evicting the entry just added. */
    private void enforceCaps(String keepGrant, String keepSession, String keepCheckout) {
        if (grants.size() > MAX_GRANTS) {
            // What cleanup would forget first goes first; grants still in force with no end go last.
            Comparator<Map.Entry<String, Grant>> order = Comparator
                    .comparingLong((Map.Entry<String, Grant> en) -> en.getValue().forgettableAfter(retentionMillis))
                    .thenComparingLong(en -> en.getValue().lastUpdate)
                    .thenComparing(Map.Entry::getKey);
            while (grants.size() > MAX_GRANTS) {
                grants.remove(oldest(grants, keepGrant, order));
            }
        }
        while (sessions.size() > MAX_SESSIONS) {
            sessions.remove(oldest(sessions, keepSession, SESSION_EVICTION_ORDER));
        }
        while (checkouts.size() > MAX_CHECKOUTS) {
            checkouts.remove(oldest(checkouts, keepCheckout, CHECKOUT_EVICTION_ORDER));
        }
    }

    private static <V> String oldest(Map<String, V> entries, String keep, Comparator<Map.Entry<String, V>> order) {
        Map.Entry<String, V> victim = null;
        for (Map.Entry<String, V> entry : entries.entrySet()) {
            if (!entry.getKey().equals(keep) && (victim == null || order.compare(entry, victim) < 0)) {
                victim = entry;
            }
        }
        return victim.getKey();
    }

    /** Ended sessions go first; then the least recently active. */
    private static final Comparator<Map.Entry<String, TrackedSession>> SESSION_EVICTION_ORDER =
            Comparator.comparing((Map.Entry<String, TrackedSession> en) -> en.getValue().endedAt == null)
                    .thenComparingLong(en -> en.getValue().lastSeen)
                    .thenComparing(Map.Entry::getKey);

    private static final Comparator<Map.Entry<String, SecretCheckout>> CHECKOUT_EVICTION_ORDER =
            Comparator.comparingLong((Map.Entry<String, SecretCheckout> en) -> en.getValue().lastSeen)
                    .thenComparing(Map.Entry::getKey);

    /** A label with the grant it refers to; a forgotten grant is named by id only. */
    private record Judgement(GrantLabel label, Grant grant, String forgottenGrantId) {

        GrantRef ref(long t) {
            if (grant != null) {
                return grant.toRef(t);
            }
            return forgottenGrantId == null ? null : new GrantRef(forgottenGrantId, null,
                    Collections.emptyList(), null, null, null, null, null, null);
        }
    }
}
