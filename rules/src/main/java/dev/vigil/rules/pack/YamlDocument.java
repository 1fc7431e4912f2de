package dev.vigil.rules.pack;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML mapping read with the line of every top-level key and of every item of a top-level list, so that
 * problems with a rule's metadata or a fixture's expectations can name the line they are on.
 */
public final class YamlDocument {
    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder().enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private final String file;
    private final Map<String, JsonNode> values;
    private final Map<String, Integer> lines;
    private final Map<String, List<Integer>> itemLines;

    private YamlDocument(String file, Map<String, JsonNode> values, Map<String, Integer> lines,
                         Map<String, List<Integer>> itemLines) {
        this.file = file;
        this.values = values;
        this.lines = lines;
        this.itemLines = itemLines;
    }

    /**
     * Reads a document whose top level is a mapping (an empty document is an empty mapping).
     *
     * @param file how problems name the file
     * @throws RulePackException on a syntax error, a duplicate key or a top level that is not a mapping
     */
    public static YamlDocument parse(String file, String text) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        Map<String, List<Integer>> itemLines = new LinkedHashMap<>();
        try (JsonParser p = YAML.getFactory().createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new YamlDocument(file, values, lines, itemLines);
            }
            if (t != JsonToken.START_OBJECT) {
                throw new RulePackException(new RuleProblem(file, line(p.currentTokenLocation()),
                        "expected a mapping of keys to values at the top level"));
            }
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                lines.put(key, line(p.currentTokenLocation()));
                JsonToken valueToken = p.nextToken();
                if (valueToken == JsonToken.START_ARRAY) {
                    List<Integer> items = new ArrayList<>();
                    List<JsonNode> nodes = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        items.add(line(p.currentTokenLocation()));
                        nodes.add(YAML.readTree(p));
                    }
                    itemLines.put(key, items);
                    values.put(key, YAML.getNodeFactory().arrayNode().addAll(nodes));
                } else {
                    JsonNode node = YAML.readTree(p);
                    values.put(key, node == null ? YAML.getNodeFactory().nullNode() : node);
                }
            }
            return new YamlDocument(file, values, lines, itemLines);
        } catch (JsonProcessingException e) {
            throw new RulePackException(new RuleProblem(file, line(e.getLocation()), firstLine(e.getOriginalMessage())));
        } catch (IOException e) {
            throw new RulePackException(new RuleProblem(file, 0, "unreadable: " + firstLine(e.getMessage())));
        }
    }

    public String file() {
        return file;
    }

    /** The value of a top-level key, or null when the key is absent. */
    public JsonNode get(String key) {
        return values.get(key);
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Iterable<String> keys() {
        return values.keySet();
    }

    /** The line of a top-level key; 0 when the key is absent. */
    public int line(String key) {
        return lines.getOrDefault(key, 0);
    }

    /** The line of each item of a top-level list, in order; empty when the key is absent or not a list. */
    public List<Integer> itemLines(String key) {
        return itemLines.getOrDefault(key, Collections.emptyList());
    }

    public Map<String, Integer> lines() {
        return Collections.unmodifiableMap(lines);
    }

    /** A problem at a key's line. */
    public RuleProblem problem(String key, String message) {
        return new RuleProblem(file, line(key), message);
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : Math.max(0, location.getLineNr());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed YAML";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }
}
