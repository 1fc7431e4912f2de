package dev.vigil.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.connectors.elasticsearch.ElasticsearchOptions;
import dev.vigil.connectors.elasticsearch.IndexTemplates;
import dev.vigil.connectors.kafka.EventPublisher;
import dev.vigil.connectors.kafka.KafkaOptions;
import dev.vigil.connectors.kafka.embedded.EmbeddedKafka;
import dev.vigil.connectors.testing.ElasticsearchExtension;
import dev.vigil.connectors.testing.KafkaExtension;
import dev.vigil.jobs.graph.DetectionOptions;
import dev.vigil.jobs.replay.ReplayJob;
import dev.vigil.jobs.runtime.LocalFlink;
import dev.vigil.jobs.stream.Preflight;
import dev.vigil.jobs.stream.StreamingJob;
import dev.vigil.jobs.synthetic.CanonicalExport;
import dev.vigil.jobs.synthetic.SyntheticTraffic;
import dev.vigil.jobs.synthetic.TrafficProfile;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.schema.json.CanonicalJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same canonical events once through {@code vigil replay} (files in, NDJSON out) and once through the production
 * job (real Kafka in, real Elasticsearch out): the same findings, the same case and evidence ids, and case and
 * evidence documents equal field by field.
 */
@ExtendWith(KafkaExtension.class)
class ReplayStreamingParityIT {
    @RegisterExtension
    static final ElasticsearchExtension ES = new ElasticsearchExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String prefix = "vigil-parity-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    @TempDir
    Path dir;

    @AfterEach
    void dropIndices() throws IOException {
        ES.deleteIndices(prefix + "*");
        for (String index : IndexTemplates.INDICES) {
            String name = IndexTemplates.templateName(prefix, index);
            ES.client().indices().deleteIndexTemplate(d -> d.name(name));
        }
    }

    @Test
    void streamingIntoElasticsearchGivesTheRecordsReplayWrites(EmbeddedKafka kafkaServer) throws Exception {
        TrafficProfile profile = TrafficProfile.builder().attackRate(0.2).build();
        Path events = dir.resolve("events.ndjson");
        CanonicalExport export = SyntheticTraffic.writeCanonical(events, dir.resolve("truth.json"), 23, profile, 2, 2500);

        // Replay: files in, NDJSON out.
        Path out = dir.resolve("out");
        ReplayJob.run(new ReplayJob.Request(List.of(events), "canonical", out, RulePack.builtIn(), 2, null));
        Map<String, JsonNode> replayCases = byId(out.resolve(ReplayJob.CASES), "case_id");
        Map<String, JsonNode> replayEvidence = byId(out.resolve(ReplayJob.EVIDENCE), "evidence_id");
        Map<String, JsonNode> replayFindings = byId(out.resolve(ReplayJob.FINDINGS), "finding_id");
        assertThat(replayFindings.values()).extracting(f -> f.get("rule_id").asText()).contains("PUM-001", "PUM-002", "PUM-003");
        assertThat(replayCases).hasSizeGreaterThanOrEqualTo(5);

        // Streaming: the same events published to Kafka as Avro, keyed by principal, in the file's order.
        String run = UUID.randomUUID().toString().substring(0, 8);
        KafkaOptions kafka = KafkaOptions.builder()
                .bootstrapServers(kafkaServer.bootstrapServers())
                .groupId("parity-" + run)
                .startingOffsets(KafkaOptions.StartingOffsets.EARLIEST)
                .eventsTopic("parity-events-" + run)
                .casesTopic("parity-cases-" + run)
                .deadLetterTopic("parity-dlq-" + run)
                .build();
        kafkaServer.createTopics(2, kafka.eventsTopic(), kafka.casesTopic(), kafka.deadLetterTopic());
        try (EventPublisher publisher = new EventPublisher(kafka)) {
            for (String line : Files.readAllLines(events)) {
                publisher.publish(CanonicalJson.parse(line));
            }
        }
        ElasticsearchOptions es = ES.options().toBuilder().indexPrefix(prefix).flushIntervalMs(200).build();
        Preflight.elasticsearch(es);
        DetectionOptions detection = DetectionOptions.defaults();
        detection.outOfOrderness = Duration.ofMinutes(1);
        StreamExecutionEnvironment env = LocalFlink.environment(2, -1);
        StreamingJob.define(env, new StreamingJob.Settings(kafka, es, detection, RulePack.builtIn(), true));
        env.execute("parity streaming job");

        ES.refresh(es.index("cases"), es.index("evidence"), es.index("findings"));
        Map<String, JsonNode> indexedCases = documents(es.index("cases"));
        Map<String, JsonNode> indexedEvidence = documents(es.index("evidence"));
        Map<String, JsonNode> indexedFindings = documents(es.index("findings"));

        assertThat(indexedFindings.keySet()).isEqualTo(replayFindings.keySet());
        assertThat(indexedCases.keySet()).isEqualTo(replayCases.keySet());
        assertThat(indexedEvidence.keySet()).isEqualTo(replayEvidence.keySet());
        assertThat(differences(replayCases, indexedCases)).as("case fields that differ").isEmpty();
        assertThat(differences(replayEvidence, indexedEvidence)).as("evidence fields that differ").isEmpty();
        assertThat(differences(replayFindings, indexedFindings)).as("finding fields that differ").isEmpty();

        // Downstream systems on the cases topic see the same case ids (each version keyed by its id).
        List<ConsumerRecord<String, byte[]>> published = KafkaExtension.consume(kafka.casesTopic(),
                new StringDeserializer(), new ByteArrayDeserializer(), replayCases.size(), Duration.ofSeconds(30));
        Set<String> publishedIds = published.stream().map(ConsumerRecord::key).collect(Collectors.toCollection(TreeSet::new));
        assertThat(publishedIds).isEqualTo(replayCases.keySet());
        System.out.printf("parity over %d events: %d findings, %d cases, %d evidence records%n",
                export.events(), replayFindings.size(), replayCases.size(), replayEvidence.size());
    }

