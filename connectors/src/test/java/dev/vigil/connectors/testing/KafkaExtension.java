package dev.vigil.connectors.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import dev.vigil.connectors.kafka.embedded.EmbeddedKafka;

/**
 * Gives tests a real Kafka broker: one {@link EmbeddedKafka} per JVM, started on first use and stopped when the JVM
 * exits, because a broker start costs a second or more and every test class can share it. Tests keep apart by
 * using their own topics ({@link #uniqueTopic(String)}) and consumer groups.
 *
 * <pre>{@code
 * @ExtendWith(KafkaExtension.class)
 * class MyIT {
 *     @Test
 *     void test(EmbeddedKafka kafka) {
 *         String topic = KafkaExtension.uniqueTopic("events");
 *         kafka.createTopics(2, topic);
 *         ... kafka.bootstrapServers() ...
 *     }
 * }
 * }</pre>
 */
public final class KafkaExtension implements BeforeAllCallback, ParameterResolver {

    private static EmbeddedKafka kafka;

    /** The shared broker, started by the first caller. */
    public static synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            EmbeddedKafka started = EmbeddedKafka.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "embedded-kafka-shutdown"));
            kafka = started;
        }
        return kafka;
    }

    /** The shared broker's address, {@code 127.0.0.1:port}. */
    public static String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /** A topic name no other test uses, e.g. {@code events-3f2a9c1e}. */
    public static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Reads {@code topic} from the beginning until at least {@code expected} records arrived and the end of every
     * partition is reached (so duplicates show), or until {@code timeout} passed, and returns what arrived: a test
     * asserts on the records instead of hanging. Reads committed records only, as a downstream consumer of an
     * exactly-once sink would.
     */
    public static <K, V> List<ConsumerRecord<K, V>> consume(String topic, Deserializer<K> keys, Deserializer<V> values,
            int expected, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, uniqueTopic("reader"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            consumer.subscribe(List.of(topic));
            while ((records.size() < expected || !atEnd(consumer)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static boolean atEnd(KafkaConsumer<?, ?> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return false;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
        return assigned.stream().allMatch(partition -> consumer.position(partition) >= ends.get(partition));
    }

    /** Starts the broker before the test class runs, so its first test is not the one timed for the start. */
    @Override
    public void beforeAll(ExtensionContext context) {
        kafka();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return kafka();
    }
}
