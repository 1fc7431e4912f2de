package dev.vigil.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.common.Severity;
import dev.vigil.connectors.kafka.embedded.EmbeddedKafka;
import dev.vigil.connectors.testing.KafkaExtension;
import dev.vigil.event.DeadLetter;
import dev.vigil.output.CaseFinding;
import dev.vigil.output.CaseStatus;
import dev.vigil.output.PumCase;
import dev.vigil.output.ScoreTerm;
import dev.vigil.schema.kafka.AvroSingleObjectDeserializer;

@ExtendWith(KafkaExtension.class)
class KafkaSinksIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void casesAreWrittenKeyedByCaseId(EmbeddedKafka kafka) throws Exception {
        String topic = KafkaExtension.uniqueTopic("cases");
        kafka.createTopics(3, topic);
        KafkaOptions options = KafkaOptions.builder().bootstrapServers(kafka.bootstrapServers()).casesTopic(topic).build();
        List<PumCase> cases = cases(50);

        StreamExecutionEnvironment env = environment();
        // As in the real job: the at-least-once sink flushes on every checkpoint.
        env.enableCheckpointing(200);
        env.fromData(cases).sinkTo(KafkaSinks.cases(options)).name("cases to kafka");
        env.execute("kafka cases sink test");

        assertKeyedByCaseId(readCases(topic, cases.size()), cases);
    }

    @Test
    void recordsCarryTheirWriteTimeNotTheirEventTime(EmbeddedKafka kafka) throws Exception {
        String topic = KafkaExtension.uniqueTopic("cases");
        kafka.createTopics(1, topic);
        KafkaOptions options = KafkaOptions.builder().bootstrapServers(kafka.bootstrapServers()).casesTopic(topic).build();
        List<PumCase> cases = cases(5);
        // A case decided at a grant's window end two days ahead: brokers refuse timestamps over an hour ahead.
        long ahead = System.currentTimeMillis() + Duration.ofDays(2).toMillis();
        long before = System.currentTimeMillis();

        StreamExecutionEnvironment env = environment();
        env.enableCheckpointing(200);
        env.fromData(cases)
                .assignTimestampsAndWatermarks(org.apache.flink.api.common.eventtime.WatermarkStrategy
                        .<PumCase>forMonotonousTimestamps().withTimestampAssigner((c, t) -> ahead))
                .sinkTo(KafkaSinks.cases(options)).name("cases to kafka");
        env.execute("kafka cases sink write-time test");

        List<ConsumerRecord<String, PumCase>> records = readCases(topic, cases.size());
        assertThat(records).hasSize(cases.size());
        long after = System.currentTimeMillis();
        assertThat(records).allSatisfy(r -> assertThat(r.timestamp()).isBetween(before, after));
    }

    @Test
    void exactlyOnceIsRefusedUpFrontWhereTheConnectorCannotDoIt(EmbeddedKafka kafka) {
        assumeFalse(KafkaSinks.exactlyOnceAvailable(), "this Kafka client supports the connector's transactions");
        KafkaOptions options = KafkaOptions.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .build();

        // Refused while the job is built, not by a task that fails and restarts forever.
        assertThatThrownBy(() -> KafkaSinks.cases(options))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Exactly-once delivery to Kafka is not available")
                .hasMessageContaining("Use at-least-once");
        assertThatThrownBy(() -> KafkaSinks.deadLetters(options))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exactlyOnceCasesBecomeVisibleOnCheckpoint(EmbeddedKafka kafka) throws Exception {
        assumeTrue(KafkaSinks.exactlyOnceAvailable(), "the Kafka connector's transactions do not work with this client");
        String topic = KafkaExtension.uniqueTopic("cases");
        kafka.createTopics(2, topic);
        KafkaOptions options = KafkaOptions.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .casesTopic(topic)
                .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .transactionalIdPrefix(KafkaExtension.uniqueTopic("vigil-it"))
                .build();
        List<PumCase> cases = cases(30);

        StreamExecutionEnvironment env = environment();
        // Transactions commit on checkpoints; the bounded job's final checkpoint commits the last one.
        env.enableCheckpointing(200);
        env.fromData(cases).sinkTo(KafkaSinks.cases(options)).name("cases to kafka");
        env.execute("kafka exactly-once cases sink test");

        assertKeyedByCaseId(readCases(topic, cases.size()), cases);
    }

    @Test
    void deadLettersAreWrittenKeyedByOrigin(EmbeddedKafka kafka) throws Exception {
        String topic = KafkaExtension.uniqueTopic("dlq");
        kafka.createTopics(2, topic);
        KafkaOptions options = KafkaOptions.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .deadLetterTopic(topic)
                .build();
        List<DeadLetter> letters = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            letters.add(DeadLetter.newBuilder()
                    .setOrigin("pum.events/" + (i % 2) + "/" + i)
                    .setFormat("avro")
                    .setReason("Not a PrivilegedEvent in Avro single-object encoding: bad magic")
                    .setPayload(ByteBuffer.wrap(("garbage-" + i).getBytes(StandardCharsets.UTF_8)))
                    .setReceivedAt(1_767_225_600_000L + i)
                    .build());
        }

        StreamExecutionEnvironment env = environment();
        env.fromData(letters).sinkTo(KafkaSinks.deadLetters(options)).name("dead letters to kafka");
        env.execute("kafka dead-letter sink test");

        List<ConsumerRecord<String, DeadLetter>> records = KafkaExtension.consume(topic, new StringDeserializer(),
                new AvroSingleObjectDeserializer<>(DeadLetter.class), letters.size(), DEADLINE);
        assertThat(records).hasSize(letters.size());
        assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().getOrigin()));
        assertThat(records).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(letters);
    }

    private static List<ConsumerRecord<String, PumCase>> readCases(String topic, int expected) {
        return KafkaExtension.consume(topic, new StringDeserializer(),
                new AvroSingleObjectDeserializer<>(PumCase.class), expected, DEADLINE);
    }

    private static void assertKeyedByCaseId(List<ConsumerRecord<String, PumCase>> records, List<PumCase> cases) {
        assertThat(records).hasSize(cases.size());
        assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().getCaseId()));
        Map<String, PumCase> byKey = records.stream()
                .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
        assertThat(byKey).isEqualTo(cases.stream().collect(Collectors.toMap(PumCase::getCaseId, Function.identity())));
        // Kafka partitions by key: a case's updates stay in order in one partition.
        assertThat(records.stream().map(ConsumerRecord::partition).distinct().count()).isGreaterThan(1);
    }

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return env;
    }

    private static List<PumCase> cases(int count) {
        List<PumCase> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long openedAt = 1_767_225_600_000L + i * 60_000L;
            cases.add(PumCase.newBuilder()
                    .setCaseId("case-" + i)
                    .setPrincipal(new Principal("user-" + (i % 7), PrincipalKind.HUMAN, "10.0.0." + i))
                    .setStatus(CaseStatus.OPEN)
                    .setRiskScore(40 + i % 60)
                    .setSeverity(i % 3 == 0 ? Severity.HIGH : Severity.MEDIUM)
                    .setOpenedAt(openedAt)
                    .setUpdatedAt(openedAt + 5_000L)
                    .setFindings(List.of(CaseFinding.newBuilder()
                            .setFindingId("PUM-001-" + i)
                            .setRuleId("PUM-001")
                            .setRuleName("privileged session with no grant")
                            .setSeverity(Severity.HIGH)
                            .setScore(70)
                            .setEventTime(openedAt)
                            .setEventIds(List.of("evt-" + i))
                            .setExplanation("session s-" + i + " on db-prod-1 had no covering grant")
                            .build()))
                    .setRuleIds(List.of("PUM-001"))
                    .setSessionIds(List.of("s-" + i))
                    .setScoreBreakdown(List.of(new ScoreTerm("rule PUM-001", 70.0, "base score")))
                    .setSummary("alice opened an ungranted session on db-prod-1")
                    .build());
        }
        return cases;
    }
}
