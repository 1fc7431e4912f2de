package dev.vigil.jobs.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.vigil.connectors.elasticsearch.ElasticsearchConnection;
import dev.vigil.connectors.elasticsearch.ElasticsearchOptions;
import dev.vigil.connectors.kafka.EventPublisher;
import dev.vigil.connectors.kafka.KafkaOptions;
import dev.vigil.connectors.kafka.embedded.EmbeddedKafka;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.jobs.config.CheckpointSettings;
import dev.vigil.jobs.graph.DetectionOptions;
import dev.vigil.jobs.graph.DetectionStreams;
import dev.vigil.jobs.ingest.EventParser;
import dev.vigil.jobs.runtime.LocalFlink;
import dev.vigil.jobs.stream.Preflight;
import dev.vigil.jobs.stream.StreamingJob;
import dev.vigil.jobs.synthetic.SyntheticTraffic;
import dev.vigil.jobs.synthetic.TrafficProfile;
import dev.vigil.rules.pack.RulePack;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The production path end to end: Kafka in, the detection graph, Elasticsearch out, with checkpoints on.
 * Two phases: throughput over a topic filled beforehand (bounded), then detection latency while events are
 * published at a steady rate and the job keeps up.
 */
public final class KafkaElasticsearchBench {
    /** What to run; {@code rate} and {@code latencySeconds} shape the latency phase. */
    public record Settings(long events, int parallelism, long seed, int humans, int services, RulePack pack,
                           Duration outOfOrderness, int rate, int latencySeconds) {}

    private KafkaElasticsearchBench() {}