    /** Every field path whose value differs between the two sides, for each id, e.g. {@code c-1: risk_score}. */
    private static List<String> differences(Map<String, JsonNode> expected, Map<String, JsonNode> actual) {
        List<String> diffs = new ArrayList<>();
        expected.forEach((id, doc) -> {
            JsonNode other = actual.get(id);
            if (other != null) {
                diff(id + ": ", doc, other, diffs);
            }
        });
        return diffs;
    }

    private static void diff(String path, JsonNode a, JsonNode b, List<String> diffs) {
        if (a.isObject() && b.isObject()) {
            Set<String> fields = new TreeSet<>();
            a.fieldNames().forEachRemaining(fields::add);
            b.fieldNames().forEachRemaining(fields::add);
            for (String f : fields) {
                JsonNode x = a.get(f);
                JsonNode y = b.get(f);
                if (x == null || y == null) {
                    diffs.add(path + f + " only on " + (x == null ? "the index" : "the replay"));
                } else {
                    diff(path + f + ".", x, y, diffs);
                }
            }
        } else if (!a.equals(b)) {
            diffs.add(path.substring(0, path.length() - 1) + ": " + a + " != " + b);
        }
    }

    private static Map<String, JsonNode> byId(Path ndjson, String idField) throws IOException {
        Map<String, JsonNode> docs = new TreeMap<>();
        for (String line : Files.readAllLines(ndjson)) {
            JsonNode doc = JSON.readTree(line);
            assertThat(docs.put(doc.get(idField).asText(), doc)).as("one line per id in %s", ndjson).isNull();
        }
        return docs;
    }

    /** Every document of an index, by id, as stored. */
    private static Map<String, JsonNode> documents(String index) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(ES.url() + "/" + index + "/_search?size=10000&track_total_hits=true"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":{\"match_all\":{}}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode hits = JSON.readTree(response.body()).path("hits");
        assertThat(hits.path("total").path("value").asLong()).isLessThan(10000);
        Map<String, JsonNode> docs = new TreeMap<>();
        for (Iterator<JsonNode> it = hits.path("hits").elements(); it.hasNext(); ) {
            JsonNode hit = it.next();
            docs.put(hit.get("_id").asText(), hit.get("_source"));
        }
        return docs;
    }
}
