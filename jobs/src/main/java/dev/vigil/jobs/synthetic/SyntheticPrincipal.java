package dev.vigil.jobs.synthetic;

import dev.vigil.common.PrincipalKind;
import java.util.List;

/**
 * One actor of the synthetic organisation and the habits that make its normal behaviour normal: where it works,
 * when, from which address, with which secrets. Derived from the seed and the actor's global index alone.
 */
final class SyntheticPrincipal {
    final int globalIndex;
    final String id;
    final PrincipalKind kind;
    final String sourceIp;
    /** People: what they do; null for services. */
    final Duty duty;
    /** Services: the job they run; null for people. */
    final ServiceJob job;
    /** Targets this actor works on, and nothing else in normal traffic. */
    final String[] homeTargets;
    /** A glob covering exactly the home group (e.g. {@code app-prod-*}), or null when the home has none. */
    final String homeGlob;
    final String[] homeSecrets;
    /** People: minute of the UTC day at which their first work slot starts; services: the offset of their runs. */
    final int dayOffsetMinutes;
    /** Services: minutes between scheduled runs. */
    final int runIntervalMinutes;
    /** Services: the person who approves their automation grants. */
    final String owner;

    SyntheticPrincipal(int globalIndex, String id, PrincipalKind kind, String sourceIp, Duty duty, ServiceJob job,
            String[] homeTargets, String homeGlob, String[] homeSecrets, int dayOffsetMinutes,
            int runIntervalMinutes, String owner) {
        this.globalIndex = globalIndex;
        this.id = id;
        this.kind = kind;
        this.sourceIp = sourceIp;
        this.duty = duty;
        this.job = job;
        this.homeTargets = homeTargets;
        this.homeGlob = homeGlob;
        this.homeSecrets = homeSecrets;
        this.dayOffsetMinutes = dayOffsetMinutes;
        this.runIntervalMinutes = runIntervalMinutes;
        this.owner = owner;
    }

    boolean isHuman() {
        return kind == PrincipalKind.HUMAN;
    }

    TargetKind targetKind() {
        return duty != null ? duty.targetKind : job.targetKind;
    }

    boolean worksOn(String target) {
        return List.of(homeTargets).contains(target);
    }

    @Override
    public String toString() {
        return id;
    }
}
