package dev.vigil.jobs.synthetic;

import static dev.vigil.jobs.synthetic.EpisodeScript.HOUR;
import static dev.vigil.jobs.synthetic.EpisodeScript.MINUTE;
import static dev.vigil.jobs.synthetic.EpisodeScript.SECOND;

import java.util.ArrayList;
import java.util.List;

/**
 * What people do in an episode: ordinary elevated work that stays inside an approved, active grant window and scope,
 * and the attack scenarios, each a small departure from that work that one detection exists to catch.
 *
 * <p>Every human episode fits in its five-hour slot, except the two that need more time: a 26-28 h grant or a chain
 * of renewals (the planner leaves the principal's next two slots empty for them), and the night session of a
 * behaviour anomaly, which happens between 02:40 and 06:00 UTC when nobody's slot is running.
 */
final class HumanEpisodes {
    private static final String[] BREAK_GLASS_REASONS = {
            "P1: payments API down, on-call cannot reach approver", "P1: checkout database refusing connections",
            "security incident: contain compromised host", "P1: certificate expired on public ingress"};
    private static final String[] LONG_REASONS = {
            "standing access for on-call week", "migration will take a few days", "extend access: migration still running",
            "quarter-end support"};

    private enum Checkout { NONE, RETURNED, KEPT }

    /** What a run of ordinary sessions produced, for the truth and the grant's closing. */
    private static final class Work {
        String firstSession;
        int firstStart = -1;
        int checkout = -1;
        long lastEnd;
    }

    private final Estate estate;
    private final Cast cast;
    private final TrafficProfile profile;

    HumanEpisodes(Estate estate, Cast cast) {
        this.estate = estate;
        this.cast = cast;
        this.profile = estate.profile;
    }

    /**
     * @param slot start of the principal's slot
     * @param nextMidnight the UTC midnight after the slot starts, for scenarios that happen at night
     */
    Episode plan(EpisodeScript s, Scenario scenario, String variant, long slot, long nextMidnight) {
        return switch (scenario) {
            case NORMAL_WORK, SELF_APPROVAL, UNRECORDED_SESSION, CHECKOUT_NOT_RETURNED -> normal(s, scenario, slot);
            case UNGRANTED_SESSION -> ungranted(s, slot);
            case ACTIVITY_AFTER_EXPIRY -> afterExpiry(s, slot);
            case OUT_OF_SCOPE_TARGET -> outOfScope(s, slot);
            case BREAK_GLASS -> breakGlass(s, slot);
            case UNUSED_GRANT -> unused(s, slot);
            case SECRET_OUTSIDE_SESSION -> secretOutside(s, slot);
            case RISKY_COMMAND -> risky(s, slot);
            case SECRET_BURST -> burst(s, slot);
            case LONG_GRANT -> switch (variant) {
                case "renewals" -> renewals(s, slot);
                case "long-window" -> longWindow(s, slot);
                default -> longWindowRevoked(s, slot);
            };
            case BEHAVIOUR_ANOMALY -> "night-marathon".equals(variant)
                    ? nightMarathon(s, nextMidnight) : secretSweep(s, slot);
            default -> throw new IllegalArgumentException(scenario + " is not played by people");
        };
    }

    // ------------------------------------------------------------------ normal work and its near variants

