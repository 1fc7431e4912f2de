package dev.vigil.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.kafka.embedded.EmbeddedKafka;
import dev.vigil.connectors.testing.KafkaExtension;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.kafka.AvroSingleObjectDeserializer;

@ExtendWith(KafkaExtension.class)
class KafkaSourcesIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void everyRecordArrivesUnparsedWithItsOrigin(EmbeddedKafka kafka) throws Exception {
        String topic = KafkaExtension.uniqueTopic("events");
        kafka.createTopics(2, topic);
        KafkaOptions options = options(kafka);

        List<RawRecord> expected = new ArrayList<>();
        List<PrivilegedEvent> events = new ArrayList<>();
        try (EventPublisher publisher = new EventPublisher(options, topic)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            List<byte[]> payloads = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                PrivilegedEvent event = command(i);
                events.add(event);
                sent.add(publisher.publish(event));
                payloads.add(PrivilegedEvent.getEncoder().encode(event).array());
            }
            byte[] valid = payloads.get(0);
            List<byte[]> garbage = List.of(
                    "{\"event_id\": \"not avro\"}".getBytes(StandardCharsets.UTF_8),
                    new byte[0],
                    Arrays.copyOf(valid, valid.length / 2),
                    new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9});
            for (byte[] bad : garbage) {
                sent.add(publisher.publishRaw("garbage", bad));
                payloads.add(bad);
            }
            publisher.flush();
            for (int i = 0; i < sent.size(); i++) {
                RecordMetadata metadata = sent.get(i).get();
                expected.add(new RawRecord(topic + "/" + metadata.partition() + "/" + metadata.offset(), "avro",
                        payloads.get(i)));
            }
        }

        List<RawRecord> received = runBounded(KafkaSources.rawEvents(options, topic, "avro", true));

        assertThat(received).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(received).extracting(r -> r.origin.split("/")[1]).containsOnly("0", "1");
        // The Avro records among them are the published events, byte for byte readable again.
        Map<String, RawRecord> byOrigin = received.stream().collect(Collectors.toMap(r -> r.origin, r -> r));
        AvroSingleObjectDeserializer<PrivilegedEvent> reader = new AvroSingleObjectDeserializer<>(PrivilegedEvent.class);
        for (int i = 0; i < events.size(); i++) {
            assertThat(reader.decode(byOrigin.get(expected.get(i).origin).payload)).isEqualTo(events.get(i));
        }
    }

    @Test
    void latestStartsAfterWhatIsAlreadyThere(EmbeddedKafka kafka) throws Exception {
        String topic = KafkaExtension.uniqueTopic("events");
        kafka.createTopics(2, topic);
        KafkaOptions options = options(kafka).toBuilder().startingOffsets(KafkaOptions.StartingOffsets.LATEST).build();
        try (EventPublisher publisher = new EventPublisher(options, topic)) {
            for (int i = 0; i < 20; i++) {
                publisher.publish(command(i));
            }
        }

        assertThat(runBounded(KafkaSources.rawEvents(options, topic, "avro", true))).isEmpty();
    }

    @Test
    void committedResumesTheGroupAndStartsEarliestWhereItHasNoOffset(EmbeddedKafka kafka) throws Exception {
        String topic = KafkaExtension.uniqueTopic("events");
        kafka.createTopics(2, topic);
        KafkaOptions options = options(kafka);
        List<RecordMetadata> written = new ArrayList<>();
        try (EventPublisher publisher = new EventPublisher(options, topic)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                sent.add(publisher.publishRaw("key-" + i, ("record-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            publisher.flush();
            for (Future<RecordMetadata> future : sent) {
                written.add(future.get());
            }
        }
        assertThat(written).extracting(RecordMetadata::partition).contains(0, 1);
        // The group already consumed partition 0 up to offset 10; partition 1 it never read.
        commit(kafka, options.groupId(), new TopicPartition(topic, 0), 10);

        List<RawRecord> received = runBounded(KafkaSources.rawEvents(options, topic, "canonical", true));

        List<String> expectedOrigins = written.stream()
                .filter(m -> m.partition() == 1 || m.offset() >= 10)
                .map(m -> topic + "/" + m.partition() + "/" + m.offset())
                .toList();
        assertThat(received).extracting(r -> r.origin).containsExactlyInAnyOrderElementsOf(expectedOrigins);
        assertThat(received).allSatisfy(r -> assertThat(r.format).isEqualTo("canonical"));
    }

    @Test
    void aCheckpointedRunCommitsItsOffsetsSoTheNextRunResumes(EmbeddedKafka kafka) throws Exception {
        String topic = KafkaExtension.uniqueTopic("events");
        kafka.createTopics(2, topic);
        KafkaOptions options = options(kafka);
        try (EventPublisher publisher = new EventPublisher(options, topic)) {
            for (int i = 0; i < 50; i++) {
                publisher.publish(command(i));
            }
        }
        readUntilCommitted(kafka, options, topic, 50);

        List<PrivilegedEvent> later = new ArrayList<>();
        try (EventPublisher publisher = new EventPublisher(options, topic)) {
            for (int i = 50; i < 70; i++) {
                later.add(command(i));
                publisher.publish(later.get(later.size() - 1));
            }
        }
        List<RawRecord> resumed = runBounded(KafkaSources.rawEvents(options, topic, "avro", true), true);

        AvroSingleObjectDeserializer<PrivilegedEvent> reader = new AvroSingleObjectDeserializer<>(PrivilegedEvent.class);
        assertThat(resumed).extracting(r -> reader.decode(r.payload)).containsExactlyInAnyOrderElementsOf(later);
    }

    @Test
    void unboundedSourceFollowsTheTopic(EmbeddedKafka kafka) {
        KafkaOptions options = options(kafka);

        assertThat(KafkaSources.rawEvents(options, "any", "avro", false).getBoundedness())
                .isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(KafkaSources.rawEvents(options, "any", "avro", true).getBoundedness())
                .isEqualTo(Boundedness.BOUNDED);
    }

    private static List<RawRecord> runBounded(KafkaSource<RawRecord> source) throws Exception {
        return runBounded(source, false);
    }

    private static List<RawRecord> runBounded(KafkaSource<RawRecord> source, boolean checkpointed) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        if (checkpointed) {
            // The source commits the group's offsets when a checkpoint completes, the last one included.
            env.enableCheckpointing(200);
        }
        List<RawRecord> received = new ArrayList<>();
        try (CloseableIterator<RawRecord> records = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "kafka raw events")
                .executeAndCollect("kafka source test")) {
            records.forEachRemaining(received::add);
        }
        return received;
    }

    /**
     * Runs the source (unbounded, checkpointing) until it has read {@code count} records and a checkpoint has
     * committed all of them to the group, then cancels it. A bounded run cannot show this reliably: a reader that
     * finishes before the next checkpoint never commits.
     */
    private static void readUntilCommitted(EmbeddedKafka kafka, KafkaOptions options, String topic, int count)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
        try (CloseableIterator<RawRecord> records = env
                .fromSource(KafkaSources.rawEvents(options, topic, "avro", false), WatermarkStrategy.noWatermarks(),
                        "kafka raw events")
                .executeAndCollect("kafka source commit test");
             KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (int i = 0; i < count; i++) {
                records.next();
            }
            java.util.Set<TopicPartition> partitions = java.util.Set.of(new TopicPartition(topic, 0),
                    new TopicPartition(topic, 1));
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            long committed = 0;
            while (committed < count && System.nanoTime() < deadline) {
                committed = consumer.committed(partitions).values().stream()
                        .mapToLong(o -> o == null ? 0 : o.offset()).sum();
            }
            assertThat(committed).as("offsets committed by checkpoints").isEqualTo(count);
        }
    }

    private static KafkaOptions options(EmbeddedKafka kafka) {
        return KafkaOptions.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .groupId(KafkaExtension.uniqueTopic("group"))
                .build();
    }

    private static void commit(EmbeddedKafka kafka, String group, TopicPartition partition, long offset) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(offset)));
        }
    }

    static PrivilegedEvent command(int i) {
        return PrivilegedEvent.newBuilder()
                .setEventId("evt-" + i)
                .setEventTime(1_767_225_600_000L + i * 1000L)
                .setSource("teleport")
                .setType(EventType.SESSION)
                .setPrincipal(new Principal("user-" + (i % 17), PrincipalKind.HUMAN, null))
                .setAction(Action.COMMAND)
                .setSessionId("s-" + (i % 17))
                .setTarget("host-" + (i % 5))
                .setCommand("ls -la /etc/" + i)
                .build();
    }
}
