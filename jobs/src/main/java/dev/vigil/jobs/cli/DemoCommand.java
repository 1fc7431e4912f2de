package dev.vigil.jobs.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.vigil.connectors.elasticsearch.ElasticsearchConnection;
import dev.vigil.connectors.elasticsearch.ElasticsearchOptions;
import dev.vigil.connectors.elasticsearch.local.LocalElasticsearch;
import dev.vigil.connectors.kafka.EventPublisher;
import dev.vigil.connectors.kafka.KafkaOptions;
import dev.vigil.connectors.kafka.embedded.EmbeddedKafka;
import dev.vigil.jobs.config.CheckpointSettings;
import dev.vigil.jobs.demo.DemoTraffic;
import dev.vigil.jobs.demo.IndexReport;
import dev.vigil.jobs.graph.DetectionOptions;
import dev.vigil.jobs.graph.FindingTally;
import dev.vigil.jobs.graph.JobCounters;
import dev.vigil.jobs.ingest.EventParser;
import dev.vigil.jobs.runtime.LocalFlink;
import dev.vigil.jobs.stream.Preflight;
import dev.vigil.jobs.stream.StreamingJob;
import dev.vigil.jobs.synthetic.ScenarioTruth;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline on this machine: an in-process Kafka broker, a local Elasticsearch,",
                "a Flink MiniCluster with its web UI, and synthetic PAM/PIM traffic with attacks mixed in."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--events", defaultValue = "20000", description = "About this many events; episodes under way are finished (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--es", paramLabel = "URL", description = "Use this Elasticsearch instead of starting a local one.")
    String esUrl;

    @Option(names = "--hold", description = "Keep Elasticsearch (and the web UI) up after the summary until Ctrl-C.")
    boolean hold;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the synthetic traffic (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--attack-rate", defaultValue = "0.08",
            description = "Share of work episodes that are attacks (default: ${DEFAULT-VALUE}).")
    double attackRate;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallel tasks (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--ui-port", defaultValue = "8081", description = "Port of the Flink web UI (default: ${DEFAULT-VALUE}).")
    int uiPort;

    @Mixin
    RulesOption rules;

    @Mixin
    IdentitiesOption identities;

    @Mixin
    ModelOption model;

    @Override
    public Integer call() throws Exception {
        if (events < 1) {
            throw new UserError("--events must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        var pack = rules.load();
        var resolver = identities.load();
        var anomalyModel = model.load();
        LocalElasticsearch localEs = null;
        try (EmbeddedKafka kafkaServer = EmbeddedKafka.start()) {
            KafkaOptions kafka = KafkaOptions.defaults(kafkaServer.bootstrapServers());
            kafkaServer.createTopics(2, kafka.eventsTopic(), kafka.casesTopic(), kafka.deadLetterTopic());
            say(out, "kafka          in-process KRaft broker at %s", kafka.bootstrapServers());

            ElasticsearchOptions es;
            if (esUrl != null) {
                es = ElasticsearchOptions.builder().hosts(esUrl).build();
            } else {
                say(out, "elasticsearch  starting a local server...");
                localEs = LocalElasticsearch.start();
                es = ElasticsearchOptions.builder().hosts(localEs.url()).build();
            }
            Preflight.elasticsearch(es);
            say(out, "elasticsearch  %s (index templates installed)", es.hosts().get(0));

            DemoTraffic traffic = new DemoTraffic(seed, attackRate, events, 2);
            List<ScenarioTruth> truth;
            try (EventPublisher publisher = new EventPublisher(kafka)) {
                truth = traffic.publish(publisher, events,
                        n -> say(out, "publishing     %,d / %,d events to %s", n, events, kafka.eventsTopic()));
            }

            int port = freePort(uiPort);
            Configuration conf = new Configuration();
            CheckpointSettings checkpoints = new CheckpointSettings();
            checkpoints.interval = Duration.ofSeconds(5);
            checkpoints.minPause = Duration.ofSeconds(1);
            checkpoints.withLocalDirectoryIfUnset();
            checkpoints.applyTo(conf);
            StreamExecutionEnvironment env = LocalFlink.environment(parallelism, port, conf);
            DetectionOptions detection = DetectionOptions.defaults();
            detection.outOfOrderness = Duration.ofSeconds(5);
            detection.sourceIdleness = Duration.ofSeconds(2);
            detection.identities = resolver;
            detection.anomalyModel = anomalyModel;
            say(out, "anomaly        %s", ModelOption.describe(anomalyModel));
            StreamingJob.define(env, new StreamingJob.Settings(kafka, es, detection, pack, true));
            JobClient job = env.executeAsync("vigil demo");
            say(out, "flink          job running, web UI at http://127.0.0.1:%d", port);

            Map<String, Object> acc = follow(job, out);
            ElasticsearchClient client = ElasticsearchConnection.open(es);
            try {
                printSummary(out, acc, truth, IndexReport.read(client, es), es.hosts().get(0), kafka,
                        pack.rules().stream().map(r -> r.id()).sorted().toList());
            } finally {
                client._transport().close();
            }
            if (hold) {
                say(out, "holding: Elasticsearch at %s, Flink UI gone with the job; Ctrl-C to stop", es.hosts().get(0));
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                stop.await();
            }
        } finally {
            if (localEs != null) {
                localEs.close();
            }
        }
        return 0;
    }

    /** Prints the job's progress every two seconds until it finishes; returns its final accumulators. */
    private Map<String, Object> follow(JobClient job, PrintWriter out) throws Exception {
        // The embedded cluster shuts down with the job, so completion is read from the result, not the status.
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        while (true) {
            try {
                return result.get(2, TimeUnit.SECONDS).getAllAccumulatorResults();
            } catch (TimeoutException stillRunning) {
                try {
                    Map<String, Object> acc = job.getAccumulators().get(5, TimeUnit.SECONDS);
                    say(out, "processing     %,d events, %,d dead letters, %,d findings", JobCounters.get(acc, EventParser.EVENTS),
                            JobCounters.get(acc, EventParser.DEAD),
                            FindingTally.fromAccumulators(acc).values().stream().mapToLong(Long::longValue).sum());
                } catch (ExecutionException | TimeoutException finishing) {
                    // The job is finishing between two polls; its result comes next.
                }
            } catch (ExecutionException failed) {
                throw new UserError("the demo job failed: " + VigilCli.oneLine(VigilCli.rootCause(failed)), failed);
            }
        }
    }

    private void printSummary(PrintWriter out, Map<String, Object> acc, List<ScenarioTruth> truth, IndexReport report,
                              String esUrl, KafkaOptions kafka, List<String> ruleIds) {
        Map<String, Long> injected = new TreeMap<>();
        truth.stream().filter(t -> t.ruleId() != null).forEach(t -> injected.merge(t.ruleId(), 1L, Long::sum));
        out.println();
        out.println("Vigil demo summary");
        out.printf("  events          %,d parsed, %,d dead letters (on %s, with reasons), %,d skipped%n",
                JobCounters.get(acc, EventParser.EVENTS), JobCounters.get(acc, EventParser.DEAD), kafka.deadLetterTopic(), JobCounters.get(acc, EventParser.SKIPPED));
        dev.vigil.jobs.ingest.IngestReport.from(acc).print(out, "    ");
        out.printf("  attacks mixed in %s%n", injected.isEmpty() ? "none" : ReplayCommand.byRule(injected));
        out.printf("  rules loaded    %s%n", String.join(", ", ruleIds));
        out.printf("  anomaly         %s%n", ModelOption.describe(model.load()));
        out.printf("  findings        %,d   %s%n", report.findings(), ReplayCommand.byRule(report.findingsByRule()));
        out.printf("  cases           %,d in %s%n", report.cases(), "pum-cases");
        out.printf("  evidence        %,d records in %s%n", report.evidence(), "pum-evidence");
        if (!report.topCases().isEmpty()) {
            out.println("  highest risk");
            report.topCases().forEach(c -> out.println("    " + c));
        }
        out.println();
        out.println("Look at them:");
        out.printf("  curl -s '%s/pum-cases/_search?sort=risk_score:desc&size=3&pretty'%n", esUrl);
        out.printf("  curl -s '%s/pum-evidence/_search?q=kind:UNGRANTED_SESSION&size=1&pretty'%n", esUrl);
        out.printf("  curl -s '%s/pum-findings/_search?q=rule_id:PUM-002&size=1&pretty'%n", esUrl);
        if (!hold) {
            out.println("(run with --hold to keep Elasticsearch up after this summary)");
        }
        out.flush();
    }


    private static void say(PrintWriter out, String format, Object... args) {
        out.printf("vigil demo  " + format + "%n", args);
        out.flush();
    }

    /** The preferred port when it is free, else any free one: a busy 8081 must not stop the demo. */
    private static int freePort(int preferred) {
        try (ServerSocket s = new ServerSocket(preferred)) {
            return preferred;
        } catch (java.io.IOException busy) {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            } catch (java.io.IOException e) {
                throw new UserError("no free port for the Flink web UI");
            }
        }
    }
}
