package dev.vigil.connectors.kafka;

import dev.vigil.connectors.control.ControlMessage;
import dev.vigil.connectors.control.ControlMessageCodec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The control topic: one partition, so every job task sees versions in the order they were published; compacted by
 * kind, so a job started afresh reads little more than the newest version of each; records up to
 * {@link #MAX_MESSAGE_BYTES}, room for an anomaly model (about 1.5 MB) as well as a rule pack (tens of KB).
 */
public final class ControlTopic {
    /** Largest control record the topic, the publisher and the job's source accept: 8 MiB. */
    public static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
    private static final long TIMEOUT_SECONDS = 30;

    private ControlTopic() {}

    /**
     * Creates the control topic of {@code options} if it does not exist. An existing topic is left as it is:
     * its operator may have set {@code max.message.bytes} on purpose (see docs/operator.md).
     */
    public static void ensureExists(KafkaOptions options) {
        try (Admin admin = Admin.create(options.clientProperties())) {
            NewTopic topic = new NewTopic(options.controlTopic(), Optional.of(1), Optional.empty()).configs(Map.of(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_MESSAGE_BYTES),
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create control topic " + options.controlTopic() + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + options.bootstrapServers() + " did not answer within "
                    + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + options.controlTopic(), e);
        }
    }

    /**
     * Publishes one control message, keyed by its kind, and waits for the brokers to acknowledge it.
     *
     * @return where it was written
     */
    public static RecordMetadata publish(KafkaOptions options, ControlMessage message) {
        byte[] value = ControlMessageCodec.encode(message);
        if (value.length > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException(message.describe() + " is " + value.length
                    + " bytes encoded; the control topic takes at most " + MAX_MESSAGE_BYTES);
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(options),
                new StringSerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(options.controlTopic(), message.kind.name(), value))
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish to " + options.controlTopic() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + options.bootstrapServers() + " did not acknowledge within "
                    + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + options.controlTopic(), e);
        }
    }

    static Properties producerProperties(KafkaOptions options) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        // A request carries one control record, which may be a whole model.
        props.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_MESSAGE_BYTES));
        props.setProperty(ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(4 * MAX_MESSAGE_BYTES));
        props.putAll(options.clientProperties());
        return props;
    }

    /** What a consumer of the control topic needs on top of the common client properties. */
    static Properties consumerProperties() {
        Properties props = new Properties();
        // Kafka returns an oversize first record anyway, but only one per fetch; these let a model through at once.
        props.setProperty(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(MAX_MESSAGE_BYTES));
        props.setProperty(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(MAX_MESSAGE_BYTES));
        return props;
    }
}
