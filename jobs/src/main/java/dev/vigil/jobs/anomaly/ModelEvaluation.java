package dev.vigil.jobs.anomaly;

import dev.vigil.common.PrincipalKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How well a model separates injected anomalies from ordinary behaviour on labelled data: every unit is judged as the
 * job would judge it (same order, same warm-up), then ROC AUC, precision at k, the confusion matrix at the model's
 * threshold, and whether the leading feature of each caught anomaly names what was injected.
 */
public final class ModelEvaluation {

    /** One judged unit with its label (null kind = ordinary). */
    public record Judged(SessionActivity unit, AnomalyScorer.Verdict verdict, String kind, String otherAttack) {
        /** Score over the population's threshold: comparable across populations, which scores are not. */
        public double margin() {
            return verdict.score() - verdict.threshold();
        }

        public boolean positive() {
            return kind != null;
        }

        public String topFeature() {
            return verdict.topFeatures().isEmpty() ? null : verdict.topFeatures().get(0).getName();
        }
    }

    /**
     * The figures of one injected kind, e.g. {@code service-recon}: who plays it (people or service accounts, whose
     * units the model of that population scores), how many were judged, how many the threshold flagged, and how many
     * of those have as top feature one that names what was injected.
     */
    public record KindFigures(String kind, PrincipalKind population, int injected, int flagged, int explained) {
        KindFigures add(boolean isFlagged, boolean isExplained) {
            return new KindFigures(kind, population, injected + 1, flagged + (isFlagged ? 1 : 0),
                    explained + (isExplained ? 1 : 0));
        }

        /** "flagged 5/6, explained 4/5": explained counts among the flagged ones. */
        public String summary() {
            return "flagged " + flagged + "/" + injected + ", explained " + explained + "/" + flagged;
        }
    }

    /** The figures; {@code byKind} in kind order. */
    public record Report(int units, int warmUp, int positives, double rocAuc, Map<Integer, Double> precisionAtK,
                         int truePositives, int falsePositives, int trueNegatives, int falseNegatives,
                         int falsePositivesOnOtherAttacks, int explained, Map<String, KindFigures> byKind,
                         List<Judged> ranked) {

        public Map<String, Object> figures() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("eval_units", units);
            f.put("eval_positives", positives);
            f.put("eval_roc_auc", AnomalyScorer.round(rocAuc));
            precisionAtK.forEach((k, p) -> f.put("eval_precision_at_" + k, AnomalyScorer.round(p)));
            f.put("eval_tp", truePositives);
            f.put("eval_fp", falsePositives);
            f.put("eval_fp_other_attacks", falsePositivesOnOtherAttacks);
            f.put("eval_tn", trueNegatives);
            f.put("eval_fn", falseNegatives);
            f.put("eval_explained", explained);
            byKind.forEach((kind, k) -> {
                f.put("eval_kind_" + kind + "_population", k.population().name());
                f.put("eval_kind_" + kind + "_injected", k.injected());
                f.put("eval_kind_" + kind + "_flagged", k.flagged());
                f.put("eval_kind_" + kind + "_explained", k.explained());
            });
            return f;
        }
    }

    private ModelEvaluation() {}

    /** Judges every unit as the job would: each principal's against its own profile, each peer group's against the group's. */
    public static List<Judged> judge(AnomalyModel model, Map<String, List<SessionActivity>> units,
                                     InjectedAnomalies labels) {
        List<Judged> out = new ArrayList<>();
        for (Map.Entry<ClosedUnit, AnomalyScorer.Verdict> e : new AnomalyScorer(model).judgeAll(units)) {
            SessionActivity u = e.getKey().unit;
            out.add(new Judged(u, e.getValue(), labels.kindOf(u), labels.otherAttackOf(u)));
        }
        return out;
    }

    public static Report evaluate(List<Judged> all, int... ks) {
        List<Judged> judged = new ArrayList<>();
        int warmUp = 0;
        for (Judged j : all) {
            if (j.verdict().warmUp()) {
                warmUp++;
            } else {
                judged.add(j);
            }
        }
        judged.sort(Comparator.<Judged>comparingDouble(j -> -j.margin())
                .thenComparing(j -> j.unit().principalId).thenComparing(j -> j.unit().key));
        int positives = 0;
        int tp = 0;
        int fp = 0;
        int tn = 0;
        int fn = 0;
        int explained = 0;
        int fpOther = 0;
        Map<String, KindFigures> byKind = new TreeMap<>();
        for (Judged j : judged) {
            boolean flagged = j.verdict().flagged();
            if (j.positive()) {
                positives++;
                boolean why = flagged && InjectedAnomalies.explains(j.kind(), j.topFeature());
                PrincipalKind population = j.unit().kind == null ? PrincipalKind.HUMAN : j.unit().kind;
                byKind.merge(j.kind(), new KindFigures(j.kind(), population, 1, flagged ? 1 : 0, why ? 1 : 0),
                        (a, b) -> a.add(flagged, why));
                if (flagged) {
                    tp++;
                    explained += why ? 1 : 0;
                } else {
                    fn++;
                }
            } else if (flagged) {
                fp++;
                fpOther += j.otherAttack() != null ? 1 : 0;
            } else {
                tn++;
            }
        }
        Map<Integer, Double> precision = new LinkedHashMap<>();
        List<Integer> kList = new ArrayList<>();
        for (int k : ks) {
            kList.add(k);
        }
        if (positives > 0 && !kList.contains(positives)) {
            kList.add(positives);
        }
        for (int k : kList) {
            int n = Math.min(k, judged.size());
            int hits = 0;
            for (int i = 0; i < n; i++) {
                hits += judged.get(i).positive() ? 1 : 0;
            }
            precision.put(k, n == 0 ? 0 : (double) hits / n);
        }
        return new Report(judged.size(), warmUp, positives, rocAuc(judged), precision, tp, fp, tn, fn, fpOther,
                explained, byKind, judged);
    }

    /**
     * Mann-Whitney over the margins (score minus the population's threshold): the chance a random positive ranks
     * above a random negative, ties counted half.
     */
    static double rocAuc(List<Judged> judged) {
        List<Judged> byScore = new ArrayList<>(judged);
        byScore.sort(Comparator.comparingDouble(Judged::margin));
        double rankSum = 0;
        long pos = 0;
        int i = 0;
        while (i < byScore.size()) {
            int j = i;
            while (j + 1 < byScore.size() && byScore.get(j + 1).margin() == byScore.get(i).margin()) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (byScore.get(k).positive()) {
                    rankSum += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = byScore.size() - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / (pos * (double) neg);
    }
}
