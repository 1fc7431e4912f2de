package dev.vigil.jobs.synthetic;

import static dev.vigil.jobs.synthetic.EpisodeScript.MINUTE;
import static dev.vigil.jobs.synthetic.EpisodeScript.SECOND;

import java.util.ArrayList;
import java.util.List;

/**
 * What service accounts do in an episode (a six-hour slot): scheduled, non-interactive, recorded runs on their
 * targets under a standing automation grant, reading their own secrets inside each run. The grant is APPROVED (never
 * activated) for a period of {@value #SLOTS_PER_PERIOD} slots (five days) and expires when the next one starts: the
 * first slot of a period requests it and the last lets it expire. In the attack, someone drives the account by hand.
 *
 * <p>Two behaviour anomalies break no rule, only the account's habits: {@code service-secret-sweep}, one run that
 * reads a dozen or more other teams' secrets one by one, and {@code service-recon}, a scripted session around 3 a.m. on
 * a target the account never touched (covered by a one-off grant its owner approved), running a score of distinct
 * reconnaissance commands and reading a few secrets. Both stay non-interactive, recorded, granted, free of risky
 * commands and far below the secret-burst threshold.
 */
final class ServiceEpisodes {
    static final int SLOTS_PER_PERIOD = 20;
    static final long SLOT = 6 * 60 * MINUTE;
    /** Behaviour-anomaly variants played by service accounts. */
    static final String SECRET_SWEEP = "service-secret-sweep";
    static final String RECON = "service-recon";
    /** How long after the start of its night slot (00:00-00:59 UTC) the one-off grant of a recon is requested. */
    static final long RECON_AFTER = 150 * MINUTE;

    private final Estate estate;
    private final long seed;
    private final int partition;

    ServiceEpisodes(Estate estate, long seed, int partition) {
        this.estate = estate;
        this.seed = seed;
        this.partition = partition;
    }

    /**
     * @param slotIndex the service's slot counted from the first day of the traffic
     * @param slot when this slot starts
     * @param grantSlot when the slot that requested this period's grant starts (the first one after the traffic
     *     starts)
     */
    Episode plan(EpisodeScript s, Scenario scenario, String variant, long slotIndex, long slot, long grantSlot) {
        SyntheticPrincipal me = s.principal;
        GrantPlan g = automationGrant(me, slotIndex / SLOTS_PER_PERIOD, grantSlot,
                slot + (SLOTS_PER_PERIOD - slotIndex % SLOTS_PER_PERIOD) * SLOT);
        if (slot == grantSlot) {
            s.grantStep(slot + s.between(0, 30 * SECOND), Episode.REQUESTED, g);
            s.grantStep(g.windowStart, Episode.APPROVED, g);
        }
        boolean attack = scenario == Scenario.SERVICE_INTERACTIVE;
        boolean sweep = scenario == Scenario.BEHAVIOUR_ANOMALY && SECRET_SWEEP.equals(variant);
        long firstRun = slot + 5 * MINUTE + s.between(0, Math.min(60, me.runIntervalMinutes) * MINUTE);
        long lastStart = slot + SLOT - 10 * MINUTE;
        long interval = me.runIntervalMinutes * MINUTE;
        int runs = (int) ((lastStart - firstRun) / interval) + 1;
        // The hands-on session takes the place of a run that leaves it time to end well inside the slot.
        int byHand = attack ? s.rng.nextInt((int) Math.min(runs, (slot + SLOT - 30 * MINUTE - firstRun) / interval + 1))
                : -1;
        // So does the sweeping run, which lasts up to three quarters of an hour.
        int sweeping = sweep ? s.rng.nextInt((int) Math.min(runs, (slot + SLOT - 60 * MINUTE - firstRun) / interval + 1))
                : -1;
        String session = null;
        String anomaly = null;
        for (int m = 0; m < runs; m++) {
            long at = firstRun + m * interval;
            String target = me.homeTargets[m % me.homeTargets.length];
            if (m == byHand) {
                session = byHand(s, g, target, at);
            } else if (m == sweeping) {
                anomaly = sweepingRun(s, g, target, me.homeSecrets[m % me.homeSecrets.length], at);
            } else {
                String id = run(s, g, target, me.homeSecrets[m % me.homeSecrets.length], at);
                session = session == null ? id : session;
            }
        }
        if (slotIndex % SLOTS_PER_PERIOD == SLOTS_PER_PERIOD - 1) {
            s.grantStep(g.windowEnd, Episode.EXPIRED, g);
        }
        if (scenario == Scenario.BEHAVIOUR_ANOMALY) {
            if (sweep) {
                return s.build(scenario, SECRET_SWEEP, g.requestId, anomaly);
            }
            GrantPlan oneOff = oneOffGrant(s, slot + RECON_AFTER + s.between(0, 30 * MINUTE));
            return s.build(scenario, RECON, oneOff.requestId, recon(s, oneOff));
        }
        return s.build(scenario, null, g.requestId, session);
    }

