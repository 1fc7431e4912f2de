package dev.vigil.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Time;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.core.search.ResponseBody;
import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.elasticsearch.ElasticsearchOptions;
import dev.vigil.connectors.elasticsearch.IndexTemplates;
import dev.vigil.connectors.kafka.EventPublisher;
import dev.vigil.connectors.kafka.KafkaOptions;
import dev.vigil.connectors.testing.ElasticsearchExtension;
import dev.vigil.connectors.testing.KafkaExtension;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.jobs.config.CheckpointSettings;
import dev.vigil.jobs.graph.DetectionOptions;
import dev.vigil.jobs.runtime.LocalFlink;
import dev.vigil.jobs.stream.Preflight;
import dev.vigil.jobs.stream.StreamingJob;
import dev.vigil.jobs.synthetic.ScenarioTruth;
import dev.vigil.jobs.synthetic.SyntheticTraffic;
import dev.vigil.jobs.synthetic.TrafficProfile;
import dev.vigil.rules.pack.RulePack;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production job (Kafka in, Elasticsearch out) killed midway and restored from its checkpoint must leave in
 * Elasticsearch exactly what an uninterrupted run of the same events leaves: the same cases, evidence and findings,
 * by id and by content, none lost and none doubled.
 */
@ExtendWith(KafkaExtension.class)
class FailureRecoveryIT {

    @RegisterExtension
    static final ElasticsearchExtension ES = new ElasticsearchExtension();

    private static final int EVENTS = 20_000;
    private static final int LINGERING_SESSIONS = 3;
    private static final int PARTITIONS = 2;
    private static final List<String> INDICES = IndexTemplates.INDICES;

    private final List<String> prefixes = new ArrayList<>();

    @TempDir
    Path checkpoints;

    @AfterEach
    void dropIndicesAndTemplates() throws IOException {
        for (String prefix : prefixes) {
            ES.deleteIndices(prefix + "*");
            for (String index : INDICES) {
                String template = IndexTemplates.templateName(prefix, index);
                ES.client().indices().deleteIndexTemplate(d -> d.name(template));
            }
        }
    }

    @Test
    void aJobRestoredFromItsCheckpointWritesWhatAnUninterruptedJobWrites() throws Exception {
        String topic = KafkaExtension.uniqueTopic("recovery-events");
        KafkaExtension.kafka().createTopics(PARTITIONS, topic);
        KafkaOptions kafka = KafkaOptions.builder().bootstrapServers(KafkaExtension.bootstrapServers())
                .eventsTopic(topic)
                .casesTopic(KafkaExtension.uniqueTopic("recovery-cases"))
                .deadLetterTopic(KafkaExtension.uniqueTopic("recovery-dlq"))
                .startingOffsets(KafkaOptions.StartingOffsets.EARLIEST)
                .build();
        List<ScenarioTruth> attacks = publish(kafka);
        assertThat(attacks).as("attack scenarios in the traffic").filteredOn(t -> t.ruleId() != null).isNotEmpty();

        FailOnceAfterCheckpoint.arm(EVENTS / PARTITIONS / 3);
        ElasticsearchOptions restoredEs = run(kafka, "restored", true);
        assertThat(FailOnceAfterCheckpoint.failedAfter.get())
                .as("the job failed once, after a checkpoint completed (records seen by the failing task)")
                .isPositive();
        assertThat(FailOnceAfterCheckpoint.restored.get()).as("the job restarted from its checkpoint").isTrue();

        ElasticsearchOptions uninterruptedEs = run(kafka, "uninterrupted", false);

        for (String index : INDICES) {
            Map<String, Map<String, Object>> restored = documents(restoredEs.index(index));
            Map<String, Map<String, Object>> uninterrupted = documents(uninterruptedEs.index(index));
            assertThat(uninterrupted).as("%s of the uninterrupted run", index).isNotEmpty();
            assertThat(restored.keySet()).as("%s ids after the restore", index)
                    .containsExactlyInAnyOrderElementsOf(uninterrupted.keySet());
            assertThat(differences(restored, uninterrupted)).as("%s documents that differ", index).isEmpty();
        }
        // Each session that outlived its grant is reported once, on its first act after the expiry.
        List<String> lingeringReports = documents(uninterruptedEs.index(IndexTemplates.FINDINGS)).values().stream()
                .filter(f -> "PUM-002".equals(f.get("rule_id")))
                .map(f -> (String) f.get("session_id"))
                .filter(session -> session != null && session.startsWith("lingering-"))
                .sorted().toList();
        assertThat(lingeringReports).as("PUM-002 findings of the lingering sessions")
                .containsExactly(IntStream.range(0, LINGERING_SESSIONS).mapToObj(i -> "lingering-s-" + i).toArray(String[]::new));
    }