    private Episode normal(EpisodeScript s, Scenario scenario, long slot) {
        SyntheticPrincipal me = s.principal;
        GrantPlan g = s.grant(role(me), homeScope(s), s.oneOf(me.duty.reasons), s.ticket("CHG-"), false);
        String approver = scenario == Scenario.SELF_APPROVAL ? me.id : approver(s);
        int approved = requestApproveActivate(s, g, slot + s.between(0, 20 * MINUTE), approver,
                s.between(30, 240) * MINUTE);
        Checkout checkout = scenario == Scenario.CHECKOUT_NOT_RETURNED ? Checkout.KEPT
                : s.chance(0.2) ? Checkout.RETURNED : Checkout.NONE;
        Work w = work(s, g, g.usableFrom + s.between(MINUTE, 5 * MINUTE), g.windowEnd - 2 * MINUTE,
                1 + s.rng.nextInt(3), scenario == Scenario.UNRECORDED_SESSION, checkout);
        close(s, g, w.lastEnd);
        switch (scenario) {
            case SELF_APPROVAL -> s.trigger(approved);
            case UNRECORDED_SESSION -> s.trigger(w.firstStart);
            case CHECKOUT_NOT_RETURNED -> s.trigger(w.checkout);
            default -> { }
        }
        // A self-approval is a fault of the grant, not of a session: its finding names the request only.
        return s.build(scenario, null, g.requestId, scenario == Scenario.SELF_APPROVAL ? null : w.firstSession);
    }

    // ------------------------------------------------------------------ attacks

    private Episode ungranted(EpisodeScript s, long slot) {
        SyntheticPrincipal me = s.principal;
        SessionPlan p = s.session(s.oneOf(me.homeTargets), me.duty, true, true, List.of());
        EpisodeScript.SessionTape tape = s.tape(p, slot + s.between(0, 60 * MINUTE));
        play(s, tape, me.duty.commands, tape.now + 40 * MINUTE, false, Checkout.NONE, null);
        tape.end();
        s.trigger(tape.start);
        return s.build(Scenario.UNGRANTED_SESSION, null, null, p.sessionId);
    }

    private Episode afterExpiry(EpisodeScript s, long slot) {
        SyntheticPrincipal me = s.principal;
        String variant = s.chance(0.5) ? "expired" : "revoked";
        GrantPlan g = s.grant(role(me), homeScope(s), s.oneOf(me.duty.reasons), s.ticket("CHG-"), false);
        requestApproveActivate(s, g, slot + s.between(0, 20 * MINUTE), approver(s), s.between(30, 60) * MINUTE);
        SessionPlan p = s.session(s.oneOf(me.homeTargets), me.duty, true, true, link(s, g));
        EpisodeScript.SessionTape tape = s.tape(p, g.windowEnd - s.between(5 * MINUTE, 15 * MINUTE));
        long endedAt;
        if (variant.equals("expired")) {
            endedAt = g.windowEnd;
            s.grantStep(endedAt, Episode.EXPIRED, g);
        } else {
            endedAt = s.between(tape.now + 2 * MINUTE, g.windowEnd - MINUTE);
            s.revoke(endedAt, g, g.approver);
        }
        long overrun = endedAt + s.between(10 * MINUTE, 30 * MINUTE);
        int after = 0;
        boolean readAfter = false;
        while (tape.now < overrun || after < 3) {
            int h;
            if (!readAfter && tape.now > endedAt && s.chance(0.3)) {
                h = tape.secret(Episode.READ, s.oneOf(me.homeSecrets), 30 * SECOND, 90 * SECOND);
                readAfter = true;
            } else {
                h = tape.command(s.oneOf(me.duty.commands), 30 * SECOND, 90 * SECOND);
            }
            if (tape.now > endedAt) {
                s.trigger(h);
                after++;
            }
        }
        tape.end();
        return s.build(Scenario.ACTIVITY_AFTER_EXPIRY, variant, g.requestId, p.sessionId);
    }

