package dev.vigil.jobs.anomaly;

import dev.vigil.common.PrincipalKind;
import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;
import smile.math.MathEx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains an {@link AnomalyModel}: replays each principal's units through {@link FeatureExtractor} in closing order
 * (exactly as the job would see them), leaves out each principal's {@link AnomalyScorer#WARM_UP warm-up} and the
 * interactive sessions of service identities, and fits one isolation forest per population. The threshold is the score the top {@code contamination} share of training
 * units reach. Trees are grown one after another from one seed, so the same data and seed give the same model.
 */
public final class ModelTrainer {

    /** How to train. */
    public record Settings(double contamination, int trees, int sampleSize, long seed, String version) {
        public Settings {
            if (!(contamination > 0 && contamination < 0.5)) {
                throw new IllegalArgumentException("contamination must be in (0, 0.5), got " + contamination);
            }
            if (trees < 1 || sampleSize < 2) {
                throw new IllegalArgumentException("trees must be at least 1 and the sample size at least 2");
            }
        }

        public static Settings defaults(String version) {
            return new Settings(0.01, 200, 256, 7, version);
        }
    }

    /** Units of one population below this count give it no forest; its principals are scored on baselines. */
    public static final int MIN_POPULATION = 50;

    private ModelTrainer() {}

    /**
     * Whether a unit past its principal's warm-up is part of its population's training data. A service identity's
     * interactive session is not: it is someone typing with an automation account (PUM-008 reports every one), not
     * what the automation does. A forest that learned from such sessions takes human-looking sessions for ordinary
     * service behaviour, and where they are common (in generated traffic about 2 % of service sessions, above the
     * default 1 % contamination) they also set the service threshold, above every anomaly less blatant than a person
     * at the shell. The unit still teaches its principal's profile, and it is still scored.
     */
    static boolean teaches(SessionActivity u) {
        return !(u.kind == PrincipalKind.SERVICE && Boolean.TRUE.equals(u.interactive));
    }

    /**
     * Feature vectors of every unit past its principal's warm-up that {@link #teaches teaches} the model, by
     * population. Every unit is folded into its principal's profile in closing order, as the job does.
     */
    public static Map<PrincipalKind, List<double[]>> vectors(Map<String, List<SessionActivity>> units) {
        Map<PrincipalKind, List<double[]>> out = new EnumMap<>(PrincipalKind.class);
        for (List<SessionActivity> mine : units.values()) {
            PrincipalProfile profile = new PrincipalProfile();
            for (SessionActivity u : mine) {
                boolean warmUp = profile.observations < AnomalyScorer.WARM_UP;
                double[] x = FeatureExtractor.observe(u, profile);
                if (!warmUp && teaches(u)) {
                    out.computeIfAbsent(u.kind == null ? PrincipalKind.HUMAN : u.kind, k -> new ArrayList<>()).add(x);
                }
            }
        }
        return out;
    }

    public static AnomalyModel train(Map<String, List<SessionActivity>> units, Settings settings) {
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (List<SessionActivity> mine : units.values()) {
            for (SessionActivity u : mine) {
                from = Math.min(from, u.startedAt);
                to = Math.max(to, u.stoppedAt());
            }
        }
        Map<PrincipalKind, List<double[]>> vectors = vectors(units);
        Map<PrincipalKind, AnomalyModel.Population> populations = new EnumMap<>(PrincipalKind.class);
        Map<String, Object> figures = new LinkedHashMap<>();
        int total = 0;
        for (Map.Entry<PrincipalKind, List<double[]>> e : vectors.entrySet()) {
            List<double[]> data = e.getValue();
            String kind = e.getKey().name().toLowerCase(java.util.Locale.ROOT);
            figures.put("training_units_" + kind, data.size());
            if (data.size() < MIN_POPULATION) {
                figures.put("skipped_" + kind, "fewer than " + MIN_POPULATION + " units after warm-up");
                continue;
            }
            total += data.size();
            IsolationForest forest = fit(data, settings, e.getKey().ordinal());
            double[] scores = new double[data.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = forest.score(data.get(i));
            }
            double[] sorted = scores.clone();
            Arrays.sort(sorted);
            double threshold = sorted[Math.min(sorted.length - 1,
                    (int) Math.floor(sorted.length * (1 - settings.contamination())))];
            int flagged = 0;
            for (double s : scores) {
                flagged += s >= threshold ? 1 : 0;
            }
            double[] mean = new double[FeatureCatalogue.size()];
            double[] std = new double[FeatureCatalogue.size()];
            for (double[] x : data) {
                for (int i = 0; i < mean.length; i++) {
                    mean[i] += x[i] / data.size();
                }
            }
            for (double[] x : data) {
                for (int i = 0; i < std.length; i++) {
                    std[i] += (x[i] - mean[i]) * (x[i] - mean[i]) / data.size();
                }
            }
            for (int i = 0; i < std.length; i++) {
                std[i] = AnomalyScorer.round(Math.sqrt(std[i]));
                mean[i] = AnomalyScorer.round(mean[i]);
            }
            double share = AnomalyScorer.round((double) flagged / data.size());
            populations.put(e.getKey(), new AnomalyModel.Population(forest, threshold, mean, std, data.size(), share));
            figures.put("threshold_" + kind, AnomalyScorer.round(threshold));
            figures.put("training_flagged_share_" + kind, share);
            figures.put("training_score_p50_" + kind, AnomalyScorer.round(sorted[sorted.length / 2]));
            figures.put("training_score_p99_" + kind, AnomalyScorer.round(sorted[(int) (sorted.length * 0.99)]));
        }
        if (populations.isEmpty()) {
            throw new IllegalArgumentException("too little behaviour to train on: no population has "
                    + MIN_POPULATION + " units past each principal's first " + AnomalyScorer.WARM_UP + " ("
                    + vectors.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size()).toList() + ")");
        }
        figures.put("training_units", total);
        figures.put("principals", units.size());
        figures.put("trees", settings.trees());
        figures.put("sample_size", settings.sampleSize());
        figures.put("seed", settings.seed());
        return new AnomalyModel(settings.version(), FeatureCatalogue.names(), from, to, settings.contamination(),
                populations, figures);
    }

    /** Grows the trees one by one on samples drawn from one seed: the same data and seed give the same forest. */
    private static IsolationForest fit(List<double[]> data, Settings settings, int salt) {
        int n = Math.min(settings.sampleSize(), data.size());
        int maxDepth = (int) Math.ceil(Math.log(n) / Math.log(2));
        Random sampler = new Random(settings.seed() * 31 + salt);
        MathEx.setSeed(settings.seed() * 17 + salt);
        IsolationTree[] trees = new IsolationTree[settings.trees()];
        for (int t = 0; t < trees.length; t++) {
            List<double[]> sample = new ArrayList<>(n);
            int[] order = new int[data.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int i = 0; i < n; i++) {
                int j = i + sampler.nextInt(order.length - i);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
                sample.add(data.get(order[i]));
            }
            trees[t] = new IsolationTree(sample, maxDepth, 0);
        }
        return new IsolationForest(n, 0, trees);
    }
}
