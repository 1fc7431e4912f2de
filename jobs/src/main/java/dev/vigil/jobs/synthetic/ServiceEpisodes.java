package dev.vigil.jobs.synthetic;

import static dev.vigil.jobs.synthetic.EpisodeScript.MINUTE;
import static dev.vigil.jobs.synthetic.EpisodeScript.SECOND;

import java.util.List;

/**
 * What service accounts do in an episode (a six-hour slot): scheduled, non-interactive, recorded runs on their
 * targets under a standing automation grant, reading their own secrets inside each run. The grant is APPROVED (never
 * activated) for a period of {@value #SLOTS_PER_PERIOD} slots (five days) and expires when the next one starts: the
 * first slot of a period requests it and the last lets it expire. In the attack, someone drives the account by hand.
 */
final class ServiceEpisodes {
    static final int SLOTS_PER_PERIOD = 20;
    static final long SLOT = 6 * 60 * MINUTE;

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
    Episode plan(EpisodeScript s, Scenario scenario, long slotIndex, long slot, long grantSlot) {
        SyntheticPrincipal me = s.principal;
        GrantPlan g = automationGrant(me, slotIndex / SLOTS_PER_PERIOD, grantSlot,
                slot + (SLOTS_PER_PERIOD - slotIndex % SLOTS_PER_PERIOD) * SLOT);
        if (slot == grantSlot) {
            s.grantStep(slot + s.between(0, 30 * SECOND), Episode.REQUESTED, g);
            s.grantStep(g.windowStart, Episode.APPROVED, g);
        }
        boolean attack = scenario == Scenario.SERVICE_INTERACTIVE;
        long firstRun = slot + 5 * MINUTE + s.between(0, Math.min(60, me.runIntervalMinutes) * MINUTE);
        long lastStart = slot + SLOT - 10 * MINUTE;
        long interval = me.runIntervalMinutes * MINUTE;
        int runs = (int) ((lastStart - firstRun) / interval) + 1;
        // The hands-on session takes the place of a run that leaves it time to end well inside the slot.
        int byHand = attack ? s.rng.nextInt((int) Math.min(runs, (slot + SLOT - 30 * MINUTE - firstRun) / interval + 1))
                : -1;
        String session = null;
        for (int m = 0; m < runs; m++) {
            long at = firstRun + m * interval;
            String target = me.homeTargets[m % me.homeTargets.length];
            if (m == byHand) {
                session = byHand(s, g, target, at);
            } else {
                String id = run(s, g, target, me.homeSecrets[m % me.homeSecrets.length], at);
                session = session == null ? id : session;
            }
        }
        if (slotIndex % SLOTS_PER_PERIOD == SLOTS_PER_PERIOD - 1) {
            s.grantStep(g.windowEnd, Episode.EXPIRED, g);
        }
        return s.build(scenario, null, g.requestId, session);
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
