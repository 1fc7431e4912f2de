package dev.vigil.connectors.kafka;

import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.kafka.AvroSingleObjectSerializer;

/**
 * Publishes canonical events to a Kafka topic the way Vigil's sources expect them: Avro single-object values keyed
 * by principal id, so one principal's events stay in one partition, in order. The demo's traffic generator and the
 * tests use it; raw bytes can be published too, to feed the job input it must reject.
 *
 * <p>Sends are asynchronous. A failed send is not lost silently: {@link #flush()} (and the next send) throws it.
 */
public final class EventPublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final AvroSingleObjectSerializer<PrivilegedEvent> serializer = new AvroSingleObjectSerializer<>();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final Callback onCompletion = this::onCompletion;

    /** A publisher to the events topic of {@code options}. */
    public EventPublisher(KafkaOptions options) {
        this(options, options.eventsTopic());
    }

    public EventPublisher(KafkaOptions options, String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
        Properties props = new Properties();
        // Throughput over latency: the demo and benchmarks publish in bursts of many small records.
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        // Without idempotence the broker keeps no per-producer sequence that a retry under load can trip over
        // (OutOfOrderSequenceException); one request in flight keeps per-partition order, and a rare duplicate
        // from a retry is harmless because the job deduplicates by event id.
        props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.setProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.putAll(options.clientProperties());
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** The topic this publisher writes to. */
    public String topic() {
        return topic;
    }

    /** Sends one event, keyed by its principal id. */
    public Future<RecordMetadata> publish(PrivilegedEvent event) {
        Objects.requireNonNull(event, "event");
        return send(event.getPrincipal().getId(), serializer.serialize(topic, event));
    }

    /** Sends bytes as they are, e.g. input the job must dead-letter; {@code key} may be {@code null}. */
    public Future<RecordMetadata> publishRaw(String key, byte[] payload) {
        return send(key, payload);
    }

    /** Blocks until every record sent so far is acknowledged; throws if any of them failed. */
    public void flush() {
        producer.flush();
        throwIfFailed();
    }

    /** Records the brokers have acknowledged so far. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Flushes, then closes the producer; throws if a send failed. */
    @Override
    public void close() {
        try {
            flush();
        } finally {
            producer.close();
        }
    }

    private Future<RecordMetadata> send(String key, byte[] payload) {
        throwIfFailed();
        return producer.send(new ProducerRecord<>(topic, key, payload), onCompletion);
    }

    private void onCompletion(RecordMetadata metadata, Exception failure) {
        if (failure == null) {
            acknowledged.incrementAndGet();
        } else {
            firstFailure.compareAndSet(null, failure);
        }
    }

    private void throwIfFailed() {
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new IllegalStateException("Publishing to " + topic + " failed: " + failure, failure);
        }
    }
}
