package dev.vigil.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.elasticsearch.ElasticsearchOptions;
import dev.vigil.connectors.identity.IdentityResolver;
import dev.vigil.connectors.identity.PrincipalDirectory;
import dev.vigil.connectors.kafka.EventPublisher;
import dev.vigil.connectors.kafka.KafkaOptions;
import dev.vigil.connectors.kafka.embedded.EmbeddedKafka;
import dev.vigil.connectors.testing.KafkaExtension;
import dev.vigil.jobs.graph.DetectionGraph;
import dev.vigil.jobs.graph.DetectionOptions;
import dev.vigil.jobs.graph.DetectionStreams;
import dev.vigil.jobs.ingest.IngestReport;
import dev.vigil.jobs.ingest.IngestReport.FormatCount;
import dev.vigil.jobs.runtime.LocalFlink;
import dev.vigil.jobs.stream.StreamingJob;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.schema.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code vigil run} with a raw product topic ({@code kafka.topic.raw.<format>}): its records reach the same graph
 * beside the Avro events topic, are normalized by their format's normalizer, resolved through the principal
 * directory, and dead-lettered with their topic/partition/offset when unreadable.
 */
@ExtendWith(KafkaExtension.class)
class RawTopicsIT {
    private static String canonical(String id, String principal) {
        return "{\"event_id\":\"" + id + "\",\"event_time\":\"2026-03-10T09:10:00Z\",\"source\":\"teleport\",\"type\":\"SESSION\","
                + "\"principal\":{\"id\":\"" + principal + "\",\"kind\":\"HUMAN\"},\"action\":\"START\",\"session_id\":\"s-" + id
                + "\",\"target\":\"db-1\",\"account\":\"root\",\"protocol\":\"ssh\",\"interactive\":true,\"recorded\":true}";
    }

    @Test
    void aRawProductTopicFeedsTheSameGraphThroughItsNormalizer(EmbeddedKafka kafkaServer) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        KafkaOptions kafka = KafkaOptions.builder()
                .bootstrapServers(kafkaServer.bootstrapServers())
                .groupId("raw-" + run)
                .startingOffsets(KafkaOptions.StartingOffsets.EARLIEST)
                .eventsTopic("raw-events-" + run)
                .rawTopic("canonical", "raw-json-" + run)
                .build();
        kafkaServer.createTopics(1, kafka.eventsTopic(), "raw-json-" + run);
        try (EventPublisher avro = new EventPublisher(kafka)) {
            avro.publish(CanonicalJson.parse(canonical("a-1", "teleport:alice")));
        }
        try (EventPublisher json = new EventPublisher(kafka, "raw-json-" + run)) {
            json.publishRaw("k", canonical("j-1", "teleport:alice").getBytes(StandardCharsets.UTF_8));
            json.publishRaw("k", canonical("j-2", "teleport:carol").getBytes(StandardCharsets.UTF_8));
            json.publishRaw("k", "{\"event_id\": \"j-3\", ".getBytes(StandardCharsets.UTF_8));
        }

        DetectionOptions detection = DetectionOptions.forReplay();
        detection.identities = new IdentityResolver(PrincipalDirectory.load(Path.of("..", "docs", "examples", "identities.yaml")));
        StreamingJob.Settings settings = new StreamingJob.Settings(kafka, ElasticsearchOptions.builder().build(), detection,
                RulePack.builtIn(), true);
        StreamExecutionEnvironment env = LocalFlink.environment(2, -1);
        DataStream<RawRecord> raw = StreamingJob.source(env, settings);
        DetectionStreams streams = DetectionGraph.build(raw, RulePack.builtIn(), detection);
        DataStream<String> seen = streams.labelled()
                .map(l -> "event " + l.getEvent().getEventId() + " " + l.getEvent().getPrincipal().getId() + " alias="
                        + l.getEvent().getPrincipalAlias())
                .union(streams.deadLetters().map(d -> "dead " + d.getFormat() + " " + d.getOrigin()));
        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it = seen.collectAsync()) {
            JobClient job = env.executeAsync("raw topics");
            it.forEachRemaining(out::add);
            IngestReport report = IngestReport.from(job.getJobExecutionResult().get().getAllAccumulatorResults());
            assertThat(report.formats().get("avro")).isEqualTo(new FormatCount(1, 1, 0, 0));
            assertThat(report.formats().get("canonical")).isEqualTo(new FormatCount(3, 2, 0, 1));
            assertThat(report.resolved()).isEqualTo(2);
            assertThat(report.unresolved()).isEqualTo(1);
        }
        assertThat(out).containsExactlyInAnyOrder(
                "event a-1 alice alias=teleport:alice",
                "event j-1 alice alias=teleport:alice",
                "event j-2 teleport:carol alias=null",
                "dead canonical raw-json-" + run + "/0/2");
    }
}
