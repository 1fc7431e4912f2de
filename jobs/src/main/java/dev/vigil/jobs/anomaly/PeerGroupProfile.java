package dev.vigil.jobs.anomaly;

import dev.vigil.common.PrincipalKind;

import java.util.Locale;

/**
 * The behavioural baseline of one peer group: every principal of one kind (human or service) working under one
 * grant role, or of one kind with no grant. An exponentially weighted mean and variance of every catalogue feature,
 * moving slower than a principal's ({@link #ALPHA}) since a group sees many more units. A Flink POJO, kept in the
 * state of the scoring stage keyed by peer group; its size is fixed by the catalogue.
 *
 * <p>It answers two questions a principal's own baseline cannot: how a principal with little history of its own
 * compares with the people who do the same job, and, in every explanation, whether what is unusual for this
 * principal is also unusual for its peers.
 */
public class PeerGroupProfile {
    /** Weight of the newest unit: about the last hundred units of the group count. */
    public static final double ALPHA = 0.01;
    /** Units before the group's baseline is used. */
    public static final int MATURE_AFTER = 30;
    /** The peer group of units worked under no grant. */
    public static final String NO_GRANT = "no-grant";

    public long observations;
    public double[] mean = new double[FeatureCatalogue.size()];
    public double[] variance = new double[FeatureCatalogue.size()];
    /** Event time of the latest act of any unit folded in, for clean-up of groups gone quiet. */
    public long lastSeenAt = Long.MIN_VALUE;

    public PeerGroupProfile() {}

    /** The peer group of a unit of a principal of {@code kind} worked under a grant of {@code role} (or none). */
    public static String of(PrincipalKind kind, String role) {
        String k = (kind == null ? PrincipalKind.HUMAN : kind).name().toLowerCase(Locale.ROOT);
        return k + "/" + (role == null || role.isBlank() ? NO_GRANT : role);
    }

    public boolean isMature() {
        return observations >= MATURE_AFTER;
    }

    public double std(int i) {
        return PrincipalProfile.std(variance, i);
    }

    /** Folds one unit's features in, weighing them {@link #ALPHA}. */
    public void observe(double[] x, long lastActAt) {
        PrincipalProfile.update(mean, variance, observations, x, ALPHA);
        observations++;
        lastSeenAt = Math.max(lastSeenAt, lastActAt);
    }
}
