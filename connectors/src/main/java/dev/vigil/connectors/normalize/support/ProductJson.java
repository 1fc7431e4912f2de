package dev.vigil.connectors.normalize.support;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vigil.schema.json.InvalidRecordException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads a product's JSON record and the few shapes of value product audit logs use (strings, numbers written as
 * strings, string arrays), so each normalizer states only what it maps. Absent, null and empty all read as null.
 */
public final class ProductJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ProductJson() {}

    /** The record as a JSON object; anything else is refused with a one-line reason naming the product. */
    public static JsonNode parseObject(byte[] payload, String product) throws InvalidRecordException {
        JsonNode root;
        try {
            root = MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException("not a " + product + " JSON record: " + brief(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidRecordException("not a " + product + " JSON record: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidRecordException("not a " + product + " JSON record: empty");
        }
        if (!root.isObject()) {
            throw new InvalidRecordException("not a " + product + " JSON record: a JSON " + root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + ", not an object");
        }
        return root;
    }

    /** The text as a JSON object, or a missing node when it is not one (for format detection, which never throws). */
    public static JsonNode tryParseObject(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            return n != null && n.isObject() ? n : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        } catch (IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    /** Jackson's message without the location it appends, which names no more than the line already does. */
    private static String brief(String message) {
        if (message == null) {
            return "unreadable";
        }
        String m = message;
        for (String cut : new String[] {"\n", " (start marker at", " at [Source"}) {
            int i = m.indexOf(cut);
            if (i > 0) {
                m = m.substring(0, i);
            }
        }
        return m;
    }

    /** The node at a path of field names, or a missing node. */
    public static JsonNode at(JsonNode node, String... path) {
        JsonNode n = node;
        for (String field : path) {
            if (n == null || !n.isObject()) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            n = n.path(field);
        }
        return n == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : n;
    }

    /** The text at a path: strings as they are, numbers and booleans as written; null when absent or blank. */
    public static String text(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        if (n.isTextual()) {
            String s = n.textValue();
            return s.isBlank() ? null : s;
        }
        if (n.isNumber() || n.isBoolean()) {
            return n.asText();
        }
        return null;
    }

    /** The first of the values that is not null; null when all are. */
    @SafeVarargs
    public static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** An integer written as a number or as a numeric string; null otherwise. */
    public static Integer integer(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            return n.intValue();
        }
        if (n.isTextual()) {
            try {
                return Integer.valueOf(n.textValue().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** A boolean written as true/false or as the string "true"/"false"; null otherwise. */
    public static Boolean bool(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isTextual()) {
            String s = n.textValue().trim();
            if (s.equalsIgnoreCase("true")) {
                return Boolean.TRUE;
            }
            if (s.equalsIgnoreCase("false")) {
                return Boolean.FALSE;
            }
        }
        return null;
    }

    /** The non-blank strings of an array (a single string counts as an array of one); empty when absent. */
    public static List<String> strings(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        if (n.isTextual()) {
            return n.textValue().isBlank() ? Collections.emptyList() : List.of(n.textValue());
        }
        if (!n.isArray()) {
            return Collections.emptyList();
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode item : n) {
            if (item.isTextual() && !item.textValue().isBlank()) {
                out.add(item.textValue());
            }
        }
        return out;
    }

    /** The first of several texts that is neither null nor blank; null when there is none. */
    public static String firstText(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isBlank()) {
                return c;
            }
        }
        return null;
    }
}