    private Episode outOfScope(EpisodeScript s, long slot) {
        SyntheticPrincipal me = s.principal;
        // Exact names only, so that nothing but the listed targets is covered.
        GrantPlan g = s.grant(role(me), List.of(me.homeTargets), s.oneOf(me.duty.reasons), s.ticket("CHG-"), false);
        requestApproveActivate(s, g, slot + s.between(0, 20 * MINUTE), approver(s), s.between(60, 240) * MINUTE);
        long deadline = g.windowEnd - 2 * MINUTE;
        Work w = work(s, g, g.usableFrom + s.between(MINUTE, 5 * MINUTE), deadline, 1, false, Checkout.NONE);
        String target = unfamiliarTarget(s, g);
        Duty how = Duty.forKind(estate.kindOf(target, me.duty.targetKind));
        SessionPlan p = s.session(target, how, true, true, List.of());
        EpisodeScript.SessionTape tape = s.tape(p, w.lastEnd + s.between(2 * MINUTE, 10 * MINUTE));
        play(s, tape, how.commands, deadline, false, Checkout.NONE, null);
        long end = tape.end();
        s.trigger(tape.start);
        close(s, g, end);
        return s.build(Scenario.OUT_OF_SCOPE_TARGET, null, g.requestId, p.sessionId);
    }

    private Episode breakGlass(EpisodeScript s, long slot) {
        SyntheticPrincipal me = s.principal;
        String variant = s.chance(0.5) ? "with-ticket" : "no-ticket";
        GrantPlan g = s.grant(profile.breakGlassRole(), homeScope(s), s.oneOf(BREAK_GLASS_REASONS),
                variant.equals("with-ticket") ? s.ticket("INC-") : null, true);
        long requested = slot + s.between(0, 60 * MINUTE);
        s.grantStep(requested, Episode.REQUESTED, g);
        long activated = requested + s.between(10 * SECOND, 60 * SECOND);
        g.windowStart = activated;
        g.windowEnd = activated + s.between(60, 120) * MINUTE;
        g.usableFrom = activated;
        s.trigger(s.grantStep(activated, Episode.ACTIVATED, g));
        Work w = work(s, g, activated + s.between(MINUTE, 5 * MINUTE), g.windowEnd - 2 * MINUTE,
                1 + s.rng.nextInt(2), false, Checkout.NONE);
        close(s, g, w.lastEnd);
        // The activation is the finding, on the grant; the sessions under it are its evidence.
        return s.build(Scenario.BREAK_GLASS, variant, g.requestId, null);
    }

    private Episode unused(EpisodeScript s, long slot) {
        SyntheticPrincipal me = s.principal;
        GrantPlan g = s.grant(role(me), homeScope(s), s.oneOf(me.duty.reasons), s.ticket("CHG-"), false);
        requestApproveActivate(s, g, slot + s.between(0, 20 * MINUTE), approver(s), s.between(30, 240) * MINUTE);
        s.trigger(lastHandle(s));
        s.trigger(s.grantStep(g.windowEnd, Episode.EXPIRED, g));
        return s.build(Scenario.UNUSED_GRANT, null, g.requestId, null);
    }

    private Episode secretOutside(EpisodeScript s, long slot) {
        SyntheticPrincipal me = s.principal;
        long t = slot + s.between(0, 180 * MINUTE);
        String variant;
        if (s.chance(0.5)) {
            variant = "read";
            int reads = 1 + s.rng.nextInt(2);
            for (int i = 0; i < reads; i++) {
                s.trigger(s.secret(t, Episode.READ, s.oneOf(me.homeSecrets)));
                t += s.between(10 * SECOND, 120 * SECOND);
            }
        } else {
            variant = "checkout";
            String credential = me.duty.account + "@" + s.oneOf(me.homeTargets);
            s.trigger(s.secret(t, Episode.CHECKOUT, credential));
            s.secret(t + s.between(5 * MINUTE, 30 * MINUTE), Episode.CHECKIN, credential);
        }
        return s.build(Scenario.SECRET_OUTSIDE_SESSION, variant, null, null);
    }

