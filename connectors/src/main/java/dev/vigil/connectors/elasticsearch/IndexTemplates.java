package dev.vigil.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.List;

/**
 * Installs the composable index templates of Vigil's indices, so every index the job creates gets the right
 * mappings. Installing is idempotent: each run replaces the templates with the versions shipped in this jar
 * (resources {@code vigil/elasticsearch/pum-*.json}, the bodies of {@code PUT _index_template/...}).
 *
 * <h2>The indices</h2>
 * <dl>
 *   <dt>{@code pum-cases*}</dt>
 *   <dd>One document per <b>case</b> ({@code dev.vigil.output.PumCase}), id {@code case_id}: the findings of one
 *   principal on one grant (or ungranted session), the risk score 0-100 with every term of it
 *   ({@code score_breakdown}), severity, status (OPEN/ACKNOWLEDGED/CLOSED), {@code opened_at}/{@code updated_at},
 *   the rule ids, the grant ({@code request_id}) and sessions involved, the strongest anomaly with its top features,
 *   and a one-sentence {@code summary}. The job rewrites a case whenever a finding joins it.
 *   {@code findings} is {@code nested}, so a query can ask for one finding that matches several conditions
 *   (e.g. rule PUM-009 <i>and</i> severity HIGH).</dd>
 *   <dt>{@code pum-evidence*}</dt>
 *   <dd>One document per <b>grant</b> (or per session or secret access that had none;
 *   {@code dev.vigil.output.EvidenceRecord}), id {@code evidence_id}: the request and approval (requester,
 *   approver, reason, ticket, role, scope, window, break-glass, when each step happened), the sessions (target,
 *   account, start/end, recorded, command count, grant label), the behaviour (each command and secret access with
 *   its grant label), privilege residency (granted / time to first use / used / unused ms, ended on time, revoked),
 *   the finding and case ids, and {@code chain_hash}, the tamper-evidence hash chain.</dd>
 *   <dt>{@code pum-findings*}</dt>
 *   <dd>One document per <b>finding</b> ({@code dev.vigil.output.Finding}), id {@code finding_id}: a rule or model
 *   hit with rule id, name and version, severity and score, principal, {@code event_time}, triggering event ids,
 *   the grant, session and target involved, the grant label, MITRE ATT&amp;CK technique ids, the
 *   {@code explanation}, and for PUM-100 the anomaly score and top features.</dd>
 * </dl>
 *
 * <h2>How the documents map</h2>
 * Field names are those of the Avro records (snake_case). Times ({@code event_time}, {@code *_at},
 * {@code window_start}, {@code window_end}) are ISO-8601 UTC strings mapped as {@code date}; durations
 * ({@code *_ms}) and scores are numbers; ids, principal, rule ids, labels, enums and other exact values are
 * {@code keyword}; free text ({@code explanation}, {@code summary}, {@code command}, {@code reason},
 * {@code detail}) is {@code text} with a {@code .keyword} subfield for aggregations. Null fields are left out.
 * Mappings are {@code dynamic: true} so analysts can add fields (a new {@code *_at} string becomes a date, a new
 * {@code *_id}/{@code *_ids} string a keyword); string date detection is off so other new strings are never
 * guessed to be dates. Indices have one shard and {@code auto_expand_replicas: 0-1} (green on a single node,
 * one replica on a cluster).
 */
public final class IndexTemplates {

    /** Index names without the prefix. */
    public static final String CASES = "cases";
    public static final String EVIDENCE = "evidence";
    public static final String FINDINGS = "findings";
    public static final List<String> INDICES = List.of(CASES, EVIDENCE, FINDINGS);

    private static final String RESOURCE_DIR = "/vigil/elasticsearch/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private IndexTemplates() {
    }

    /** Installs (or replaces) the templates for the default {@code pum-} indices. */
    public static void install(ElasticsearchClient client) throws IOException {
        install(client, ElasticsearchOptions.DEFAULT_INDEX_PREFIX);
    }

    /**
     * Installs (or replaces) the templates for indices named {@code indexPrefix + "cases"} etc.
     *
     * @throws IOException with a one-line reason naming the template when Elasticsearch refuses it
     */
    public static void install(ElasticsearchClient client, String indexPrefix) throws IOException {
        for (String index : INDICES) {
            String name = templateName(indexPrefix, index);
            String body = templateBody(indexPrefix, index);
            try {
                client.indices().putIndexTemplate(b -> b.withJson(new StringReader(body)).name(name));
            } catch (ElasticsearchException e) {
                throw new IOException("Elasticsearch refused index template '" + name + "': "
                        + BulkRetry.shorten(e.getMessage()), e);
            }
        }
    }

    /** Name under which the template of one index is stored, e.g. {@code vigil-pum-cases}. */
    public static String templateName(String indexPrefix, String index) {
        return "vigil-" + indexPrefix + index;
    }

    /** The {@code PUT _index_template} body for one index, its pattern set to {@code indexPrefix + index + "*"}. */
    public static String templateBody(String indexPrefix, String index) throws IOException {
        if (!INDICES.contains(index)) {
            throw new IllegalArgumentException("no index template for '" + index + "'; known: " + INDICES);
        }
        String resource = RESOURCE_DIR + ElasticsearchOptions.DEFAULT_INDEX_PREFIX + index + ".json";
        try (InputStream in = IndexTemplates.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("index template resource " + resource + " missing from the classpath");
            }
            ObjectNode template = (ObjectNode) JSON.readTree(in);
            template.putArray("index_patterns").add(indexPrefix + index + "*");
            return JSON.writeValueAsString(template);
        }
    }
}
