package dev.vigil.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.jobs.anomaly.AnomalyModel;
import dev.vigil.jobs.anomaly.EvidenceInput;
import dev.vigil.jobs.anomaly.EvidenceUnits;
import dev.vigil.jobs.anomaly.InjectedAnomalies;
import dev.vigil.jobs.anomaly.ModelTrainer;
import dev.vigil.jobs.replay.ReplayJob;
import dev.vigil.jobs.synthetic.CanonicalExport;
import dev.vigil.jobs.synthetic.Scenario;
import dev.vigil.jobs.synthetic.ScenarioTruth;
import dev.vigil.jobs.synthetic.SyntheticTraffic;
import dev.vigil.jobs.synthetic.TrafficProfile;
import dev.vigil.output.Finding;
import dev.vigil.output.PumCase;
import dev.vigil.output.ScoreTerm;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.schema.json.AvroJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PUM-100 end to end: a model trained on the evidence of one replayed fortnight scores a replay of another (other
 * seed): injected behaviour anomalies raise PUM-100 with their cause named, ordinary work almost never does, and
 * every case's score is the sum of its breakdown.
 */
class AnomalyReplayIT {
    @TempDir
    Path dir;

    private Path replay(String name, long seed, String start, double attackRate, AnomalyModel model) throws Exception {
        Path events = dir.resolve(name + ".ndjson");
        TrafficProfile profile = TrafficProfile.builder().attackRate(attackRate).start(Instant.parse(start)).build();
        CanonicalExport export = SyntheticTraffic.writeCanonical(events, dir.resolve(name + ".truth.json"), seed,
                profile, 2, 20_000);
        assertThat(export.events()).isGreaterThan(30_000);
        Path out = dir.resolve(name + "-out");
        ReplayJob.run(new ReplayJob.Request(List.of(events), "canonical", out, RulePack.builtIn(), 2, null), model);
        return out;
    }

    @Test
    void injectedAnomaliesRaisePum100WithTheirCauseAndOrdinaryWorkDoesNot() throws Exception {
        Path training = replay("train", 11, "2026-01-05T08:00:00Z", 0.08, null);
        AnomalyModel model = ModelTrainer.train(
                EvidenceUnits.units(EvidenceInput.read(List.of(training.resolve(ReplayJob.EVIDENCE).toString()))),
                new ModelTrainer.Settings(0.01, 100, 256, 7, "it-1"));

        Path out = replay("score", 23, "2026-03-02T08:00:00Z", 0.2, model);
        List<ScenarioTruth> truth = ScenarioTruth.readJson(dir.resolve("score.truth.json"));
        List<Finding> findings = ReplayOutput.records(out.resolve(ReplayJob.FINDINGS), Finding.class);
        Map<String, Finding> pum100BySession = findings.stream()
                .filter(f -> f.getRuleId().equals("PUM-100") && f.getSessionId() != null)
                .collect(Collectors.toMap(Finding::getSessionId, f -> f));

        List<ScenarioTruth> anomalies = truth.stream().filter(t -> t.scenario() == Scenario.BEHAVIOUR_ANOMALY).toList();
        assertThat(anomalies).hasSizeGreaterThanOrEqualTo(5);
        int caught = 0;
        int explained = 0;
        // Per kind: injected, caught. People and service accounts each have their kinds, scored by their own forest.
        Map<String, int[]> byKind = new TreeMap<>();
        for (ScenarioTruth t : anomalies) {
            Finding f = pum100BySession.get(t.sessionId());
            int[] k = byKind.computeIfAbsent(t.variant(), x -> new int[2]);
            k[0]++;
            if (f == null) {
                continue;
            }
            k[1]++;
            caught++;
            assertThat(f.getAnomaly().getModelVersion()).isEqualTo("model it-1");
            assertThat(f.getAnomaly().getTopFeatures()).isNotEmpty();
            assertThat(f.getExplanation()).contains(" vs baseline ");
            if (InjectedAnomalies.explains(t.variant(), f.getAnomaly().getTopFeatures().get(0).getName())) {
                explained++;
            }
        }
        System.out.println("PUM-100 by kind (injected, caught): " + byKind.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()[0] + "/" + e.getValue()[1]).toList());
        assertThat(byKind.keySet()).containsExactlyInAnyOrder("secret-sweep", "night-marathon", "service-secret-sweep",
                "service-recon");
        byKind.forEach((kind, k) -> assertThat(k[1]).as("%s caught", kind).isGreaterThanOrEqualTo(k[0] * 7 / 10));
        assertThat(caught).as("injected anomalies with a PUM-100 finding").isGreaterThanOrEqualTo(anomalies.size() * 8 / 10);
        assertThat(explained).as("caught anomalies whose top feature names what was injected").isGreaterThanOrEqualTo(caught * 8 / 10);

        Set<String> ordinarySessions = truth.stream().filter(t -> !t.isAttack() && t.sessionId() != null)
                .map(ScenarioTruth::sessionId).collect(Collectors.toSet());
        long flaggedOrdinary = ordinarySessions.stream().filter(pum100BySession::containsKey).count();
        assertThat((double) flaggedOrdinary / ordinarySessions.size()).as("ordinary episodes flagged").isLessThan(0.03);

        for (PumCase c : ReplayOutput.records(out.resolve(ReplayJob.CASES), PumCase.class)) {
            double sum = c.getScoreBreakdown().stream().mapToDouble(ScoreTerm::getValue).sum();
            assertThat(sum).as(c.getCaseId()).isEqualTo(c.getRiskScore());
        }
    }
}