    private Episode risky(EpisodeScript s, long slot) {
        SyntheticPrincipal me = s.principal;
        int k = s.rng.nextInt(RiskyCommands.SHELL.length);
        // Database people reach their database hosts over ssh for this; cluster people exec into a pod.
        boolean inPod = me.duty == Duty.PLATFORM;
        Duty how = inPod ? Duty.PLATFORM : Duty.HOST_ADMIN;
        String command = inPod ? RiskyCommands.IN_POD[k] : RiskyCommands.SHELL[k][1];
        GrantPlan g = s.grant(role(me), homeScope(s), s.oneOf(me.duty.reasons), s.ticket("CHG-"), false);
        requestApproveActivate(s, g, slot + s.between(0, 20 * MINUTE), approver(s), s.between(30, 240) * MINUTE);
        SessionPlan p = s.session(s.oneOf(me.homeTargets), how, true, true, link(s, g));
        EpisodeScript.SessionTape tape = s.tape(p, g.usableFrom + s.between(MINUTE, 5 * MINUTE));
        int n = (int) s.between(4, 10);
        int at = (int) s.between(1, n - 1);
        for (int i = 0; i < n; i++) {
            if (i == at) {
                s.trigger(tape.command(command, 15 * SECOND, 90 * SECOND));
            } else {
                tape.command(s.oneOf(how.commands), 15 * SECOND, 90 * SECOND);
            }
        }
        close(s, g, tape.end());
        return s.build(Scenario.RISKY_COMMAND, RiskyCommands.SHELL[k][0], g.requestId, p.sessionId);
    }

    private Episode burst(EpisodeScript s, long slot) {
        SyntheticPrincipal me = s.principal;
        GrantPlan g = s.grant(role(me), homeScope(s), s.oneOf(me.duty.reasons), s.ticket("CHG-"), false);
        requestApproveActivate(s, g, slot + s.between(0, 20 * MINUTE), approver(s), s.between(30, 240) * MINUTE);
        SessionPlan p = s.session(s.oneOf(me.homeTargets), me.duty, true, true, link(s, g));
        EpisodeScript.SessionTape tape = s.tape(p, g.usableFrom + s.between(MINUTE, 5 * MINUTE));
        for (long i = s.between(2, 3); i > 0; i--) {
            tape.command(s.oneOf(me.duty.commands), 15 * SECOND, 90 * SECOND);
        }
        String[] secrets = s.shuffled(s.profile.secretPaths().toArray(String[]::new));
        int reads = (int) s.between(20, 28);
        for (int i = 0; i < reads; i++) {
            // 20-28 distinct secrets, 2-4 s apart: all of them inside two minutes.
            s.trigger(tape.secret(Episode.READ, secrets[i], i == 0 ? 5 * SECOND : 2 * SECOND,
                    i == 0 ? 20 * SECOND : 4 * SECOND));
        }
        for (long i = s.between(1, 2); i > 0; i--) {
            tape.command(s.oneOf(me.duty.commands), 15 * SECOND, 90 * SECOND);
        }
        close(s, g, tape.end());
        return s.build(Scenario.SECRET_BURST, null, g.requestId, p.sessionId);
    }

    /** A 26-72 h window approved; used once, then revoked: the approval itself breaks policy. */
    private Episode longWindowRevoked(EpisodeScript s, long slot) {
        SyntheticPrincipal me = s.principal;
        GrantPlan g = s.grant(role(me), homeScope(s), s.oneOf(LONG_REASONS), s.ticket("CHG-"), false);
        s.trigger(requestApproveActivate(s, g, slot + s.between(0, 20 * MINUTE), approver(s),
                s.between(26 * 60, 72 * 60) * MINUTE));
        long from = g.usableFrom + s.between(MINUTE, 5 * MINUTE);
        Work w = work(s, g, from, from + 60 * MINUTE, 1, false, Checkout.NONE);
        s.revoke(w.lastEnd + s.between(5 * MINUTE, 30 * MINUTE), g, null);
        // The violation is the approval, not any session: the truth names the grant alone.
        return s.build(Scenario.LONG_GRANT, "long-window-revoked", g.requestId, null);
    }

