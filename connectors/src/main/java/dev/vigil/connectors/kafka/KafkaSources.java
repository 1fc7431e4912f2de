package dev.vigil.connectors.kafka;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import dev.vigil.connectors.RawRecord;

/** The Kafka sources of Vigil's jobs, built from {@link KafkaOptions}. */
public final class KafkaSources {

    /** The format name of control topic records (JSON control messages). */
    public static final String CONTROL_FORMAT = "control";

    private KafkaSources() {}

    /**
     * Reads a topic as {@link RawRecord}s: payload bytes unparsed, origin {@code topic/partition/offset}, and the
     * given format name ({@code avro} for canonical events in Avro single-object encoding), so the graph parses
     * them and dead-letters what it cannot read.
     *
     * @param bounded {@code false} to follow the topic forever (the job); {@code true} to stop at the offsets that
     *     were the latest when the source started (tests, benchmarks)
     */
    public static KafkaSource<RawRecord> rawEvents(KafkaOptions options, String topic, String format, boolean bounded) {
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder()
                // Upstream producers may write in transactions; never hand the graph records of aborted ones.
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setProperties(options.clientProperties())
                .setBootstrapServers(options.bootstrapServers())
                .setTopics(topic)
                .setGroupId(options.groupId())
                // Distinct client ids per source keep their metrics apart when a job reads several topics.
                .setClientIdPrefix(options.groupId() + "-" + topic)
                .setStartingOffsets(startingOffsets(options.startingOffsets()))
                .setDeserializer(new KafkaRawRecordDeserializer(format));
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * Reads the control topic as {@link RawRecord}s of format {@link #CONTROL_FORMAT}, from its earliest record:
     * the newest version of each kind is what a job started without a checkpoint must run, whatever the
     * configured starting offsets. A job restored from a checkpoint resumes where it was.
     *
     * @param bounded {@code true} to stop at the offsets that were the latest when the source started (tests)
     */
    public static KafkaSource<RawRecord> control(KafkaOptions options, boolean bounded) {
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder()
                .setProperties(ControlTopic.consumerProperties())
                .setProperties(options.clientProperties())
                .setBootstrapServers(options.bootstrapServers())
                .setTopics(options.controlTopic())
                .setGroupId(options.groupId())
                .setClientIdPrefix(options.groupId() + "-" + options.controlTopic())
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new KafkaRawRecordDeserializer(CONTROL_FORMAT));
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    @SuppressWarnings("deprecation") // The connector's OffsetsInitializer API still takes Kafka's OffsetResetStrategy.
    static OffsetsInitializer startingOffsets(KafkaOptions.StartingOffsets startingOffsets) {
        return switch (startingOffsets) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
    }
}
