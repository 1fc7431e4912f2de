package dev.vigil.connectors.normalize.entra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One directoryAudit record, whichever envelope carried it: Graph's own shape (camelCase at the top), the Azure
 * Monitor diagnostic record (the directoryAudit under {@code properties}), or Log Analytics' {@code AuditLogs} table
 * (PascalCase, nested objects as JSON strings). Fields are looked up in all of those spellings.
 */
final class EntraRecord {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode audit;
    private final JsonNode envelope;

    EntraRecord(JsonNode record) {
        this.envelope = record;
        JsonNode props = record.get("properties");
        this.audit = props != null && props.isObject() ? props : record;
    }

    /** A field of the audit record (or, failing that, of its envelope), in camelCase or PascalCase. */
    JsonNode node(String camel) {
        JsonNode n = lookup(audit, camel);
        if (n.isMissingNode() && audit != envelope) {
            n = lookup(envelope, camel);
        }
        if (n.isTextual() && looksLikeJson(n.asText())) {
            try {
                return JSON.readTree(n.asText());
            } catch (java.io.IOException e) {
                return n;
            }
        }
        return n;
    }

    String text(String camel) {
        JsonNode n = node(camel);
        return n.isValueNode() && !n.isNull() && !n.asText().isBlank() ? n.asText() : null;
    }

    /** additionalDetails as a key -> value map (keys compared case-insensitively by lower-casing). */
    Map<String, String> details() {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode d : node("additionalDetails")) {
            String k = d.path("key").asText(d.path("Key").asText(""));
            String v = d.path("value").asText(d.path("Value").asText(""));
            if (!k.isEmpty() && !v.isEmpty()) {
                out.put(k.toLowerCase(java.util.Locale.ROOT), v);
            }
        }
        return out;
    }

    private static JsonNode lookup(JsonNode obj, String camel) {
        JsonNode n = obj.get(camel);
        if (n == null) {
            n = obj.get(Character.toUpperCase(camel.charAt(0)) + camel.substring(1));
        }
        return n == null ? MissingNode.getInstance() : n;
    }

    private static boolean looksLikeJson(String s) {
        String t = s.strip();
        return t.startsWith("{") || t.startsWith("[");
    }
}
