package dev.vigil.jobs.cli;

import dev.vigil.connectors.elasticsearch.ElasticsearchOptions;
import dev.vigil.connectors.kafka.KafkaOptions;
import dev.vigil.jobs.config.CheckpointSettings;
import dev.vigil.jobs.config.ConfigFile;
import dev.vigil.jobs.graph.DetectionOptions;
import dev.vigil.jobs.stream.Preflight;
import dev.vigil.jobs.stream.StreamingJob;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the production job: canonical Avro events from Kafka, cases and evidence to Elasticsearch.",
                "Locally it runs on an embedded Flink; under 'flink run' it runs on that cluster."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "YAML with the sections kafka, elasticsearch, detection, checkpointing, flink (docs/configuration.md).")
    Path config;

    @Mixin
    RulesOption rules;

    @Mixin
    IdentitiesOption identities;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOption model;

    @Option(names = "--skip-preflight", description = "Submit without first checking that Kafka and Elasticsearch answer.")
    boolean skipPreflight;

    @Override
    public Integer call() throws Exception {
        Map<String, String> props = ConfigFile.read(config);
        KafkaOptions kafka;
        ElasticsearchOptions es;
        DetectionOptions detection;
        CheckpointSettings checkpoints;
        try {
            Properties kp = new Properties();
            kp.putAll(props);
            kafka = KafkaOptions.fromProperties(kp);
            es = ElasticsearchOptions.fromProperties(props);
            detection = DetectionOptions.fromProperties(props);
            checkpoints = CheckpointSettings.fromProperties(props);
        } catch (IllegalArgumentException e) {
            throw new UserError("config " + config + ": " + e.getMessage());
        }
        detection.identities = identities.load();
        if (!skipPreflight) {
            Preflight.kafka(kafka);
            Preflight.elasticsearch(es);
        }
        if (kafka.controlEnabled()) {
            try {
                // The job's control source needs the topic; rules deploy may not have run yet.
                dev.vigil.connectors.kafka.ControlTopic.ensureExists(kafka);
            } catch (IllegalStateException e) {
                throw new UserError("control topic " + kafka.controlTopic() + ": " + VigilCli.oneLine(e));
            }
        }
        Map<String, String> flink = new java.util.HashMap<>();
        props.forEach((k, v) -> {
            if (k.startsWith("flink.")) {
                flink.put(k.substring("flink.".length()), v);
            }
        });
        Configuration conf = Configuration.fromMap(flink);
        boolean embedded = StreamExecutionEnvironment.getExecutionEnvironment()
                instanceof org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
        if (embedded && checkpoints.directory == null) {
            // On this machine's embedded Flink; a cluster brings its own checkpoint storage.
            checkpoints.withLocalDirectoryIfUnset();
            System.err.println("vigil run: checkpoints go to " + checkpoints.directory
                    + " (set checkpointing.directory for storage that outlives this process)");
        }
        checkpoints.applyTo(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.getConfig().enableObjectReuse();
        detection.anomalyModel = model.load();
        org.slf4j.LoggerFactory.getLogger(RunCommand.class).info("anomaly: {}", ModelOption.describe(detection.anomalyModel));
        StreamingJob.define(env, new StreamingJob.Settings(kafka, es, detection, rules.load(), false));
        var result = env.execute("vigil");
        // A production job runs until cancelled; when it does end (a bounded source, a stop), say what it read.
        if (result != null && !(result instanceof org.apache.flink.core.execution.DetachedJobExecutionResult)) {
            java.io.PrintWriter w = spec.commandLine().getOut();
            w.println("vigil run: job finished");
            dev.vigil.jobs.ingest.IngestReport.from(result.getAllAccumulatorResults()).print(w, "  ");
            w.flush();
        }
        return 0;
    }
}
