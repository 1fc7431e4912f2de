package dev.vigil.connectors.elasticsearch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ElasticsearchSinkWriterTest {

    @Test
    void prettyJsonBecomesOneLineWithTheSameContent() throws Exception {
        String pretty = "{\n  \"summary\" : \"line one\\nline two\",\r\n  \"name\" : \"Zoë ✓\"\n}";

        byte[] flat = ElasticsearchSinkWriter.singleLine(pretty.getBytes(UTF_8));

        assertThat(new String(flat, UTF_8)).doesNotContain("\n").doesNotContain("\r");
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(flat)).isEqualTo(json.readTree(pretty));
    }

    @Test
    void compactJsonIsPassedThroughUncopied() {
        byte[] compact = "{\"a\":1}".getBytes(UTF_8);
        assertThat(ElasticsearchSinkWriter.singleLine(compact)).isSameAs(compact);
    }
}
