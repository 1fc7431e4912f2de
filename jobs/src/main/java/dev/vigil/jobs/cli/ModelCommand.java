package dev.vigil.jobs.cli;

import dev.vigil.common.FeatureContribution;
import dev.vigil.common.PrincipalKind;
import dev.vigil.jobs.anomaly.AnomalyModel;
import dev.vigil.jobs.anomaly.AnomalyScorer;
import dev.vigil.jobs.anomaly.EvidenceInput;
import dev.vigil.jobs.anomaly.EvidenceUnits;
import dev.vigil.jobs.anomaly.FeatureCatalogue;
import dev.vigil.jobs.anomaly.InjectedAnomalies;
import dev.vigil.jobs.anomaly.InvalidModelException;
import dev.vigil.jobs.anomaly.ModelEvaluation;
import dev.vigil.jobs.anomaly.ModelTrainer;
import dev.vigil.jobs.anomaly.SessionActivity;
import dev.vigil.output.EvidenceRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Train, evaluate and inspect the behavioural anomaly model PUM-100 scores sessions with.",
        subcommands = {ModelCommand.Train.class, ModelCommand.Eval.class, ModelCommand.Show.class,
                ModelCommand.Deploy.class})
final class ModelCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static EvidenceUnits.Rebuilt units(List<String> inputs) {
        List<EvidenceRecord> records;
        try {
            records = EvidenceInput.read(inputs);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), e);
        }
        if (records.isEmpty()) {
            throw new UserError("no evidence records in " + inputs);
        }
        return EvidenceUnits.rebuild(records);
    }

    /** One line on the units whose acts the evidence cut, when there are any. */
    static void printCutShort(PrintWriter w, EvidenceUnits.Rebuilt rebuilt) {
        if (rebuilt.cutShort() > 0) {
            w.printf("  left out %,d sessions the evidence lists only in part (acts beyond max-behaviour-items)%n",
                    rebuilt.cutShort());
        }
    }

    static AnomalyModel load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("model not found: " + file);
        }
        try {
            return AnomalyModel.load(file);
        } catch (InvalidModelException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    static InjectedAnomalies labels(Path truth) {
        if (!Files.isRegularFile(truth)) {
            throw new UserError("answer key not found: " + truth + " (the .truth.json 'vigil generate' wrote)");
        }
        try {
            return InjectedAnomalies.read(truth);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Fit an isolation forest per population (people, service identities) on the sessions of",
                    "evidence records: evidence.ndjson from 'vigil replay', or an Elasticsearch URL (pum-evidence)."})
    static final class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--input", required = true, paramLabel = "FILE|DIR|URL",
                description = "evidence.ndjson, a directory holding it, or http(s)://host:9200; repeat for more.")
        List<String> inputs;

        @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Model file to write.")
        Path out;

        @Option(names = "--contamination", defaultValue = "0.01",
                description = "Share of training sessions expected to be anomalous; sets the threshold (default: ${DEFAULT-VALUE}).")
        double contamination;

        @Option(names = "--trees", defaultValue = "200", description = "Trees per forest (default: ${DEFAULT-VALUE}).")
        int trees;

        @Option(names = "--sample-size", defaultValue = "256", description = "Sessions per tree (default: ${DEFAULT-VALUE}).")
        int sampleSize;

        @Option(names = "--seed", defaultValue = "7", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--version", paramLabel = "NAME", description = "Model version (default: if-<training end date>-s<seed>).")
        String version;

        @Option(names = "--truth", paramLabel = "FILE",
                description = "Answer key of the training traffic: also stores in-sample evaluation figures.")
        Path truth;

        @Override
        public Integer call() throws IOException {
            EvidenceUnits.Rebuilt rebuilt = units(inputs);
            Map<String, List<SessionActivity>> units = rebuilt.units();
            if (version == null) {
                long end = units.values().stream().flatMap(List::stream).mapToLong(SessionActivity::stoppedAt).max().orElse(0);
                version = "if-" + java.time.Instant.ofEpochMilli(end).toString().substring(0, 10) + "-s" + seed;
            }
            AnomalyModel model;
            try {
                model = ModelTrainer.train(units, new ModelTrainer.Settings(contamination, trees, sampleSize, seed, version));
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), e);
            }
            if (truth != null) {
                ModelEvaluation.Report r = ModelEvaluation.evaluate(
                        ModelEvaluation.judge(model, units, labels(truth)), 10);
                model = model.withEvaluation(r.figures());
            }
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(out, model.toBytes());
            PrintWriter w = spec.commandLine().getOut();
            w.printf("trained %s on %,d sessions of %,d principals (%s .. %s)%n", model.version(),
                    ((Number) model.evaluation().get("training_units")).intValue(), units.size(),
                    java.time.Instant.ofEpochMilli(model.trainedFrom()), java.time.Instant.ofEpochMilli(model.trainedTo()));
            model.populations().forEach((kind, p) -> w.printf("  %-8s %,6d sessions  threshold %.3f  flagged in training %.1f%%%n",
                    kind, p.trainingSize(), p.threshold(), 100 * p.trainingFlaggedShare()));
            printCutShort(w, rebuilt);
            w.printf("wrote %s%n", out);
            w.flush();
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = {"Score labelled evidence with a model as the job would, and print ROC AUC, precision at k,",
                    "the confusion matrix at the model's threshold and the top anomalies with their explanations."})
    static final class Eval implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file.")
        Path model;

        @Option(names = "--input", required = true, paramLabel = "FILE|DIR|URL",
                description = "Evidence of the labelled traffic (evidence.ndjson, its directory, or an Elasticsearch URL).")
        List<String> inputs;

        @Option(names = "--truth", required = true, paramLabel = "FILE",
                description = "The answer key 'vigil generate' wrote for that traffic (EVENTS.truth.json).")
        Path truth;

        @Option(names = "--k", defaultValue = "10", description = "Precision at k for this k, and at the number of anomalies (default: ${DEFAULT-VALUE}).")
        int k;

        @Option(names = "--top", defaultValue = "10", description = "Top-scored sessions to list (default: ${DEFAULT-VALUE}).")
        int top;

        @Option(names = "--scores", paramLabel = "FILE",
                description = "Also write every judged session as a JSON line: label, score, threshold, features, explanation.")
        Path scores;

        @Override
        public Integer call() {
            AnomalyModel m = load(model);
            InjectedAnomalies labels = labels(truth);
            EvidenceUnits.Rebuilt rebuilt = units(inputs);
            List<ModelEvaluation.Judged> judged = ModelEvaluation.judge(m, rebuilt.units(), labels);
            ModelEvaluation.Report r = ModelEvaluation.evaluate(judged, k);
            if (scores != null) {
                writeScores(judged, scores);
            }
            PrintWriter w = spec.commandLine().getOut();
            w.printf("model %s on %,d sessions (%,d more in principals' warm-up, not scored), %d injected anomalies%n",
                    m.version(), r.units(), r.warmUp(), r.positives());
            printCutShort(w, rebuilt);
            w.printf("  ROC AUC          %.3f%n", r.rocAuc());
            r.precisionAtK().forEach((kk, p) -> w.printf("  precision at %-4d %.3f%n", kk, p));
            w.printf("  confusion at threshold (model's per population)%n");
            w.printf("                   flagged  not flagged%n");
            w.printf("    anomaly        %7d  %11d%n", r.truePositives(), r.falseNegatives());
            w.printf("    not injected   %7d  %11d   (flagged: %d other attacks, e.g. PUM-008 hands-on service sessions, PUM-007 direct secret reads)%n",
                    r.falsePositives(), r.trueNegatives(), r.falsePositivesOnOtherAttacks());
            w.printf("  caught anomalies whose top feature names what was injected: %d of %d%n",
                    r.explained(), r.truePositives());
            r.byKind().values().forEach(c -> w.printf("    %-22s %-7s %s%n", c.kind(),
                    c.population().name().toLowerCase(Locale.ROOT), c.summary()));
            w.printf("  top %d by score over the population's threshold%n", top);
            List<ModelEvaluation.Judged> ranked = r.ranked();
            for (int i = 0; i < Math.min(top, ranked.size()); i++) {
                ModelEvaluation.Judged j = ranked.get(i);
                List<String> why = new ArrayList<>();
                for (FeatureContribution c : j.verdict().topFeatures()) {
                    why.add(AnomalyScorer.describe(c));
                }
                String label = j.kind() != null ? j.kind() : j.otherAttack() != null ? "other " + j.otherAttack() : "ordinary";
                w.printf(Locale.ROOT, "    %.3f %s %-16s %s %s: %s%n", j.verdict().score(), j.verdict().flagged() ? "*" : " ",
                        label, j.unit().principalId, j.unit().key, String.join("; ", why));
            }
            w.flush();
            return 0;
        }
    }

    /** One JSON line per judged unit, for notebooks. */
    static void writeScores(List<ModelEvaluation.Judged> judged, Path file) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (var out = Files.newBufferedWriter(file)) {
            for (ModelEvaluation.Judged j : judged) {
                var o = json.createObjectNode();
                o.put("principal", j.unit().principalId);
                o.put("kind", j.unit().kind == null ? "HUMAN" : j.unit().kind.name());
                o.put("unit", j.unit().key);
                o.put("started_at", java.time.Instant.ofEpochMilli(j.unit().startedAt).toString());
                o.put("label", j.kind() != null ? j.kind() : j.otherAttack() != null ? "other " + j.otherAttack() : "ordinary");
                o.put("score", j.verdict().score());
                o.put("threshold", j.verdict().threshold());
                o.put("flagged", j.verdict().flagged());
                o.put("warm_up", j.verdict().warmUp());
                o.put("baseline", j.verdict().baseline());
                o.put("peer_group", j.verdict().peerGroup());
                var f = o.putObject("features");
                for (int i = 0; i < FeatureCatalogue.size(); i++) {
                    f.put(FeatureCatalogue.get(i).name(), j.verdict().features()[i]);
                }
                var top = o.putArray("top_features");
                for (FeatureContribution c : j.verdict().topFeatures()) {
                    top.addObject().put("name", c.getName()).put("value", c.getValue())
                            .put("baseline_mean", c.getBaselineMean()).put("baseline_std", c.getBaselineStd())
                            .put("peer_mean", c.getPeerMean()).put("peer_std", c.getPeerStd())
                            .put("text", AnomalyScorer.describe(c));
                }
                out.write(o.toString());
                out.newLine();
            }
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print what a model file holds.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "MODEL", description = "Model file.")
        Path model;

        @Override
        public Integer call() {
            AnomalyModel m = load(model);
            PrintWriter w = spec.commandLine().getOut();
            w.printf("model %s (format %d)%n", m.version(), AnomalyModel.FORMAT_VERSION);
            w.printf("  trained on      %s .. %s%n", java.time.Instant.ofEpochMilli(m.trainedFrom()),
                    java.time.Instant.ofEpochMilli(m.trainedTo()));
            w.printf("  contamination   %s%n", m.contamination());
            for (Map.Entry<PrincipalKind, AnomalyModel.Population> e : m.populations().entrySet()) {
                AnomalyModel.Population p = e.getValue();
                w.printf("  %-8s        isolation forest of %d trees, %,d training sessions, threshold %.3f%n",
                        e.getKey(), p.forest().size(), p.trainingSize(), p.threshold());
            }
            w.println("  figures");
            m.evaluation().forEach((key, v) -> w.printf("    %-32s %s%n", key, v));
            w.printf("  features (%d)%n", FeatureCatalogue.size());
            w.print(FeatureCatalogue.describe());
            w.flush();
            return 0;
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = {"Check a model as --model does and publish it on the control topic; running jobs that follow",
                    "the topic (kafka.control.enabled) score closing sessions with it from then on, keeping their",
                    "baselines. A model that does not load (corrupt, another format, another feature list) is not published."})
    static final class Deploy implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "MODEL", description = "Model file ('vigil model train' writes it).")
        Path model;

        @picocli.CommandLine.Mixin
        ControlTopicOptions control;

        @Option(names = "--label", paramLabel = "TEXT",
                description = "A name for this version that people recognise (default: the model file's name).")
        String label;

        @Override
        public Integer call() throws IOException {
            var kafka = control.kafka();
            AnomalyModel m = load(model);
            byte[] artifact = Files.readAllBytes(model);
            var message = dev.vigil.jobs.anomaly.ModelDeployment.message(m, artifact,
                    label != null ? label : model.getFileName().toString(),
                    dev.vigil.jobs.rules.RulePackDeployment.publisher(), System.currentTimeMillis());
            dev.vigil.jobs.stream.Preflight.kafka(kafka);
            org.apache.kafka.clients.producer.RecordMetadata where;
            try {
                where = dev.vigil.jobs.anomaly.ModelDeployment.publish(kafka, message);
            } catch (IllegalStateException e) {
                throw new UserError(VigilCli.oneLine(e), e);
            }
            PrintWriter w = spec.commandLine().getOut();
            w.printf("deployed model %s (%,d bytes) to %s partition %d offset %d, by %s%n", message.version,
                    artifact.length, where.topic(), where.partition(), where.offset(), message.createdBy);
            w.flush();
            return 0;
        }
    }
}
