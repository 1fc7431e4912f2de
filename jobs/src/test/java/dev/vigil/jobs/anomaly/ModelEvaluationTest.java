package dev.vigil.jobs.anomaly;

import dev.vigil.common.FeatureContribution;
import dev.vigil.common.PrincipalKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The figures of {@link ModelEvaluation#evaluate} on hand-made verdicts, overall and per injected kind. */
class ModelEvaluationTest {
    private static int units;

    private static ModelEvaluation.Judged judged(PrincipalKind who, String kind, double score, String topFeature) {
        SessionActivity unit = new SessionActivity("ses-" + units++, who == PrincipalKind.HUMAN ? "alice" : "svc-etl",
                who);
        unit.sessionId = unit.key;
        List<FeatureContribution> top = List.of(FeatureContribution.newBuilder().setName(topFeature).setValue(9.0)
                .setBaselineMean(1.0).setBaselineStd(1.0).setContribution(1.0).build());
        AnomalyScorer.Verdict v = new AnomalyScorer.Verdict(new double[FeatureCatalogue.size()], score, 0.5,
                score >= 0.5, "model test", "principal", who == PrincipalKind.HUMAN ? "human/dba" : "service/automation", top);
        return new ModelEvaluation.Judged(unit, v, kind, null);
    }

    @Test
    void everyInjectedKindGetsItsPopulationFlaggedAndExplainedCounts() {
        List<ModelEvaluation.Judged> all = new ArrayList<>();
        all.add(judged(PrincipalKind.HUMAN, "secret-sweep", 0.9, "secrets_read"));
        all.add(judged(PrincipalKind.HUMAN, "secret-sweep", 0.3, "secrets_read"));
        all.add(judged(PrincipalKind.SERVICE, "service-recon", 0.8, "distinct_commands"));
        all.add(judged(PrincipalKind.SERVICE, "service-recon", 0.7, "hour_sin"));
        all.add(judged(PrincipalKind.SERVICE, "service-secret-sweep", 0.95, "distinct_secrets"));
        for (int i = 0; i < 20; i++) {
            all.add(judged(i % 2 == 0 ? PrincipalKind.HUMAN : PrincipalKind.SERVICE, null, 0.1 + i * 0.01,
                    "duration_minutes"));
        }
        all.add(judged(PrincipalKind.HUMAN, null, 0.6, "duration_minutes"));

        ModelEvaluation.Report r = ModelEvaluation.evaluate(all, 3);

        assertThat(r.positives()).isEqualTo(5);
        assertThat(r.truePositives()).isEqualTo(4);
        assertThat(r.falsePositives()).isEqualTo(1);
        assertThat(r.explained()).isEqualTo(3);
        assertThat(r.byKind().keySet()).containsExactly("secret-sweep", "service-recon", "service-secret-sweep");
        assertThat(r.byKind().get("secret-sweep"))
                .isEqualTo(new ModelEvaluation.KindFigures("secret-sweep", PrincipalKind.HUMAN, 2, 1, 1));
        // A recon explained by the hour names nothing that was injected: services run around the clock.
        assertThat(r.byKind().get("service-recon"))
                .isEqualTo(new ModelEvaluation.KindFigures("service-recon", PrincipalKind.SERVICE, 2, 2, 1));
        assertThat(r.byKind().get("service-recon").summary()).isEqualTo("flagged 2/2, explained 1/2");
        assertThat(r.byKind().get("service-secret-sweep").population()).isEqualTo(PrincipalKind.SERVICE);
        // One ordinary unit (0.6) outranks the missed sweep (0.3): 4 of 5 positives beat all 21 negatives.
        assertThat(r.rocAuc()).isCloseTo((4 * 21 + 20) / (5.0 * 21), within(1e-9));
        assertThat(r.figures()).containsEntry("eval_kind_service-recon_population", "SERVICE")
                .containsEntry("eval_kind_service-recon_injected", 2)
                .containsEntry("eval_kind_service-recon_flagged", 2)
                .containsEntry("eval_kind_service-recon_explained", 1)
                .containsEntry("eval_kind_secret-sweep_flagged", 1);
    }
}
