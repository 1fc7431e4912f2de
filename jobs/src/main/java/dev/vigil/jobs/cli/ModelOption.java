package dev.vigil.jobs.cli;

import dev.vigil.jobs.anomaly.AnomalyModel;
import dev.vigil.jobs.anomaly.InvalidModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model FILE}: the behavioural anomaly model PUM-100 scores closed sessions with. */
final class ModelOption {
    @Option(names = "--model", paramLabel = "FILE",
            description = "Anomaly model from 'vigil model train' for PUM-100 (default: the principal's and peer group's baselines alone).")
    Path file;

    /** The model, checked against this Vigil's feature catalogue, or null when none was given. */
    AnomalyModel load() {
        if (file == null) {
            return null;
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError("model not found: " + file);
        }
        try {
            return AnomalyModel.load(file);
        } catch (InvalidModelException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    /** One line for logs and summaries: what PUM-100 scores with. */
    static String describe(AnomalyModel model) {
        return model == null
                ? "no model: PUM-100 scores sessions against the principal's and its peer group's baselines alone (z-scores)"
                : "model " + model.version() + " (" + model.populations().keySet() + ", trained "
                        + java.time.Instant.ofEpochMilli(model.trainedFrom()) + " .. "
                        + java.time.Instant.ofEpochMilli(model.trainedTo()) + ")";
    }
}
