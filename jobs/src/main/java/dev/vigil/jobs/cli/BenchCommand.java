package dev.vigil.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.connectors.elasticsearch.ElasticsearchOptions;
import dev.vigil.connectors.elasticsearch.local.LocalElasticsearch;
import dev.vigil.jobs.bench.GraphBench;
import dev.vigil.jobs.bench.KafkaElasticsearchBench;
import dev.vigil.jobs.synthetic.SyntheticSource;
import dev.vigil.rules.pack.RulePack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Push generated PAM/PIM traffic through the full detection graph and print one JSON line of figures.",
                "Default: the bounded graph against a baseline of source + parse + shuffle on the same machine.",
                "--kafka-es: Kafka in, Elasticsearch out, checkpoints on; throughput, then latency at a steady rate."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--events", defaultValue = "2000000", description = "Events to push (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallel tasks (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--format", defaultValue = "avro", description = "Source encoding, avro or canonical (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--humans", defaultValue = "2000", description = "Human principals (default: ${DEFAULT-VALUE}).")
    int humans;

    @Option(names = "--services", defaultValue = "500", description = "Service principals (default: ${DEFAULT-VALUE}).")
    int services;

    @Option(names = "--seed", defaultValue = "42", description = "Traffic seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out-of-orderness", defaultValue = "PT2S", description = "Watermark bound (default: ${DEFAULT-VALUE}).")
    Duration outOfOrderness;

    @Option(names = "--kafka-es", description = "Benchmark the production path: embedded Kafka in, Elasticsearch out.")
    boolean kafkaEs;

    @Option(names = "--es", paramLabel = "URL", description = "With --kafka-es: this Elasticsearch instead of a local one.")
    String esUrl;

    @Option(names = "--rate", defaultValue = "20000", description = "With --kafka-es: publish rate of the latency phase (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--latency-seconds", defaultValue = "20",
            description = "With --kafka-es: length of the latency phase, 0 to skip (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Mixin
    RulesOption rules;

    @Mixin
    ModelOption model;

    @Option(names = "--no-rules",
            description = "Run the same graph with an empty rule pack: the cost of the rules is the difference.")
    boolean noRules;

    @Override
    public Integer call() throws Exception {
        if (!format.equals(SyntheticSource.AVRO) && !format.equals(SyntheticSource.CANONICAL)) {
            throw new UserError("unknown format '" + format + "' (known: avro, canonical)");
        }
        if (events < 1 || parallelism < 1 || humans < 1 || services < 0 || rate < 1) {
            throw new UserError("--events, --parallelism, --humans and --rate must be positive");
        }
        if (noRules && rules.dir != null) {
            throw new UserError("--no-rules and --rules exclude each other");
        }
        RulePack pack = noRules ? RulePack.of("none", List.of()) : rules.load();
        Map<String, Object> figures;
        if (kafkaEs) {
            var settings = new KafkaElasticsearchBench.Settings(events, parallelism, seed, humans, services, pack,
                    outOfOrderness, rate, latencySeconds);
            if (esUrl != null) {
                figures = KafkaElasticsearchBench.run(settings, ElasticsearchOptions.builder().hosts(esUrl).build());
            } else {
                try (LocalElasticsearch es = LocalElasticsearch.start()) {
                    figures = KafkaElasticsearchBench.run(settings, ElasticsearchOptions.builder().hosts(es.url()).build());
                }
            }
        } else {
            figures = GraphBench.run(new GraphBench.Settings(events, parallelism, format, seed, humans, services,
                    pack, outOfOrderness), model.load());
        }
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(figures));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