    /** A 26-28 h window that runs its course, used on both days; the principal's next two slots stay empty. */
    private Episode longWindow(EpisodeScript s, long slot) {
        SyntheticPrincipal me = s.principal;
        GrantPlan g = s.grant(role(me), homeScope(s), s.oneOf(LONG_REASONS), s.ticket("CHG-"), false);
        s.trigger(requestApproveActivate(s, g, slot + s.between(0, 10 * MINUTE), approver(s),
                s.between(26 * 60, 28 * 60) * MINUTE));
        long from = g.usableFrom + s.between(MINUTE, 5 * MINUTE);
        work(s, g, from, from + 60 * MINUTE, 1, false, Checkout.NONE);
        long nextMorning = slot + 24 * HOUR + s.between(10 * MINUTE, 60 * MINUTE);
        work(s, g, nextMorning, nextMorning + 40 * MINUTE, 1, false, Checkout.NONE);
        s.grantStep(g.windowEnd, Episode.EXPIRED, g);
        return s.build(Scenario.LONG_GRANT, "long-window", g.requestId, null);
    }

    /** Seven back-to-back 4 h grants: each within policy, together 28 h of standing privilege. */
    private Episode renewals(EpisodeScript s, long slot) {
        SyntheticPrincipal me = s.principal;
        List<String> scope = homeScope(s);
        String reason = s.oneOf(LONG_REASONS);
        String ticket = s.ticket("CHG-");
        String approver = approver(s);
        long requested = slot + s.between(0, 10 * MINUTE);
        long approvedAt = requested + s.between(2 * MINUTE, 5 * MINUTE);
        String firstRequest = null;
        for (int k = 0; k < 7; k++) {
            GrantPlan g = s.grant(role(me), scope, reason, ticket, false);
            g.approver = approver;
            g.windowStart = approvedAt + k * 4 * HOUR;
            g.windowEnd = g.windowStart + 4 * HOUR;
            if (k == 0) {
                firstRequest = g.requestId;
                s.grantStep(requested, Episode.REQUESTED, g);
                s.trigger(s.grantStep(approvedAt, Episode.APPROVED, g));
            } else {
                s.grantStep(g.windowStart - s.between(10 * MINUTE, 20 * MINUTE), Episode.REQUESTED, g);
                s.trigger(s.grantStep(g.windowStart - s.between(2 * MINUTE, 8 * MINUTE), Episode.APPROVED, g));
            }
            g.usableFrom = g.windowStart + s.between(0, 60 * SECOND);
            s.grantStep(g.usableFrom, Episode.ACTIVATED, g);
            long from = g.usableFrom + s.between(5 * MINUTE, 60 * MINUTE);
            work(s, g, from, from + 40 * MINUTE, 1, false, Checkout.NONE);
            s.grantStep(g.windowEnd, Episode.EXPIRED, g);
        }
        // The run of grants is the violation: the truth names its first grant and no session.
        return s.build(Scenario.LONG_GRANT, "renewals", firstRequest, null);
    }

    /** Thirty distinct secrets read slowly in one session: no burst, but nothing like this person's history. */
    private Episode secretSweep(EpisodeScript s, long slot) {
        SyntheticPrincipal me = s.principal;
        GrantPlan g = s.grant(role(me), homeScope(s), s.oneOf(me.duty.reasons), s.ticket("CHG-"), false);
        requestApproveActivate(s, g, slot + s.between(0, 20 * MINUTE), approver(s), s.between(120, 180) * MINUTE);
        SessionPlan p = s.session(s.oneOf(me.homeTargets), me.duty, true, true, link(s, g));
        EpisodeScript.SessionTape tape = s.tape(p, g.usableFrom + s.between(MINUTE, 5 * MINUTE));
        String[] secrets = s.shuffled(s.profile.secretPaths().toArray(String[]::new));
        for (int i = 0; i < 30; i++) {
            tape.secret(Episode.READ, secrets[i], 120 * SECOND, 180 * SECOND);
            if (i % 3 == 2) {
                tape.command(s.oneOf(me.duty.commands), 30 * SECOND, 60 * SECOND);
            }
        }
        close(s, g, tape.end());
        s.trigger(tape.start);
        return s.build(Scenario.BEHAVIOUR_ANOMALY, "secret-sweep", g.requestId, p.sessionId);
    }