    /**
     * One stream in event-time order (as a live producer would send it), spread by principal over the partitions:
     * about a day of synthetic work with attacks mixed in, and sessions that go on after their grant expired.
     */
    private static List<ScenarioTruth> publish(KafkaOptions kafka) {
        Instant start = Instant.parse("2026-03-02T06:00:00Z");
        TrafficProfile profile = TrafficProfile.builder().humans(400).services(100).attackRate(0.3).start(start).build();
        SyntheticTraffic traffic = new SyntheticTraffic(11, profile, 0, 1).limit(EVENTS);
        Iterator<PrivilegedEvent> lingering = LingeringSessions.events(start.plus(Duration.ofMinutes(30)).toEpochMilli(),
                LINGERING_SESSIONS, Duration.ofHours(5), Duration.ofHours(12)).iterator();
        PrivilegedEvent nextLingering = lingering.next();
        try (EventPublisher publisher = new EventPublisher(kafka)) {
            while (traffic.hasNext()) {
                PrivilegedEvent e = traffic.next();
                while (nextLingering != null && nextLingering.getEventTime() <= e.getEventTime()) {
                    publisher.publish(nextLingering);
                    nextLingering = lingering.hasNext() ? lingering.next() : null;
                }
                publisher.publish(e);
            }
        }
        return traffic.truth();
    }

    private ElasticsearchOptions run(KafkaOptions kafka, String name, boolean failOnce) throws Exception {
        String prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        prefixes.add(prefix);
        ElasticsearchOptions es = ES.options().toBuilder().indexPrefix(prefix).build();
        Preflight.elasticsearch(es);

        Configuration conf = new Configuration();
        CheckpointSettings checkpointing = new CheckpointSettings();
        checkpointing.interval = Duration.ofSeconds(1);
        checkpointing.minPause = Duration.ofMillis(200);
        checkpointing.directory = checkpoints.resolve(name).toUri().toString();
        checkpointing.applyTo(conf);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = LocalFlink.environment(PARTITIONS, -1, conf);

        DetectionOptions detection = DetectionOptions.defaults();
        detection.outOfOrderness = Duration.ofSeconds(10);
        StreamingJob.Settings settings = new StreamingJob.Settings(
                kafka.toBuilder().groupId("recovery-" + prefix).build(), es, detection, RulePack.builtIn(), true);
        DataStream<RawRecord> raw = StreamingJob.source(env, settings);
        if (failOnce) {
            raw = raw.map(new FailOnceAfterCheckpoint()).name("fail once").uid("fail-once");
        }
        StreamingJob.define(raw, settings);
        env.execute("vigil recovery " + name);
        for (String index : INDICES) {
            ES.refresh(es.index(index));
        }
        return es;
    }

