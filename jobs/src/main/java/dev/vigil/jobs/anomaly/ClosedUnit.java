package dev.vigil.jobs.anomaly;

import java.util.ArrayList;
import java.util.Comparator;

/**
 * A unit of behaviour once it has closed, on its way from the stage keyed by principal (which folded it and knows
 * the principal's baseline) to the stage keyed by peer group (which knows the group's baseline and scores it): the
 * unit, its feature vector, the principal's baseline as it was before the unit, and its peer group. A Flink POJO.
 */
public class ClosedUnit {
    /** The unit, without its distinct-value sets (the features already count them). */
    public SessionActivity unit;
    public double[] features;
    /** The principal's baseline before this unit: units seen, mean and deviation per feature. */
    public long principalObservations;
    public double[] principalMean;
    public double[] principalStd;
    public String peerGroup;
    /**
     * The event time the principal stage closed the unit at (its close timer): the peer-group stage judges it once
     * its watermark passes this. Normally the unit's {@link SessionActivity#closeAt()}, which is the default.
     */
    public long closedAt;

    public ClosedUnit() {}

    /**
     * Closes {@code unit}: its features against {@code profile} as it was, a copy of that baseline, then the profile
     * learns the unit. The one step the job, {@code vigil model eval} and the tests all take first.
     */
    public static ClosedUnit close(SessionActivity unit, PrincipalProfile profile) {
        ClosedUnit c = new ClosedUnit();
        c.principalObservations = profile.observations;
        c.principalMean = profile.mean.clone();
        c.principalStd = new double[FeatureCatalogue.size()];
        for (int i = 0; i < c.principalStd.length; i++) {
            c.principalStd[i] = profile.std(i);
        }
        c.features = FeatureExtractor.observe(unit, profile);
        c.unit = unit;
        c.peerGroup = PeerGroupProfile.of(unit.kind, unit.role);
        c.closedAt = unit.closeAt();
        return c;
    }

    /** This closed unit without the unit's distinct-value sets, to keep what crosses the network small. */
    ClosedUnit trimmed() {
        unit.commandHashes = new ArrayList<>();
        unit.secrets = new ArrayList<>();
        unit.targets = new ArrayList<>();
        return this;
    }

    public boolean principalMature() {
        return principalObservations >= PrincipalProfile.MATURE_AFTER;
    }

    /** The order a peer group's units are judged in, everywhere: close time, principal, unit key. */
    public static final Comparator<ClosedUnit> JUDGING_ORDER = Comparator
            .<ClosedUnit>comparingLong(c -> c.unit.closeAt())
            .thenComparing(c -> c.unit.principalId)
            .thenComparing(c -> c.unit.key);
}