    /** A session ten times longer than usual, on a host never visited, starting around 3 a.m. UTC. */
    private Episode nightMarathon(EpisodeScript s, long nextMidnight) {
        SyntheticPrincipal me = s.principal;
        String target = unfamiliarTarget(s, null);
        TargetKind kind = estate.kindOf(target, me.duty.targetKind);
        Duty how = Duty.forKind(kind);
        GrantPlan g = s.grant(kind.role(profile), List.of(target), s.oneOf(me.duty.reasons), s.ticket("CHG-"), false);
        long requested = nextMidnight + 2 * HOUR + 40 * MINUTE + s.between(0, 10 * MINUTE);
        s.grantStep(requested, Episode.REQUESTED, g);
        g.approver = approver(s);
        g.windowStart = requested + s.between(2 * MINUTE, 5 * MINUTE);
        g.windowEnd = g.windowStart + 180 * MINUTE;
        s.grantStep(g.windowStart, Episode.APPROVED, g);
        g.usableFrom = g.windowStart + s.between(MINUTE, 3 * MINUTE);
        s.grantStep(g.usableFrom, Episode.ACTIVATED, g);
        SessionPlan p = s.session(target, how, true, true, link(s, g));
        EpisodeScript.SessionTape tape = s.tape(p, g.usableFrom + s.between(2 * MINUTE, 5 * MINUTE));
        long until = tape.now + s.between(150 * MINUTE, 165 * MINUTE);
        while (tape.now < until && tape.now + 5 * MINUTE < g.windowEnd) {
            tape.command(s.oneOf(how.commands), MINUTE, 4 * MINUTE);
        }
        tape.end();
        s.grantStep(g.windowEnd, Episode.EXPIRED, g);
        s.trigger(tape.start);
        return s.build(Scenario.BEHAVIOUR_ANOMALY, "night-marathon", g.requestId, p.sessionId);
    }

    // ------------------------------------------------------------------ building blocks

    /**
     * REQUESTED at {@code requested}, APPROVED 1-15 min later with a window of {@code window} ms from the approval,
     * ACTIVATED 0-5 min into the window. Returns the APPROVED event's handle.
     */
    private int requestApproveActivate(EpisodeScript s, GrantPlan g, long requested, String approver, long window) {
        s.grantStep(requested, Episode.REQUESTED, g);
        g.approver = approver;
        g.windowStart = requested + s.between(MINUTE, 15 * MINUTE);
        g.windowEnd = g.windowStart + window;
        int approved = s.grantStep(g.windowStart, Episode.APPROVED, g);
        g.usableFrom = g.windowStart + s.between(0, 5 * MINUTE);
        s.grantStep(g.usableFrom, Episode.ACTIVATED, g);
        return approved;
    }

    /** Ends a used grant: the requester revokes it early once done (30 %), or it expires at the window's end. */
    private void close(EpisodeScript s, GrantPlan g, long lastUse) {
        if (s.chance(0.3) && lastUse + 11 * MINUTE < g.windowEnd) {
            s.revoke(lastUse + s.between(MINUTE, 10 * MINUTE), g, null);
        } else {
            s.grantStep(g.windowEnd, Episode.EXPIRED, g);
        }
    }

