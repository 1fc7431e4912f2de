package dev.vigil.jobs.demo;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.connectors.elasticsearch.ElasticsearchOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What Elasticsearch holds after a run, read back from the indices themselves: the proof the demo shows. */
public record IndexReport(long cases, long evidence, long findings, Map<String, Long> findingsByRule,
                          List<String> topCases) {

    public static IndexReport read(ElasticsearchClient client, ElasticsearchOptions options) throws IOException {
        String cases = options.index("cases");
        String evidence = options.index("evidence");
        String findings = options.index("findings");
        client.indices().refresh(r -> r.index(cases, evidence, findings).ignoreUnavailable(true).allowNoIndices(true));
        Map<String, Long> byRule = new TreeMap<>();
        var agg = client.search(s -> s.index(findings).size(0).ignoreUnavailable(true)
                .aggregations("rules", a -> a.terms(t -> t.field("rule_id").size(50))), Void.class);
        if (agg.aggregations().containsKey("rules")) {
            for (StringTermsBucket b : agg.aggregations().get("rules").sterms().buckets().array()) {
                byRule.put(b.key().stringValue(), b.docCount());
            }
        }
        List<String> top = new ArrayList<>();
        var hits = client.search(s -> s.index(cases).size(3).ignoreUnavailable(true)
                .sort(o -> o.field(f -> f.field("risk_score").order(SortOrder.Desc)))
                .sort(o -> o.field(f -> f.field("case_id").order(SortOrder.Asc))), ObjectNode.class);
        hits.hits().hits().forEach(h -> {
            ObjectNode c = h.source();
            if (c != null) {
                top.add(c.path("risk_score").asInt() + "  " + c.path("severity").asText() + "  " + c.path("summary").asText());
            }
        });
        return new IndexReport(count(client, cases), count(client, evidence), count(client, findings), byRule, top);
    }

    private static long count(ElasticsearchClient client, String index) throws IOException {
        return client.count(c -> c.index(index).ignoreUnavailable(true)).count();
    }
}
