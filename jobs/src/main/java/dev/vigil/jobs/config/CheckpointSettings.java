package dev.vigil.jobs.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * Checkpointing of the production job: the basis of its effectively-exactly-once output (checkpoints +
 * deterministic ids + idempotent upserts). In a {@code --config} file these sit under {@code checkpointing:}.
 */
public final class CheckpointSettings implements Serializable {
    /** {@code checkpointing.interval}: time between checkpoints (default PT30S); sinks flush on each. */
    public Duration interval = Duration.ofSeconds(30);
    /** {@code checkpointing.min-pause}: least time between the end of one checkpoint and the next (default PT5S). */
    public Duration minPause = Duration.ofSeconds(5);
    /** {@code checkpointing.timeout}: a checkpoint taking longer is abandoned (default PT10M). */
    public Duration timeout = Duration.ofMinutes(10);
    /**
     * {@code checkpointing.directory}: durable checkpoint storage, e.g. {@code file:///var/lib/vigil/checkpoints}
     * or {@code s3://bucket/vigil}; unset, {@code run} on the embedded Flink uses a temporary directory and a
     * cluster its own checkpoint storage.
     */
    public String directory;
    /** {@code checkpointing.retain-on-cancel}: keep the last checkpoint when the job is cancelled (default true). */
    public boolean retainOnCancel = true;

    /**
     * Settings for a job on this machine's embedded Flink: checkpoints in a fresh temporary directory (deleted on
     * exit) unless one is configured. Keeping them in the JobManager's memory instead caps state at a few MB,
     * which a real stream outgrows within minutes.
     */
    public CheckpointSettings withLocalDirectoryIfUnset() throws java.io.IOException {
        if (directory == null) {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("vigil-checkpoints");
            dir.toFile().deleteOnExit();
            directory = dir.toUri().toString();
        }
        return this;
    }

    public static CheckpointSettings fromProperties(Map<String, String> properties) {
        CheckpointSettings c = new CheckpointSettings();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (!e.getKey().startsWith("checkpointing.")) {
                continue;
            }
            String v = e.getValue().trim();
            try {
                switch (e.getKey()) {
                    case "checkpointing.interval" -> c.interval = Duration.parse(v);
                    case "checkpointing.min-pause" -> c.minPause = Duration.parse(v);
                    case "checkpointing.timeout" -> c.timeout = Duration.parse(v);
                    case "checkpointing.directory" -> c.directory = v.isEmpty() ? null : v;
                    case "checkpointing.retain-on-cancel" -> c.retainOnCancel = Boolean.parseBoolean(v);
                    default -> throw new IllegalArgumentException("unknown checkpointing option '" + e.getKey() + "'");
                }
            } catch (java.time.format.DateTimeParseException ex) {
                throw new IllegalArgumentException(e.getKey() + ": '" + v + "' is not an ISO-8601 duration (e.g. PT30S)");
            }
        }
        return c;
    }

    /** Writes these settings, exactly-once mode included, into a Flink configuration. */
    public void applyTo(Configuration conf) {
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, minPause);
        conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, timeout);
        if (directory != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directory);
        }
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, retainOnCancel
                ? ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION
                : ExternalizedCheckpointRetention.DELETE_ON_CANCELLATION);
    }
}
