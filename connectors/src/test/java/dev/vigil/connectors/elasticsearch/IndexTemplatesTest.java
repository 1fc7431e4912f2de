package dev.vigil.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.Finding;
import dev.vigil.output.PumCase;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the index templates in step with the Avro output records: every field is mapped, with the type the
 * document convention gives it, and nothing is mapped that the records do not have.
 */
class IndexTemplatesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Schema> RECORD_OF_INDEX = Map.of(
            IndexTemplates.CASES, PumCase.getClassSchema(),
            IndexTemplates.EVIDENCE, EvidenceRecord.getClassSchema(),
            IndexTemplates.FINDINGS, Finding.getClassSchema());
    /** Free text an analyst searches by words. */
    private static final Set<String> TEXT_FIELDS = Set.of("explanation", "summary", "command", "reason", "detail");
    /** Arrays of records mapped as nested: only a case's findings. */
    private static final Set<String> NESTED = Set.of("cases:findings");

    private static JsonNode mappings(String index) throws Exception {
        return JSON.readTree(IndexTemplates.templateBody("pum-", index)).path("template").path("mappings");
    }

    @ParameterizedTest
    @ValueSource(strings = {IndexTemplates.CASES, IndexTemplates.EVIDENCE, IndexTemplates.FINDINGS})
    void everyFieldOfTheRecordIsMappedByTheConvention(String index) throws Exception {
        List<String> problems = new ArrayList<>();
        check(index, "", RECORD_OF_INDEX.get(index), mappings(index).path("properties"), problems);
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {IndexTemplates.CASES, IndexTemplates.EVIDENCE, IndexTemplates.FINDINGS})
    void nothingIsMappedThatTheRecordLacks(String index) throws Exception {
        Set<String> mapped = new TreeSet<>();
        paths("", mappings(index).path("properties"), mapped);
        Set<String> fields = new TreeSet<>();
        fieldPaths("", RECORD_OF_INDEX.get(index), fields);
        assertThat(mapped).isEqualTo(fields);
    }

    @ParameterizedTest
    @ValueSource(strings = {IndexTemplates.CASES, IndexTemplates.EVIDENCE, IndexTemplates.FINDINGS})
    void mappingsStayOpenForFieldsAnalystsAdd(String index) throws Exception {
        JsonNode mappings = mappings(index);
        assertThat(mappings.path("dynamic").asBoolean(false)).isTrue();
        assertThat(mappings.path("dynamic_templates").toString()).contains("\"*_at\"").contains("\"date\"");
    }

    @Test
    void prefixDecidesPatternAndTemplateName() throws Exception {
        JsonNode body = JSON.readTree(IndexTemplates.templateBody("acme-pum-", IndexTemplates.EVIDENCE));
        assertThat(body.path("index_patterns")).hasSize(1);
        assertThat(body.path("index_patterns").get(0).asText()).isEqualTo("acme-pum-evidence*");
        assertThat(IndexTemplates.templateName("acme-pum-", IndexTemplates.EVIDENCE)).isEqualTo("vigil-acme-pum-evidence");
        assertThat(JSON.readTree(IndexTemplates.templateBody("pum-", IndexTemplates.CASES)).path("index_patterns")
                .get(0).asText()).isEqualTo("pum-cases*");
    }

    @Test
    void unknownIndexIsRefused() {
        assertThatThrownBy(() -> IndexTemplates.templateBody("pum-", "alerts"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alerts");
    }

    private static void check(String index, String prefix, Schema record, JsonNode properties, List<String> problems) {
        for (Schema.Field field : record.getFields()) {
            String path = prefix + field.name();
            JsonNode mapping = properties.get(field.name());
            if (mapping == null) {
                problems.add(path + ": not mapped");
                continue;
            }
            Schema schema = nonNull(field.schema());
            if (schema.getType() == Schema.Type.ARRAY) {
                schema = nonNull(schema.getElementType());
            }
            String type = mapping.path("type").asText("object");
            String expected = expectedType(field.name(), schema);
            if (schema.getType() == Schema.Type.RECORD) {
                boolean nested = NESTED.contains(index + ":" + path);
                expected = nested ? "nested" : "object";
                check(index, path + ".", schema, mapping.path("properties"), problems);
            }
            if (!expected.equals(type)) {
                problems.add(path + ": mapped as " + type + ", expected " + expected);
            }
            if ("date".equals(expected) && !mapping.path("format").asText().contains("strict_date_optional_time")) {
                problems.add(path + ": date without the ISO-8601 format");
            }
            if ("text".equals(expected) && !"keyword".equals(mapping.path("fields").path("keyword").path("type").asText())) {
                problems.add(path + ": text without a keyword subfield");
            }
        }
    }

    private static String expectedType(String name, Schema schema) {
        return switch (schema.getType()) {
            case LONG -> isTime(name) ? "date" : "long";
            case INT -> "integer";
            case DOUBLE -> "double";
            case BOOLEAN -> "boolean";
            case ENUM -> "keyword";
            case STRING -> TEXT_FIELDS.contains(name) ? "text" : "keyword";
            case RECORD -> "object";
            default -> "unexpected Avro type " + schema.getType();
        };
    }

    private static boolean isTime(String name) {
        return name.equals("event_time") || name.endsWith("_at") || name.equals("window_start") || name.equals("window_end");
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        return schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElseThrow();
    }

    private static void paths(String prefix, JsonNode properties, Set<String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.add(prefix + e.getKey());
            if (e.getValue().has("properties")) {
                paths(prefix + e.getKey() + ".", e.getValue().path("properties"), out);
            }
        }
    }

    private static void fieldPaths(String prefix, Schema record, Set<String> out) {
        for (Schema.Field field : record.getFields()) {
            out.add(prefix + field.name());
            Schema schema = nonNull(field.schema());
            if (schema.getType() == Schema.Type.ARRAY) {
                schema = nonNull(schema.getElementType());
            }
            if (schema.getType() == Schema.Type.RECORD) {
                fieldPaths(prefix + field.name() + ".", schema, out);
            }
        }
    }
}