    public static Map<String, Object> run(Settings s, ElasticsearchOptions es) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("mode", "kafka-elasticsearch");
        r.put("parallelism", s.parallelism());
        try (EmbeddedKafka kafkaServer = EmbeddedKafka.start()) {
            Preflight.elasticsearch(es);
            TrafficProfile profile = TrafficProfile.builder().humans(s.humans()).services(s.services())
                    .start(Instant.now().minus(Duration.ofDays(20))).build();

            KafkaOptions kafka = KafkaOptions.defaults(kafkaServer.bootstrapServers()).toBuilder()
                    .eventsTopic("bench.throughput").build();
            kafkaServer.createTopics(s.parallelism(), kafka.eventsTopic(), kafka.casesTopic(), kafka.deadLetterTopic());
            long t0 = System.nanoTime();
            publish(kafka, s, profile, s.events(), 0, false);
            double produceSeconds = (System.nanoTime() - t0) / 1e9;

            HeapWatch.reset();
            long t1 = System.nanoTime();
            JobExecutionResult result = throughputJob(s, kafka, es).execute("vigil bench kafka-elasticsearch");
            double seconds = (System.nanoTime() - t1) / 1e9;
            r.put("events", s.events());
            r.put("seconds", GraphBench.round(seconds));
            r.put("events_per_second", Math.round(s.events() / seconds));
            r.put("produce_events_per_second", Math.round(s.events() / produceSeconds));
            r.put("parsed", GraphBench.counter(result, EventParser.EVENTS));
            r.put("peak_heap_mib", HeapWatch.peakMiB());
            ElasticsearchClient client = ElasticsearchConnection.open(es);
            try {
                client.indices().refresh(x -> x.index(es.index("*")));
                r.put("cases_in_elasticsearch", client.count(c -> c.index(es.index("cases"))).count());
                r.put("evidence_in_elasticsearch", client.count(c -> c.index(es.index("evidence"))).count());
            } finally {
                client._transport().close();
            }
            if (s.latencySeconds() > 0) {
                r.putAll(latency(s, kafkaServer, es, profile));
            }
        }
        return r;
    }

    private static StreamExecutionEnvironment throughputJob(Settings s, KafkaOptions kafka, ElasticsearchOptions es)
            throws java.io.IOException {
        Configuration conf = new Configuration();
        CheckpointSettings checkpoints = new CheckpointSettings();
        checkpoints.interval = Duration.ofSeconds(10);
        checkpoints.withLocalDirectoryIfUnset().applyTo(conf);
        StreamExecutionEnvironment env = LocalFlink.environment(s.parallelism(), -1, conf);
        DetectionOptions detection = DetectionOptions.defaults();
        detection.outOfOrderness = s.outOfOrderness();
        detection.sourceIdleness = Duration.ofSeconds(1);
        StreamingJob.define(env, new StreamingJob.Settings(kafka, es, detection, s.pack(), true));
        return env;
    }

    /** Publishes at a steady rate while the job runs; latency = finding out of the graph minus event published. */
    private static Map<String, Object> latency(Settings s, EmbeddedKafka kafkaServer, ElasticsearchOptions es,
                                               TrafficProfile profile) throws Exception {
        KafkaOptions kafka = KafkaOptions.defaults(kafkaServer.bootstrapServers()).toBuilder()
                .eventsTopic("bench.latency").casesTopic("bench.latency.cases").deadLetterTopic("bench.latency.dlq")
                .build();
        kafkaServer.createTopics(s.parallelism(), kafka.eventsTopic(), kafka.casesTopic(), kafka.deadLetterTopic());
        LatencyProbe.reset();
        StreamExecutionEnvironment env = LocalFlink.environment(s.parallelism(), -1);
        DetectionOptions detection = DetectionOptions.defaults();
        detection.outOfOrderness = s.outOfOrderness();
        detection.sourceIdleness = Duration.ofSeconds(1);
        DetectionStreams streams = StreamingJob.define(env,
                new StreamingJob.Settings(kafka, es, detection, s.pack(), false));
        streams.findings().map(new LatencyProbe()).name("latency probe").sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("vigil bench latency");
        long deadline = System.currentTimeMillis() + 60_000;
        while (job.getJobStatus().get(10, TimeUnit.SECONDS) != JobStatus.RUNNING) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the latency job did not start within 60 s");
            }
            Thread.sleep(100);
        }
        long measured = (long) s.rate() * s.latencySeconds();
        // Keep publishing a few seconds past the measured window so the watermark passes its last events.
        publish(kafka, s, profile, measured + (long) s.rate() * 5, measured, true);
        job.cancel().get(60, TimeUnit.SECONDS);
        List<Long> lat = LatencyProbe.latencies();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("latency_rate_events_per_second", s.rate());
        r.put("latency_findings", lat.size());
        r.put("latency_ms_p50", LatencyProbe.percentile(lat, 50));
        r.put("latency_ms_p95", LatencyProbe.percentile(lat, 95));
        r.put("latency_ms_p99", LatencyProbe.percentile(lat, 99));
        r.put("latency_ms_max", lat.isEmpty() ? -1 : lat.get(lat.size() - 1));
        r.put("out_of_orderness_ms", s.outOfOrderness().toMillis());
        return r;
    }

    /**
     * Publishes {@code count} generated events over the partitions; with {@code paced} at {@code s.rate()} events
     * per second, noting the publish time of the first {@code noted} of them for the latency probe.
     */
    private static void publish(KafkaOptions kafka, Settings s, TrafficProfile profile, long count, long noted,
                                boolean paced) {
        int partitions = s.parallelism();
        SyntheticTraffic[] traffic = new SyntheticTraffic[partitions];
        for (int p = 0; p < partitions; p++) {
            traffic[p] = new SyntheticTraffic(s.seed(), profile, p, partitions).withoutTruth();
        }
        long start = System.nanoTime();
        try (EventPublisher publisher = new EventPublisher(kafka)) {
            for (long i = 0; i < count; i++) {
                PrivilegedEvent e = traffic[(int) (i % partitions)].next();
                if (paced) {
                    long due = start + (long) (i * 1e9 / s.rate());
                    while (System.nanoTime() < due) {
                        Thread.onSpinWait();
                    }
                }
                publisher.publish(e);
                if (i < noted) {
                    LatencyProbe.published(e.getEventId(), System.currentTimeMillis());
                }
            }
            publisher.flush();
        }
    }
}
