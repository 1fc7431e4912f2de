package dev.vigil.jobs.anomaly;

import java.util.ArrayList;
import java.util.List;

/**
 * The behavioural baseline of one principal: an exponentially weighted mean and variance of every catalogue feature
 * (recent sessions weigh more, old habits fade), and bounded first-seen sets of the targets, accounts, source
 * addresses and grant roles it used (least recently seen forgotten first). A Flink POJO, kept in keyed state; its
 * size is fixed by {@link #MAX_SEEN} and the catalogue, whatever the principal's history.
 */
public class PrincipalProfile {
    /** Weight of the newest observation in the moving mean and variance: about the last 20 sessions count. */
    public static final double ALPHA = 0.05;
    /** Entries kept per first-seen set. */
    public static final int MAX_SEEN = 64;
    /** Observations before the principal's own baseline is trusted over its peer group's. */
    public static final int MATURE_AFTER = 10;

    public long observations;
    public double[] mean = new double[FeatureCatalogue.size()];
    public double[] variance = new double[FeatureCatalogue.size()];
    public List<String> targets = new ArrayList<>();
    public List<String> accounts = new ArrayList<>();
    public List<String> sourceIps = new ArrayList<>();
    public List<String> roles = new ArrayList<>();
    /** Event time of the latest act folded in, for clean-up of principals gone quiet. */
    public long lastSeenAt = Long.MIN_VALUE;

    public PrincipalProfile() {}

    public boolean isMature() {
        return observations >= MATURE_AFTER;
    }

    /** The baseline standard deviation of feature {@code i}, never below the catalogue's floor. */
    public double std(int i) {
        return std(variance, i);
    }

    /** Folds one observation in, weighing it {@link #ALPHA}. */
    public void observe(double[] x) {
        update(mean, variance, observations, x, ALPHA);
        observations++;
    }

    /**
     * One step of an exponentially weighted mean and variance (West's update): the first observation sets the mean;
     * later ones move it by {@code alpha} of the difference and update the variance the same way. Shared by the
     * principal's and the peer group's baselines.
     */
    static void update(double[] mean, double[] variance, long seen, double[] x, double alpha) {
        if (seen == 0) {
            System.arraycopy(x, 0, mean, 0, x.length);
            return;
        }
        for (int i = 0; i < x.length; i++) {
            double diff = x[i] - mean[i];
            double incr = alpha * diff;
            mean[i] += incr;
            variance[i] = (1 - alpha) * (variance[i] + diff * incr);
        }
    }

    /** A baseline's standard deviation of feature {@code i}, never below the catalogue's floor. */
    static double std(double[] variance, int i) {
        return Math.max(FeatureCatalogue.get(i).minStd(), Math.sqrt(Math.max(0, variance[i])));
    }

    /** Whether {@code value} is new to {@code seen}; remembers it as the most recent either way. */
    static boolean firstSeen(List<String> seen, String value) {
        if (value == null) {
            return false;
        }
        boolean isNew = !seen.remove(value);
        seen.add(value);
        if (seen.size() > MAX_SEEN) {
            seen.remove(0);
        }
        return isNew;
    }
}
