package dev.vigil.jobs.stream;

import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.elasticsearch.ElasticsearchOptions;
import dev.vigil.connectors.elasticsearch.ElasticsearchSink;
import dev.vigil.connectors.kafka.KafkaOptions;
import dev.vigil.connectors.kafka.KafkaSinks;
import dev.vigil.connectors.kafka.KafkaSources;
import dev.vigil.connectors.normalize.AvroNormalizer;
import dev.vigil.jobs.graph.DetectionGraph;
import dev.vigil.jobs.graph.DetectionOptions;
import dev.vigil.jobs.graph.DetectionStreams;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.Finding;
import dev.vigil.output.PumCase;
import dev.vigil.rules.pack.RulePack;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The production job: canonical Avro events from Kafka through the detection graph into Elasticsearch
 * ({@code pum-cases}, {@code pum-evidence}, {@code pum-findings}) and Kafka ({@code pum.cases}, {@code pum.dlq}).
 * {@code run} and {@code demo} both define their job here; they differ only in where the servers are.
 */
public final class StreamingJob {
    /**
     * @param boundedInput stop at the topic's end offsets as of the start (demo with a fixed event count, tests);
     *     production reads forever
     */
    public record Settings(KafkaOptions kafka, ElasticsearchOptions elasticsearch, DetectionOptions detection,
                           RulePack pack, boolean boundedInput) {}

    private StreamingJob() {}

    public static DetectionStreams define(StreamExecutionEnvironment env, Settings s) {
        return define(source(env, s), s);
    }

    /**
     * The control topic as raw records when the job follows it ({@code kafka.control.enabled}), else null. Bounded
     * like the events when the events are.
     */
    public static DataStream<RawRecord> controlSource(StreamExecutionEnvironment env, Settings s) {
        if (!s.kafka().controlEnabled()) {
            return null;
        }
        return env.fromSource(KafkaSources.control(s.kafka(), s.boundedInput()), WatermarkStrategy.noWatermarks(),
                        "kafka " + s.kafka().controlTopic())
                .uid("kafka-control-source").setParallelism(1);
    }

    /**
     * The canonical events topic, and every raw product topic configured, as raw records, each with its topic,
     * partition and offset for dead letters.
     */
    public static DataStream<RawRecord> source(StreamExecutionEnvironment env, Settings s) {
        SingleOutputStreamOperator<RawRecord> raw = env.fromSource(
                        KafkaSources.rawEvents(s.kafka(), s.kafka().eventsTopic(), AvroNormalizer.FORMAT, s.boundedInput()),
                        WatermarkStrategy.noWatermarks(), "kafka " + s.kafka().eventsTopic())
                .uid("kafka-source");
        if (s.detection().parallelism > 0) {
            raw.setParallelism(s.detection().parallelism);
        }
        DataStream<RawRecord> all = raw;
        // Raw product topics (kafka.topic.raw.<format>): each record keeps its format, so the graph's parser
        // normalizes it with that product's normalizer, and dead-letters it with that format and reason.
        for (java.util.Map.Entry<String, String> topic : s.kafka().rawTopics().entrySet()) {
            SingleOutputStreamOperator<RawRecord> product = env.fromSource(
                            KafkaSources.rawEvents(s.kafka(), topic.getValue(), topic.getKey(), s.boundedInput()),
                            WatermarkStrategy.noWatermarks(), "kafka " + topic.getValue() + " (" + topic.getKey() + ")")
                    .uid("kafka-source-raw-" + topic.getKey());
            if (s.detection().parallelism > 0) {
                product.setParallelism(s.detection().parallelism);
            }
            all = all.union(product);
        }
        return all;
    }

    /**
     * The detection graph and its sinks over raw records from {@link #source}; tests put their own step in
     * between (a failure, say) and run the production job otherwise unchanged.
     */
    public static DetectionStreams define(DataStream<RawRecord> raw, Settings s) {
        DetectionStreams streams = DetectionGraph.build(raw, s.pack(), s.detection(),
                controlSource(raw.getExecutionEnvironment(), s));
        attachSinks(streams, s.kafka(), s.elasticsearch());
        return streams;
    }

    /** Elasticsearch for the analysts, Kafka for downstream systems; every output keyed by its deterministic id. */
    public static void attachSinks(DetectionStreams streams, KafkaOptions kafka, ElasticsearchOptions es) {
        streams.cases().sinkTo(new ElasticsearchSink<>(es, es.index("cases"), new RecordDocuments<>(PumCase::getCaseId)))
                .name("elasticsearch " + es.index("cases")).uid("cases-elasticsearch");
        streams.evidence().sinkTo(new ElasticsearchSink<>(es, es.index("evidence"),
                        new RecordDocuments<>(EvidenceRecord::getEvidenceId)))
                .name("elasticsearch " + es.index("evidence")).uid("evidence-elasticsearch");
        streams.findings().sinkTo(new ElasticsearchSink<>(es, es.index("findings"),
                        new RecordDocuments<>(Finding::getFindingId)))
                .name("elasticsearch " + es.index("findings")).uid("findings-elasticsearch");
        streams.cases().sinkTo(KafkaSinks.cases(kafka)).name("kafka " + kafka.casesTopic()).uid("cases-kafka");
        streams.deadLetters().sinkTo(KafkaSinks.deadLetters(kafka)).name("kafka " + kafka.deadLetterTopic())
                .uid("dead-letters-kafka");
    }
}
