package dev.vigil.connectors.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts its own brokers (not the shared one of {@code KafkaExtension}): start, restart and close are under test. */
class EmbeddedKafkaIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void carriesTenThousandRecordsAndCleansUpOnClose() throws Exception {
        Path logDir;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            logDir = kafka.logDir();
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            kafka.createTopics(3, "embedded-roundtrip");

            produce(kafka.bootstrapServers(), "embedded-roundtrip", 0, 10_000);
            List<ConsumerRecord<String, String>> records = consume(kafka.bootstrapServers(), "embedded-roundtrip", 10_000);

            assertThat(records).hasSize(10_000);
            assertThat(records).extracting(ConsumerRecord::value).doesNotHaveDuplicates()
                    .contains("value-0", "value-9999");
            assertThat(records).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
            assertThat(records).allSatisfy(r -> assertThat(r.value()).isEqualTo("value-" + r.key().substring(4)));
        }
        assertThat(logDir).doesNotExist();
    }

    @Test
    void createTopicsIsIdempotent() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, "twice");
            kafka.createTopics(2, "twice");

            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
                TopicDescription description = admin.describeTopics(List.of("twice")).allTopicNames().get().get("twice");
                assertThat(description.partitions()).hasSize(2);
            }
        }
    }

    @Test
    void givenLogDirKeepsRecordsAcrossRestarts(@TempDir Path dir) throws Exception {
        Path logDir = dir.resolve("kafka");
        try (EmbeddedKafka first = EmbeddedKafka.start(logDir)) {
            first.createTopics(1, "kept");
            produce(first.bootstrapServers(), "kept", 0, 100);
        }
        assertThat(logDir.resolve("meta.properties")).exists();

        try (EmbeddedKafka second = EmbeddedKafka.start(logDir)) {
            List<ConsumerRecord<String, String>> records = consume(second.bootstrapServers(), "kept", 100);
            assertThat(records).extracting(ConsumerRecord::value)
                    .containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(i -> "value-" + i).toList());
        }
        assertThat(Files.isDirectory(logDir)).isTrue();
    }

    private static void produce(String bootstrap, String topic, int from, int to) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = from; i < to; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)));
            }
            producer.flush();
            for (Future<RecordMetadata> future : sent) {
                future.get();
            }
        }
    }

    private static List<ConsumerRecord<String, String>> consume(String bootstrap, String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "embedded-it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