    /**
     * A run that, after its first command and its own secret, reads 12-16 other secrets one by one, 110-170 s apart:
     * never more than six in ten minutes, so no burst, but a dozen times what the job ever reads.
     */
    private String sweepingRun(EpisodeScript s, GrantPlan g, String target, String secret, long at) {
        ServiceJob job = s.principal.job;
        SessionPlan p = s.session(target, job.account, job.protocol, false, true, List.of(g.requestId), null);
        EpisodeScript.SessionTape tape = s.tape(p, at);
        String[] others = shuffledOtherSecrets(s);
        int reads = (int) Math.min(others.length, s.between(12, 16));
        for (int i = 0; i < job.commands.length; i++) {
            tape.command(job.commands[i], 2 * SECOND, 15 * SECOND);
            if (i == 0) {
                tape.secret(Episode.READ, secret, SECOND, 3 * SECOND);
                for (int k = 0; k < reads; k++) {
                    tape.secret(Episode.READ, others[k], 110 * SECOND, 170 * SECOND);
                }
            }
        }
        tape.end();
        s.trigger(tape.start);
        return p.sessionId;
    }

    /**
     * The owner approves a two-hour automation grant for one target the account never worked on, as a ticketed
     * one-off job would get; the scripted session under it stays inside that grant.
     */
    private GrantPlan oneOffGrant(EpisodeScript s, long requested) {
        SyntheticPrincipal me = s.principal;
        GrantPlan g = s.grant(estate.profile.automationRole(), List.of(unfamiliarTarget(s)),
                "one-off " + me.job.name + " inventory run", s.ticket("CHG-"), false);
        s.grantStep(requested, Episode.REQUESTED, g);
        g.approver = me.owner;
        g.windowStart = requested + s.between(MINUTE, 5 * MINUTE);
        g.windowEnd = g.windowStart + 120 * MINUTE;
        g.usableFrom = g.windowStart;
        s.grantStep(g.windowStart, Episode.APPROVED, g);
        s.grantStep(g.windowEnd, Episode.EXPIRED, g);
        return g;
    }

    /**
     * Non-interactive, recorded, from the job's own address, under the one-off grant: 14-20 distinct reconnaissance
     * commands 30-75 s apart, and a secret that is not the job's after every fourth (so reads are two minutes or more
     * apart).
     */
    private String recon(EpisodeScript s, GrantPlan g) {
        ServiceJob job = s.principal.job;
        String target = g.scope.get(0);
        SessionPlan p = s.session(target, job.account, job.protocol, false, true, List.of(g.requestId), null);
        EpisodeScript.SessionTape tape = s.tape(p, g.windowStart + s.between(2 * MINUTE, 10 * MINUTE));
        String[] commands = s.shuffled(ReconCommands.forProtocol(job.protocol));
        String[] secrets = shuffledOtherSecrets(s);
        int n = (int) Math.min(commands.length, s.between(14, 20));
        int read = 0;
        for (int i = 0; i < n; i++) {
            tape.command(commands[i], 30 * SECOND, 75 * SECOND);
            if (i % 4 == 3 && read < secrets.length) {
                tape.secret(Episode.READ, secrets[read++], 5 * SECOND, 20 * SECOND);
            }
        }
        tape.end();
        s.trigger(tape.start);
        return p.sessionId;
    }