    /** Up to {@code count} ordinary sessions on home targets, one after another, all ending before the deadline. */
    private Work work(EpisodeScript s, GrantPlan g, long from, long deadline, int count, boolean firstUnrecorded,
            Checkout checkout) {
        SyntheticPrincipal me = s.principal;
        Work w = new Work();
        long cursor = from;
        for (int k = 0; k < count && cursor + 5 * MINUTE <= deadline; k++) {
            SessionPlan p = s.session(s.oneOf(me.homeTargets), me.duty, true, !(firstUnrecorded && k == 0),
                    link(s, g));
            EpisodeScript.SessionTape tape = s.tape(p, cursor);
            if (k == 0) {
                w.firstSession = p.sessionId;
                w.firstStart = tape.start;
            }
            play(s, tape, me.duty.commands, deadline, true, k == 0 ? checkout : Checkout.NONE, w);
            w.lastEnd = tape.end();
            cursor = w.lastEnd + s.between(MINUTE, 20 * MINUTE);
        }
        return w;
    }

    /** 3-12 ordinary commands 15-90 s apart, with up to two secret reads and perhaps a credential checkout. */
    private void play(EpisodeScript s, EpisodeScript.SessionTape tape, String[] commands, long deadline,
            boolean reads, Checkout checkout, Work w) {
        SyntheticPrincipal me = s.principal;
        int steps = (int) s.between(3, 12);
        int secrets = reads ? s.rng.nextInt(3) : 0;
        int total = steps + secrets;
        String credential = tape.session.account + "@" + tape.session.target;
        for (int k = 0; k < total; k++) {
            // Leave room for the longest step, a check-in and the END before the deadline.
            if (tape.now + 3 * MINUTE > deadline) {
                break;
            }
            if (secrets > 0 && s.rng.nextInt(total - k) < secrets) {
                tape.secret(Episode.READ, s.oneOf(me.homeSecrets), 15 * SECOND, 90 * SECOND);
                secrets--;
            } else {
                tape.command(s.oneOf(commands), 15 * SECOND, 90 * SECOND);
            }
            if (k == 0 && checkout != Checkout.NONE) {
                w.checkout = tape.secret(Episode.CHECKOUT, credential, 5 * SECOND, 30 * SECOND);
            }
        }
        if (checkout == Checkout.RETURNED) {
            tape.secret(Episode.CHECKIN, credential, 5 * SECOND, 30 * SECOND);
        }
    }

    private String role(SyntheticPrincipal me) {
        return me.duty.targetKind.role(profile);
    }

    /** The home group's glob or the exact home targets: either covers every home target and nothing odd. */
    private List<String> homeScope(EpisodeScript s) {
        SyntheticPrincipal me = s.principal;
        return me.homeGlob != null && s.chance(0.5) ? List.of(me.homeGlob) : List.of(me.homeTargets);
    }

    private String approver(EpisodeScript s) {
        return cast.otherHuman(s.principal.globalIndex, s.rng.nextLong());
    }

    /** Brokers link the grant to the session for about half of the sessions; the rest the pipeline must match. */
    private static List<String> link(EpisodeScript s, GrantPlan g) {
        return s.chance(0.5) ? List.of(g.requestId) : List.of();
    }

    /**
     * A target the principal never works on and, when given, the grant does not cover: of their own kind if one is
     * left, otherwise a host.
     */
    private String unfamiliarTarget(EpisodeScript s, GrantPlan g) {
        SyntheticPrincipal me = s.principal;
        for (TargetKind kind : new TargetKind[] {me.duty.targetKind, TargetKind.HOST, TargetKind.DATABASE}) {
            List<String> candidates = new ArrayList<>();
            for (String t : estate.targets(kind)) {
                if (!me.worksOn(t) && (g == null || !g.covers(t))) {
                    candidates.add(t);
                }
            }
            if (!candidates.isEmpty()) {
                return candidates.get(s.rng.nextInt(candidates.size()));
            }
        }
        throw new IllegalStateException("no unfamiliar target left for " + me.id);
    }

    private static int lastHandle(EpisodeScript s) {
        return s.size() - 1;
    }
}