    /** Every document of an index by id, read with a scroll since there are more than one search page holds. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Map<String, Map<String, Object>> documents(String index) throws IOException {
        ElasticsearchClient client = ES.client();
        Time keepAlive = Time.of(t -> t.time("1m"));
        Map<String, Map<String, Object>> docs = new TreeMap<>();
        ResponseBody<Map> page = client.search(s -> s.index(index).size(2000).scroll(keepAlive), Map.class);
        String scrollId = page.scrollId();
        try {
            while (!page.hits().hits().isEmpty()) {
                for (Hit<Map> hit : page.hits().hits()) {
                    assertThat(docs.put(hit.id(), hit.source())).as("document %s read twice", hit.id()).isNull();
                }
                String id = scrollId;
                page = client.scroll(s -> s.scrollId(id).scroll(keepAlive), Map.class);
                scrollId = page.scrollId();
            }
        } finally {
            String id = scrollId;
            client.clearScroll(c -> c.scrollId(id));
        }
        long count = client.count(c -> c.index(index)).count();
        assertThat(docs).as("documents read from %s", index).hasSize((int) count);
        return docs;
    }

    /** Ids present on both sides whose documents differ, each with the first differing fields, for the message. */
    private static List<String> differences(Map<String, Map<String, Object>> actual,
                                            Map<String, Map<String, Object>> expected) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : expected.entrySet()) {
            Map<String, Object> a = actual.get(e.getKey());
            if (a == null || a.equals(e.getValue())) {
                continue;
            }
            Set<String> fields = new TreeSet<>(e.getValue().keySet());
            fields.addAll(a.keySet());
            List<String> differing = fields.stream()
                    .filter(f -> !Objects.equals(a.get(f), e.getValue().get(f)))
                    .map(f -> f + ": " + abbreviate(a.get(f)) + " instead of " + abbreviate(e.getValue().get(f)))
                    .toList();
            out.add(e.getKey() + " {" + String.join("; ", differing) + "}");
        }
        return out.size() > 10 ? out.subList(0, 10) : out;
    }

    private static String abbreviate(Object value) {
        String s = String.valueOf(value);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /**
     * Fails its task once, on the first record after a checkpoint taken once this task had passed a given number of
     * records has completed, so the job must restore from a checkpoint that far into the stream. Past that number
     * and until such a checkpoint, records are held back a millisecond each: however fast the machine, input
     * remains when the failure comes. State is static: one MiniCluster, one JVM.
     */
    static final class FailOnceAfterCheckpoint extends RichMapFunction<RawRecord, RawRecord>
            implements CheckpointListener, CheckpointedFunction {
        private static final AtomicBoolean armed = new AtomicBoolean();
        static final AtomicLong failedAfter = new AtomicLong();
        static final AtomicBoolean restored = new AtomicBoolean();
        private static volatile long afterRecords;
        private static final long PACE_NANOS = 1_000_000;
        private static final long MAX_PACED_RECORDS = 60_000;

        private transient long seen;
        private transient long firstCheckpointPastThreshold = Long.MAX_VALUE;
        private transient boolean checkpointCompleted;

        static void arm(long records) {
            afterRecords = records;
            failedAfter.set(0);
            restored.set(false);
            armed.set(true);
        }

        @Override
        public RawRecord map(RawRecord record) {
            seen++;
            if (seen >= afterRecords && armed.get()) {
                if (checkpointCompleted) {
                    if (armed.compareAndSet(true, false)) {
                        failedAfter.set(seen);
                        throw new IllegalStateException("failure injected by the test after " + seen + " records");
                    }
                } else if (seen - afterRecords < MAX_PACED_RECORDS) {
                    // Checkpoints reach this task between records; slowing down lets one be taken and complete.
                    LockSupport.parkNanos(PACE_NANOS);
                }
            }
            return record;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            if (seen >= afterRecords && firstCheckpointPastThreshold == Long.MAX_VALUE) {
                firstCheckpointPastThreshold = context.getCheckpointId();
            }
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (checkpointId >= firstCheckpointPastThreshold) {
                checkpointCompleted = true;
            }
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
            if (context.isRestored()) {
                restored.set(true);
            }
        }
    }
}
