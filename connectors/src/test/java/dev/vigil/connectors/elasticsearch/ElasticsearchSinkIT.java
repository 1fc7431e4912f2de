package dev.vigil.connectors.elasticsearch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.connectors.testing.ElasticsearchExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.testutils.CommonTestUtils;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.elasticsearch.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink in real Flink jobs (MiniCluster, parallelism 2) against a real Elasticsearch server. */
class ElasticsearchSinkIT {

    @RegisterExtension
    static final ElasticsearchExtension ES = new ElasticsearchExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String[] TEST_INDICES = {
        "pum-sinkit-*", "pum-cases-test", "pum-evidence-test", "pum-findings-test", "pum-cases-sinkit-*"
    };

    /** A document of the test: an id, a version, and a text. */
    public record TestDoc(String id, int version, String summary) {
    }

    /** JSON written by hand with Jackson, as the real output mapper is not part of this module. */
    static final class TestDocSerializer implements DocumentSerializer<TestDoc> {
        private static final long serialVersionUID = 1L;

        @Override
        public String id(TestDoc doc) {
            return doc.id();
        }

        @Override
        public byte[] json(TestDoc doc) {
            ObjectNode node = JSON.createObjectNode()
                    .put("id", doc.id())
                    .put("version", doc.version())
                    .put("summary", doc.summary());
            return node.toString().getBytes(UTF_8);
        }
    }

    /** A document whose JSON the test builds itself. */
    public record RawDoc(String id, String json) {
    }

    static final class RawDocSerializer implements DocumentSerializer<RawDoc> {
        private static final long serialVersionUID = 1L;

        @Override
        public String id(RawDoc doc) {
            return doc.id();
        }

        @Override
        public byte[] json(RawDoc doc) {
            return doc.json().getBytes(UTF_8);
        }
    }

    @AfterEach
    void deleteTestIndicesAndTemplates() throws IOException {
        ES.deleteIndices(TEST_INDICES);
        for (String index : IndexTemplates.INDICES) {
            String template = IndexTemplates.templateName("pum-", index);
            if (ES.client().indices().existsIndexTemplate(e -> e.name(template)).value()) {
                ES.client().indices().deleteIndexTemplate(d -> d.name(template));
            }
        }
    }

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        // A failing sink must fail the job, not restart it for ever.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    @Test
    void keepsExactlyTheLastVersionOfEveryId() throws Exception {
        String index = "pum-sinkit-versions";
        List<TestDoc> docs = new ArrayList<>();
        // Ids 0-299: versions back to back, so they meet in one buffer and only the last is sent.
        for (int i = 0; i < 300; i++) {
            for (int v = 0; v < 3; v++) {
                docs.add(new TestDoc("case-" + i, v, "v" + v));
            }
        }
        // Ids 300-599: each version after all other ids, so versions of one id go out in different bulk requests.
        for (int v = 0; v < 3; v++) {
            for (int i = 300; i < 600; i++) {
                docs.add(new TestDoc("case-" + i, v, "v" + v));
            }
        }
        // No timer: bulks are cut by size only, so how much is deduplicated does not depend on timing.
        ElasticsearchOptions options = ES.options().toBuilder().bulkMaxActions(50).flushIntervalMs(0).build();
        ElasticsearchSink<TestDoc> sink = new ElasticsearchSink<>(options, index, new TestDocSerializer());

        StreamExecutionEnvironment env = env();
        env.fromData(docs).keyBy(TestDoc::id).sinkTo(sink).name("versions-sink");
        JobExecutionResult result = env.execute("keeps the last version");

        ES.refresh(index);
        assertThat(count(index)).isEqualTo(600);
        long notLast = ES.client().count(c -> c.index(index)
                .query(q -> q.bool(b -> b.mustNot(m -> m.term(t -> t.field("version").value(FieldValue.of(2)))))))
                .count();
        assertThat(notLast).as("documents not at their last version").isZero();
        assertThat(source(index, "case-0").path("summary").asText()).isEqualTo("v2");
        assertThat(source(index, "case-599").path("summary").asText()).isEqualTo("v2");

        SinkCounters counters = sink.counters();
        assertThat(counters.failed()).isZero();
        assertThat(counters.retried()).isZero();
        // Two replacements for each of ids 0-299, less the few whose versions a full buffer split.
        assertThat(counters.deduplicated()).as("replaced in the buffer").isBetween(550L, 600L);
        assertThat(counters.written() + counters.deduplicated()).isEqualTo(docs.size());
        assertThat(counters.bulkRequests()).as("bulks of at most 50").isGreaterThanOrEqualTo(600 / 50);
        assertThat(flinkCounterSum(result, ElasticsearchSinkWriter.METRIC_WRITTEN)).isEqualTo(counters.written());
        assertThat(flinkCounterSum(result, ElasticsearchSinkWriter.METRIC_DEDUPLICATED))
                .isEqualTo(counters.deduplicated());
    }

