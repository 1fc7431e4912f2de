package dev.vigil.jobs.anomaly;

import dev.vigil.common.FeatureContribution;
import dev.vigil.common.PrincipalKind;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges closed units of behaviour ({@link ClosedUnit}: features computed against the principal's profile): scores
 * them with the model of their population, or, with no model, by how far they sit from a baseline: the principal's
 * own once it has {@link PrincipalProfile#MATURE_AFTER} units behind it, else its peer group's once the group has
 * {@link PeerGroupProfile#MATURE_AFTER}. Explains the score by the features furthest from that baseline (the
 * principal's, else the peer group's, else the model population's), each shown next to the peer group's figure,
 * and lets the peer group learn the unit. No Flink here: the job's {@link AnomalyScoringFunction},
 * {@code vigil model eval} and the tests all judge through this class.
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

    /** Baselines a unit can be compared with, most specific first. */
    public static final String PRINCIPAL = "principal";
    public static final String PEER_GROUP = "peer group";
    public static final String POPULATION = "population";
    public static final String NONE = "none";

    /**
     * What a unit scored and why. {@code mode} is {@code model <version>} or {@code baseline}; {@code baseline} says
     * what the features were compared with ({@link #PRINCIPAL}, {@link #PEER_GROUP}, {@link #POPULATION} or
     * {@link #NONE}); {@code peerGroup} is the unit's peer group.
     */
    public record Verdict(double[] features, double score, double threshold, boolean flagged, String mode,
                          String baseline, String peerGroup, List<FeatureContribution> topFeatures) {
        public boolean warmUp() {
            return mode.endsWith("(warm-up)");
        }

        /** "alice's history", "the history of alice's peer group human/dba", ... for explanations. */
        public String comparedWith(String principalId) {
            return switch (baseline) {
                case PRINCIPAL -> principalId + "'s history";
                case PEER_GROUP -> "the history of " + principalId + "'s peer group " + peerGroup;
                case POPULATION -> "the " + peerGroup.substring(0, peerGroup.indexOf('/')) + " population the model learnt";
                default -> principalId + "'s history, which is too short to judge";
            };
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

    /**
     * Scores a closed unit against its principal's baseline (carried by the unit), its peer group's and the current
     * model, then lets the peer group learn it. A principal's first {@link #WARM_UP} units are never flagged.
     */
    public Verdict judge(ClosedUnit unit, PeerGroupProfile peers) {
        Verdict v = score(unit, peers);
        if (unit.principalObservations < WARM_UP) {
            v = new Verdict(v.features(), v.score(), v.threshold(), false, v.mode() + " (warm-up)", v.baseline(),
                    v.peerGroup(), v.topFeatures());
        }
        peers.observe(unit.features, unit.unit.lastActAt);
        return v;
    }

    /**
     * Judges every principal's units as the job does: each principal's in closing order against its own profile
     * ({@link ClosedUnit#close}), then each peer group's in {@link ClosedUnit#JUDGING_ORDER} against the group's.
     * For {@code vigil model eval} and tests; returns the judged units in judging order.
     */
    public List<Map.Entry<ClosedUnit, Verdict>> judgeAll(Map<String, List<SessionActivity>> unitsByPrincipal) {
        List<ClosedUnit> closed = new ArrayList<>();
        for (List<SessionActivity> mine : unitsByPrincipal.values()) {
            PrincipalProfile profile = new PrincipalProfile();
            for (SessionActivity u : mine) {
                closed.add(ClosedUnit.close(u, profile));
            }
        }
        closed.sort(ClosedUnit.JUDGING_ORDER);
        Map<String, PeerGroupProfile> groups = new HashMap<>();
        List<Map.Entry<ClosedUnit, Verdict>> out = new ArrayList<>();
        for (ClosedUnit c : closed) {
            out.add(Map.entry(c, judge(c, groups.computeIfAbsent(c.peerGroup, g -> new PeerGroupProfile()))));
        }
        return out;
    }

    /** Scores a closed unit against its baselines (not changed) and the current model. */
    public Verdict score(ClosedUnit unit, PeerGroupProfile peers) {
        double[] x = unit.features;
        PrincipalKind kind = unit.unit.kind;
        AnomalyModel m = model;
        AnomalyModel.Population population = m == null ? null : m.population(kind);
        boolean peersKnown = peers != null && peers.isMature();
        double[] mean;
        double[] std;
        String baseline;
        if (unit.principalMature()) {
            mean = unit.principalMean;
            std = unit.principalStd;
            baseline = PRINCIPAL;
        } else if (peersKnown) {
            mean = peers.mean;
            std = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                std[i] = peers.std(i);
            }
            baseline = PEER_GROUP;
        } else if (population != null) {
            mean = population.mean();
            std = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                std[i] = Math.max(FeatureCatalogue.get(i).minStd(), population.std()[i]);
            }
            baseline = POPULATION;
        } else {
            mean = null;
            std = null;
            baseline = NONE;
        }
        // Next to the principal's own baseline, an explanation also shows the peer group's.
        PeerGroupProfile alongside = baseline.equals(PRINCIPAL) && peersKnown ? peers : null;
        List<FeatureContribution> top = mean == null ? List.of() : explain(x, mean, std, alongside);
        if (population != null) {
            double s = population.score(x);
            return new Verdict(x, s, population.threshold(), s >= population.threshold(), "model " + m.version(),
                    baseline, unit.peerGroup, top);
        }
        if (mean == null) {
            return new Verdict(x, 0, zScore(Z_THRESHOLD), false, "baseline", baseline, unit.peerGroup, top);
        }
        double maxZ = 0;
        for (int i = 0; i < x.length; i++) {
            maxZ = Math.max(maxZ, unusualness(i, x[i], mean[i], std[i]));
        }
        double s = zScore(maxZ);
        return new Verdict(x, s, zScore(Z_THRESHOLD), maxZ >= Z_THRESHOLD, "baseline", baseline, unit.peerGroup,
                top);
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
    static List<FeatureContribution> explain(double[] x, double[] mean, double[] std, PeerGroupProfile peers) {
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
                    .setPeerMean(peers == null ? null : round(peers.mean[i]))
                    .setPeerStd(peers == null ? null : round(peers.std(i)))
                    .setContribution(round(r[1] / total))
                    .build());
        }
        return out;
    }

    /** "secrets read 31 vs baseline 2.1 ± 1.4", then "(peers 3 ± 2)" when the peer group's baseline is known. */
    public static String describe(FeatureContribution c) {
        int i = FeatureCatalogue.indexOf(c.getName());
        String label = i < 0 ? c.getName() : FeatureCatalogue.get(i).label();
        String text = label + " " + number(c.getValue()) + " vs baseline " + number(c.getBaselineMean()) + " ± "
                + number(c.getBaselineStd());
        if (c.getPeerMean() != null) {
            text += " (peers " + number(c.getPeerMean()) + " ± " + number(c.getPeerStd()) + ")";
        }
        return text;
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
