package dev.vigil.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ElasticsearchOptionsTest {

    @Test
    void defaults() {
        ElasticsearchOptions o = ElasticsearchOptions.defaults();
        assertThat(o.hosts()).containsExactly("http://127.0.0.1:9200");
        assertThat(o.bulkMaxActions()).isEqualTo(1000);
        assertThat(o.bulkMaxBytes()).isEqualTo(5L * 1024 * 1024);
        assertThat(o.flushIntervalMs()).isEqualTo(1000);
        assertThat(o.maxRetries()).isEqualTo(5);
        assertThat(o.initialBackoffMs()).isEqualTo(200);
        assertThat(o.indexPrefix()).isEqualTo("pum-");
        assertThat(o.index("cases")).isEqualTo("pum-cases");
        assertThat(o.username()).isNull();
        assertThat(o.apiKey()).isNull();
        assertThat(o.caCertificatePath()).isNull();
    }

    @Test
    void readsEveryOptionFromProperties() {
        Map<String, String> p = new HashMap<>();
        p.put(ElasticsearchOptions.HOSTS, "https://es1:9200, https://es2:9200");
        p.put(ElasticsearchOptions.API_KEY, "a2V5OnNlY3JldA==");
        p.put(ElasticsearchOptions.CA_CERTIFICATE, "/etc/vigil/ca.pem");
        p.put(ElasticsearchOptions.BULK_MAX_ACTIONS, "500");
        p.put(ElasticsearchOptions.BULK_MAX_BYTES, "1048576");
        p.put(ElasticsearchOptions.FLUSH_INTERVAL_MS, "0");
        p.put(ElasticsearchOptions.MAX_RETRIES, "8");
        p.put(ElasticsearchOptions.INITIAL_BACKOFF_MS, "50");
        p.put(ElasticsearchOptions.INDEX_PREFIX, "acme-pum-");
        p.put("kafka.bootstrap", "ignored: not an Elasticsearch option");

        ElasticsearchOptions o = ElasticsearchOptions.fromProperties(p);

        assertThat(o.hosts()).containsExactly("https://es1:9200", "https://es2:9200");
        assertThat(o.apiKey()).isEqualTo("a2V5OnNlY3JldA==");
        assertThat(o.caCertificatePath()).isEqualTo("/etc/vigil/ca.pem");
        assertThat(o.bulkMaxActions()).isEqualTo(500);
        assertThat(o.bulkMaxBytes()).isEqualTo(1_048_576);
        assertThat(o.flushIntervalMs()).isZero();
        assertThat(o.maxRetries()).isEqualTo(8);
        assertThat(o.initialBackoffMs()).isEqualTo(50);
        assertThat(o.index("evidence")).isEqualTo("acme-pum-evidence");
        assertThat(ElasticsearchOptions.fromProperties(o.toProperties())).isEqualTo(o);
    }

    @Test
    void badValuesAreRefusedWithTheKeyNamed() {
        assertThatThrownBy(() -> ElasticsearchOptions.fromProperties(Map.of(ElasticsearchOptions.MAX_RETRIES, "many")))
                .hasMessageContaining(ElasticsearchOptions.MAX_RETRIES).hasMessageContaining("many");
        assertThatThrownBy(() -> ElasticsearchOptions.fromProperties(Map.of("elasticsearch.bulk.max-action", "5")))
                .hasMessageContaining("unknown Elasticsearch option 'elasticsearch.bulk.max-action'");
        assertThatThrownBy(() -> ElasticsearchOptions.builder().hosts("es1:9200").build())
                .hasMessageContaining("es1:9200");
        assertThatThrownBy(() -> ElasticsearchOptions.builder().hosts().build())
                .hasMessageContaining("at least one URL");
        assertThatThrownBy(() -> ElasticsearchOptions.builder().bulkMaxActions(0).build())
                .hasMessageContaining(ElasticsearchOptions.BULK_MAX_ACTIONS);
        assertThatThrownBy(() -> ElasticsearchOptions.builder().maxRetries(-1).build())
                .hasMessageContaining(ElasticsearchOptions.MAX_RETRIES);
        assertThatThrownBy(() -> ElasticsearchOptions.builder().indexPrefix("PUM-").build())
                .hasMessageContaining(ElasticsearchOptions.INDEX_PREFIX);
    }

    @Test
    void credentialsMustBeCompleteAndOfOneKind() {
        assertThatThrownBy(() -> ElasticsearchOptions.builder().username("vigil").build())
                .hasMessageContaining("set together");
        assertThatThrownBy(() -> ElasticsearchOptions.builder().username("vigil").password("pw").apiKey("k").build())
                .hasMessageContaining("not both");
    }

    @Test
    void secretsAreMaskedWhenLogged() {
        String basic = ElasticsearchOptions.builder().username("vigil").password("s3cret").build().toString();
        String key = ElasticsearchOptions.builder().apiKey("a2V5OnNlY3JldA==").build().toString();
        assertThat(basic).contains("vigil").doesNotContain("s3cret");
        assertThat(key).doesNotContain("a2V5OnNlY3JldA==");
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        ElasticsearchOptions o = ElasticsearchOptions.builder().hosts("https://es:9200").username("u").password("p")
                .bulkMaxActions(7).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(o);
        }
    }
}