    @Test
    void flushesOnEveryCheckpoint() throws Exception {
        String index = "pum-sinkit-checkpoint";
        // Neither size, nor timer, nor end of input can send these documents: only the checkpoint flush can.
        ElasticsearchOptions options = ES.options().toBuilder()
                .bulkMaxActions(1_000_000).bulkMaxBytes(1L << 30).flushIntervalMs(0).build();
        ElasticsearchSink<TestDoc> sink = new ElasticsearchSink<>(options, index, new TestDocSerializer());
        DataGeneratorSource<TestDoc> endless = new DataGeneratorSource<>(
                n -> new TestDoc("ck-" + n, 1, "checkpointed"), Long.MAX_VALUE,
                RateLimiterStrategy.perCheckpoint(20), TypeInformation.of(TestDoc.class));

        StreamExecutionEnvironment env = env();
        env.enableCheckpointing(200);
        env.fromSource(endless, WatermarkStrategy.noWatermarks(), "endless").keyBy(TestDoc::id).sinkTo(sink);
        JobClient job = env.executeAsync("flush on checkpoint");
        try {
            awaitCount(index, 20);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            assertThat(sink.counters().bulkRequests()).isPositive();
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void flushesWhenTheIntervalHasPassed() throws Exception {
        String index = "pum-sinkit-interval";
        ElasticsearchOptions options = ES.options().toBuilder().bulkMaxActions(1_000_000).flushIntervalMs(200).build();
        ElasticsearchSink<TestDoc> sink = new ElasticsearchSink<>(options, index, new TestDocSerializer());
        DataGeneratorSource<TestDoc> trickle = new DataGeneratorSource<>(
                n -> new TestDoc("tick-" + n, 1, "timed"), Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(20), TypeInformation.of(TestDoc.class));

        StreamExecutionEnvironment env = env();
        env.fromSource(trickle, WatermarkStrategy.noWatermarks(), "trickle").keyBy(TestDoc::id).sinkTo(sink);
        JobClient job = env.executeAsync("flush on interval");
        try {
            // No checkpoints, no size trigger and no end of input: only the timer sends.
            awaitCount(index, 10);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void templatesGiveTheDeclaredTypes() throws Exception {
        IndexTemplates.install(ES.client());
        IndexTemplates.install(ES.client());

        ElasticsearchSink<RawDoc> sink = new ElasticsearchSink<>(ES.options(), "pum-cases-test", new RawDocSerializer());
        StreamExecutionEnvironment env = env();
        env.fromData(new RawDoc("case-42", caseJson("case-42", 87).toString())).sinkTo(sink);
        env.execute("case with templates");
        ES.client().indices().create(c -> c.index("pum-evidence-test"));
        ES.client().indices().create(c -> c.index("pum-findings-test"));

        JsonNode cases = mapping("pum-cases-test");
        assertThat(type(cases, "case_id")).isEqualTo("keyword");
        assertThat(type(cases, "principal.id")).isEqualTo("keyword");
        assertThat(type(cases, "status")).isEqualTo("keyword");
        assertThat(type(cases, "risk_score")).isEqualTo("integer");
        assertThat(type(cases, "opened_at")).isEqualTo("date");
        assertThat(type(cases, "updated_at")).isEqualTo("date");
        assertThat(type(cases, "findings")).isEqualTo("nested");
        assertThat(type(cases, "findings.event_time")).isEqualTo("date");
        assertThat(type(cases, "findings.rule_id")).isEqualTo("keyword");
        assertThat(type(cases, "findings.explanation")).isEqualTo("text");
        assertThat(field(cases, "summary").path("fields").path("keyword").path("type").asText()).isEqualTo("keyword");
        assertThat(type(cases, "anomaly.top_features.contribution")).isEqualTo("double");
        assertThat(type(cases, "score_breakdown.value")).isEqualTo("double");
        // Fields analysts add are mapped too, by the dynamic templates.
        assertThat(type(cases, "closed_at")).isEqualTo("date");
        assertThat(type(cases, "assignee_id")).isEqualTo("keyword");

        JsonNode evidence = mapping("pum-evidence-test");
        assertThat(type(evidence, "request.window_start")).isEqualTo("date");
        assertThat(type(evidence, "request.approved_at")).isEqualTo("date");
        assertThat(type(evidence, "residency.used_ms")).isEqualTo("long");
        assertThat(type(evidence, "behaviour.command")).isEqualTo("text");
        assertThat(type(evidence, "sessions")).isEqualTo("object");
        JsonNode findings = mapping("pum-findings-test");
        assertThat(type(findings, "event_time")).isEqualTo("date");
        assertThat(type(findings, "mitre")).isEqualTo("keyword");

        // ISO-8601 strings are real dates: a range query finds the case, and nested findings query as one.
        ES.refresh("pum-cases-test");
        assertThat(ES.client().count(c -> c.index("pum-cases-test").query(q -> q.range(r -> r.date(d -> d
                .field("opened_at").gte("2026-03-01T09:00:00Z").lt("2026-03-01T10:00:00Z"))))).count()).isEqualTo(1);
        assertThat(ES.client().count(c -> c.index("pum-cases-test").query(q -> q.nested(n -> n.path("findings")
                .query(f -> f.bool(b -> b
                        .must(m -> m.term(t -> t.field("findings.rule_id").value("PUM-009")))
                        .must(m -> m.term(t -> t.field("findings.severity").value("LOW")))))))).count())
                .as("no single finding is PUM-009 and LOW").isZero();
    }

    @Test
    void aDocumentTheMappingRejectsFailsTheJobNamingIndexAndId() throws Exception {
        IndexTemplates.install(ES.client());
        String index = "pum-cases-sinkit-reject";
        ObjectNode bad = caseJson("case-bad", 0).put("risk_score", "very high");
        ElasticsearchSink<RawDoc> sink = new ElasticsearchSink<>(ES.options(), index, new RawDocSerializer());

        StreamExecutionEnvironment env = env();
        env.setParallelism(1);
        env.fromData(new RawDoc("case-ok-1", caseJson("case-ok-1", 10).toString()),
                        new RawDoc("case-bad", bad.toString()),
                        new RawDoc("case-ok-2", caseJson("case-ok-2", 20).toString()))
                .sinkTo(sink);

        assertThatThrownBy(env::execute).satisfies(e -> assertThat(sinkFailure(e))
                .contains("'case-bad'")
                .contains("'" + index + "'")
                .contains("status 400")
                .contains("risk_score")
                .doesNotContain("\n"));
        assertThat(sink.counters().failed()).isEqualTo(1);
        assertThat(sink.counters().retried()).as("a mapping error is not retried").isZero();
        assertThat(sink.counters().written()).isEqualTo(2);
    }

    @Test
    void anUnreachableServerFailsTheJobAfterTheRetries() throws Exception {
        ElasticsearchOptions nowhere = ElasticsearchOptions.builder()
                .hosts("http://127.0.0.1:" + closedPort())
                .maxRetries(2)
                .initialBackoffMs(10)
                .build();
        ElasticsearchSink<TestDoc> sink = new ElasticsearchSink<>(nowhere, "pum-sinkit-nowhere", new TestDocSerializer());

        StreamExecutionEnvironment env = env();
        env.setParallelism(1);
        env.fromData(new TestDoc("case-1", 1, "a"), new TestDoc("case-2", 1, "b")).sinkTo(sink);

        assertThatThrownBy(env::execute).satisfies(e -> assertThat(sinkFailure(e))
                .contains("'pum-sinkit-nowhere'")
                .contains("after 2 retries")
                .contains("no response")
                .contains("'case-1'")
                .doesNotContain("\n"));
        assertThat(sink.counters().retried()).as("2 documents, 2 retries").isEqualTo(4);
        assertThat(sink.counters().failed()).isEqualTo(2);
        assertThat(sink.counters().written()).isZero();
    }

    /** A case document as the job writes it: snake_case fields, ISO-8601 UTC times, enums as strings. */
    private static ObjectNode caseJson(String caseId, int riskScore) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("case_id", caseId);
        doc.putObject("principal").put("id", "alice").put("kind", "HUMAN").put("source_ip", "10.0.0.7");
        doc.put("status", "OPEN");
        doc.put("risk_score", riskScore);
        doc.put("severity", "HIGH");
        doc.put("opened_at", "2026-03-01T09:15:00Z");
        doc.put("updated_at", "2026-03-01T09:40:12.250Z");
        ArrayNode findings = doc.putArray("findings");
        findings.addObject().put("finding_id", "f-1").put("rule_id", "PUM-009").put("rule_name", "Risky command")
                .put("severity", "HIGH").put("score", 70).put("event_time", "2026-03-01T09:40:12.250Z")
                .put("explanation", "alice ran 'auditctl -D' on db-prod-1 as root")
                .putArray("event_ids").add("e-17");
        findings.addObject().put("finding_id", "f-2").put("rule_id", "PUM-001").put("rule_name", "No grant")
                .put("severity", "LOW").put("score", 30).put("event_time", "2026-03-01T09:15:00Z")
                .put("explanation", "session on db-prod-1 without a grant")
                .putArray("event_ids").add("e-3");
        doc.putArray("rule_ids").add("PUM-001").add("PUM-009");
        ObjectNode anomaly = doc.putObject("anomaly").put("score", 0.91).put("model_version", "iforest-1");
        anomaly.putArray("top_features").addObject().put("name", "commands_per_min").put("value", 14.0)
                .put("baseline_mean", 2.1).put("baseline_std", 0.8).put("contribution", 0.6);
        doc.putArray("session_ids").add("s-1");
        doc.putArray("score_breakdown").addObject().put("term", "rule PUM-009").put("value", 70.0)
                .put("detail", "highest rule score");
        doc.put("summary", "alice wiped audit rules on db-prod-1 in a session no grant covered");
        doc.put("closed_at", "2026-03-02T08:00:00Z");
        doc.put("assignee_id", "soc-analyst-3");
        return doc;
    }

    private static long count(String index) {
        try {
            return ES.client().count(c -> c.index(index).ignoreUnavailable(true)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitCount(String index, long atLeast) throws Exception {
        CommonTestUtils.waitUtil(() -> {
            try {
                ES.refresh(index);
                return count(index) >= atLeast;
            } catch (UncheckedIOException e) {
                // An index the sink has just created can answer 503 until its shard is allocated: not yet, not wrong.
                if (e.getCause() instanceof org.elasticsearch.client.ResponseException r
                        && r.getResponse().getStatusLine().getStatusCode() == 503) {
                    return false;
                }
                throw e;
            } catch (co.elastic.clients.elasticsearch._types.ElasticsearchException e) {
                if (e.status() == 503) {
                    return false;
                }
                throw e;
            }
        }, DEADLINE, Duration.ofMillis(100), "index " + index + " did not reach " + atLeast + " documents");
    }

    private static JsonNode source(String index, String id) throws IOException {
        GetResponse<ObjectNode> doc = ES.client().get(g -> g.index(index).id(id), ObjectNode.class);
        assertThat(doc.found()).as(id + " in " + index).isTrue();
        return doc.source();
    }

    /** The properties of an index's mapping, read as plain JSON. */
    private static JsonNode mapping(String index) throws IOException {
        ElasticsearchClient client = ES.client();
        var response = ((RestClientTransport) client._transport()).restClient()
                .performRequest(new Request("GET", "/" + index + "/_mapping"));
        return JSON.readTree(response.getEntity().getContent()).path(index).path("mappings");
    }

    private static JsonNode field(JsonNode mappings, String path) {
        JsonNode node = mappings;
        for (String part : path.split("\\.")) {
            node = node.path("properties").path(part);
        }
        assertThat(node.isMissingNode()).as(path + " is mapped").isFalse();
        return node;
    }

    private static String type(JsonNode mappings, String path) {
        return field(mappings, path).path("type").asText("object");
    }

    /** Sum of one counter over the writers of one job, as Flink's metric system reports it. */
    private static long flinkCounterSum(JobExecutionResult result, String name) {
        String jobId = result.getJobID().toString();
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : METRICS.getMetricsByGroup().entrySet()) {
            if (jobId.equals(group.getKey().getAllVariables().get("<job_id>"))
                    && group.getValue().get(name) instanceof Counter c) {
                sum += c.getCount();
            }
        }
        return sum;
    }

    /** The sink's own failure message, found in the job failure's cause chain. */
    private static String sinkFailure(Throwable jobFailure) {
        for (Throwable t = jobFailure; t != null; t = t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null && t.getMessage().startsWith("Elasticsearch")) {
                return t.getMessage();
            }
        }
        throw new AssertionError("no Elasticsearch sink failure in the cause chain of " + jobFailure, jobFailure);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
