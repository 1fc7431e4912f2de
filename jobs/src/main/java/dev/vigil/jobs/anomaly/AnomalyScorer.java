package dev.vigil.jobs.anomaly;

import dev.vigil.common.FeatureContribution;
import dev.vigil.common.PrincipalKind;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Judges closed units of behaviour: computes their features against the principal's profile, scores them with the
 * model of their population (or, with no model, by how far they sit from the principal's own baseline), explains the
 * score by the features furthest from the baseline, and lets the profile learn the unit. No Flink here: the job's
 * {@link AnomalyScoringFunction}, {@code vigil model eval} and the tests all judge through this class.
 */
public final class AnomalyScorer implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Without a model, a unit this many baseline deviations from the principal's mean on some feature is flagged. */
    public static final double Z_THRESHOLD = 5.0;
    /**
     * A principal's first units only teach its profile: everything is first-seen then. They are scored but never
     * flagged, left out of training, and left out of evaluation figures.
     */
    public static final int WARM_UP = 5;
    /** Features named in an explanation. */
    public static final int TOP_FEATURES = 3;
    /** Cyclic features (hour, weekday): unusual in either direction. Others are unusual only when higher. */
    private static final int FIRST_CYCLIC = FeatureCatalogue.indexOf("hour_sin");
    private static final int LAST_CYCLIC = FeatureCatalogue.indexOf("weekday_cos");

    /** What a unit scored and why. {@code mode} is {@code model <version>} or {@code baseline}. */
    public record Verdict(double[] features, double score, double threshold, boolean flagged, String mode,
                          String baseline, List<FeatureContribution> topFeatures) {
        public boolean warmUp() {
            return mode.endsWith("(warm-up)");
        }
    }

    private volatile AnomalyModel model;

    public AnomalyScorer(AnomalyModel model) {
        this.model = model;
    }

    public AnomalyModel model() {
        return model;
    }

    /** Scores with {@code next} from now on (null: baselines alone). Profiles are kept. */
    public void replaceModel(AnomalyModel next) {
        this.model = next;
    }

    /** Features of {@code unit}, its score against the profile as it was, and the profile updated with it. */
    public Verdict judge(SessionActivity unit, PrincipalProfile profile) {
        double[] x = FeatureExtractor.features(unit, profile);
        boolean warmingUp = profile.observations < WARM_UP;
        Verdict v = score(unit.kind, x, profile);
        if (warmingUp) {
            v = new Verdict(v.features(), v.score(), v.threshold(), false, v.mode() + " (warm-up)", v.baseline(),
                    v.topFeatures());
        }
        profile.observe(x);
        profile.lastSeenAt = Math.max(profile.lastSeenAt, unit.lastActAt);
        return v;
    }

    /** Scores a feature vector against {@code profile} (not changed) and the current model. */
    public Verdict score(PrincipalKind kind, double[] x, PrincipalProfile profile) {
        AnomalyModel m = model;
        AnomalyModel.Population population = m == null ? null : m.population(kind);
        double[] mean;
        double[] std;
        String baseline;
        if (profile.isMature()) {
            mean = profile.mean.clone();
            std = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                std[i] = profile.std(i);
            }
            baseline = "principal";
        } else if (population != null) {
            mean = population.mean();
            std = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                std[i] = Math.max(FeatureCatalogue.get(i).minStd(), population.std()[i]);
            }
            baseline = "peer group " + (kind == null ? PrincipalKind.HUMAN : kind);
        } else {
            mean = null;
            std = null;
            baseline = "none";
        }
        List<FeatureContribution> top = mean == null ? List.of() : explain(x, mean, std);
        if (population != null) {
            double s = population.score(x);
            return new Verdict(x, s, population.threshold(), s >= population.threshold(), "model " + m.version(),
                    baseline, top);
        }
        if (!profile.isMature()) {
            return new Verdict(x, 0, zScore(Z_THRESHOLD), false, "baseline", baseline, top);
        }
        double maxZ = 0;
        for (int i = 0; i < x.length; i++) {
            maxZ = Math.max(maxZ, unusualness(i, x[i], mean[i], std[i]));
        }
        double s = zScore(maxZ);
        return new Verdict(x, s, zScore(Z_THRESHOLD), maxZ >= Z_THRESHOLD, "baseline", baseline, top);
    }

    /** Maps a number of deviations to [0, 1): 0.5 at {@link #Z_THRESHOLD}. */
    static double zScore(double z) {
        return z / (z + Z_THRESHOLD);
    }

    private static double unusualness(int i, double x, double mean, double std) {
        double z = (x - mean) / std;
        return i >= FIRST_CYCLIC && i <= LAST_CYCLIC ? Math.abs(z) : Math.max(0, z);
    }

    /** The features furthest from the baseline in the unusual direction, strongest first, with their share. */
    static List<FeatureContribution> explain(double[] x, double[] mean, double[] std) {
        List<double[]> ranked = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            double u = unusualness(i, x[i], mean[i], std[i]);
            if (u > 0) {
                ranked.add(new double[] {i, u});
            }
        }
        ranked.sort(Comparator.<double[]>comparingDouble(r -> -r[1]).thenComparingDouble(r -> r[0]));
        List<double[]> top = ranked.subList(0, Math.min(TOP_FEATURES, ranked.size()));
        double total = 0;
        for (double[] r : top) {
            total += r[1];
        }
        List<FeatureContribution> out = new ArrayList<>();
        for (double[] r : top) {
            int i = (int) r[0];
            out.add(FeatureContribution.newBuilder()
                    .setName(FeatureCatalogue.get(i).name())
                    .setValue(round(x[i]))
                    .setBaselineMean(round(mean[i]))
                    .setBaselineStd(round(std[i]))
                    .setContribution(round(r[1] / total))
                    .build());
        }
        return out;
    }

    /** "secrets read 31 vs baseline 2.1 ± 1.4". */
    public static String describe(FeatureContribution c) {
        int i = FeatureCatalogue.indexOf(c.getName());
        String label = i < 0 ? c.getName() : FeatureCatalogue.get(i).label();
        return label + " " + number(c.getValue()) + " vs baseline " + number(c.getBaselineMean()) + " ± "
                + number(c.getBaselineStd());
    }

    static String number(Double v) {
        if (v == null) {
            return "?";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString(v.longValue());
        }
        return String.format(java.util.Locale.ROOT, Math.abs(v) >= 10 ? "%.0f" : "%.2f", v);
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