    /** A target the account never works on: of its job's kind if one is left, otherwise a host or a database. */
    private String unfamiliarTarget(EpisodeScript s) {
        SyntheticPrincipal me = s.principal;
        for (TargetKind kind : new TargetKind[] {me.job.targetKind, TargetKind.HOST, TargetKind.DATABASE}) {
            List<String> candidates = new ArrayList<>();
            for (String t : estate.targets(kind)) {
                if (!me.worksOn(t)) {
                    candidates.add(t);
                }
            }
            if (!candidates.isEmpty()) {
                return candidates.get(s.rng.nextInt(candidates.size()));
            }
        }
        throw new IllegalStateException("no unfamiliar target left for " + me.id);
    }

    /** The vault's secrets other than the account's own, in a random order. */
    private String[] shuffledOtherSecrets(EpisodeScript s) {
        List<String> others = new ArrayList<>();
        for (String secret : estate.secrets) {
            if (!List.of(s.principal.homeSecrets).contains(secret)) {
                others.add(secret);
            }
        }
        return s.shuffled(others.toArray(String[]::new));
    }

    /** One scheduled run: the job's commands a few seconds apart, with one secret read after the first. */
    private String run(EpisodeScript s, GrantPlan g, String target, String secret, long at) {
        ServiceJob job = s.principal.job;
        SessionPlan p = s.session(target, job.account, job.protocol, false, true, List.of(g.requestId), null);
        EpisodeScript.SessionTape tape = s.tape(p, at);
        for (int i = 0; i < job.commands.length; i++) {
            tape.command(job.commands[i], 2 * SECOND, 15 * SECOND);
            if (i == 0) {
                tape.secret(Episode.READ, secret, SECOND, 3 * SECOND);
            }
        }
        tape.end();
        return p.sessionId;
    }

    /** Someone logs in interactively as the service account, from a person's address, and looks around. */
    private String byHand(EpisodeScript s, GrantPlan g, String target, long at) {
        ServiceJob job = s.principal.job;
        boolean cluster = job.targetKind == TargetKind.CLUSTER;
        String ip = "10.20." + s.rng.nextInt(4) + "." + (1 + s.rng.nextInt(250));
        SessionPlan p = s.session(target, job.account, cluster ? "kubectl" : "ssh", true, true, List.of(), ip);
        EpisodeScript.SessionTape tape = s.tape(p, at);
        String[] commands = cluster ? Duty.PLATFORM.commands : RiskyCommands.HANDS_ON_SERVICE;
        for (long i = s.between(4, 8); i > 0; i--) {
            tape.command(s.oneOf(commands), 20 * SECOND, 90 * SECOND);
        }
        tape.end();
        s.trigger(tape.start);
        return p.sessionId;
    }

    /**
     * The period's automation grant, the same whichever slot of the period asks: every slot of the period can then
     * name it without knowing what the others did.
     */
    private GrantPlan automationGrant(SyntheticPrincipal me, long period, long grantSlot, long periodEnd) {
        long h = Seeds.of(seed, partition, me.globalIndex, period);
        GrantPlan g = new GrantPlan("req-" + seed + "-" + partition + "-auto-" + me.globalIndex + "-" + period,
                estate.profile.automationRole(), List.of(me.homeTargets), "scheduled " + me.job.name + " runs",
                "CHG-" + (100000 + Seeds.below(h, 900000)), null);
        g.approver = me.owner;
        g.windowStart = grantSlot + MINUTE + Seeds.below(Seeds.mix(h), 30) * SECOND;
        g.windowEnd = periodEnd;
        g.usableFrom = g.windowStart;
        return g;
    }
}
