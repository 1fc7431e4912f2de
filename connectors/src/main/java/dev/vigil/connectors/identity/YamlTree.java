package dev.vigil.connectors.identity;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree whose every node knows its line, so that a mistake in a hand-edited file is reported
 * where it is. Duplicate keys are refused here already (a plain tree would silently keep the last one).
 */
final class YamlTree {
    sealed interface Node permits Scalar, Mapping, Sequence {
        int line();
    }

    /** A scalar; {@code value} is null for YAML null. */
    record Scalar(String value, int line) implements Node {}

    record Mapping(Map<String, Node> entries, int line) implements Node {}

    record Sequence(List<Node> items, int line) implements Node {}

    private YamlTree() {}

    /** @throws InvalidDirectoryException naming {@code file:line} for unreadable YAML or a duplicate key */
    static Node parse(Reader in, String file) {
        try (JsonParser p = new YAMLFactory().createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new Mapping(new LinkedHashMap<>(), 1);
            }
            return read(p, file);
        } catch (IOException e) {
            String m = e.getMessage() == null ? "unreadable" : e.getMessage().split("\n")[0];
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                    ? j.getLocation().getLineNr() : 0;
            throw new InvalidDirectoryException(file + ":" + line + ": not valid YAML: " + m);
        }
    }

    private static Node read(JsonParser p, String file) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Node> entries = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int keyLine = p.currentTokenLocation().getLineNr();
                p.nextToken();
                Node value = read(p, file);
                if (entries.containsKey(key)) {
                    throw new InvalidDirectoryException(file + ":" + keyLine + ": duplicate key '" + key
                            + "' (first at line " + entries.get(key).line() + ")");
                }
                entries.put(key, value);
            }
            return new Mapping(entries, line);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> items = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                items.add(read(p, file));
            }
            return new Sequence(items, line);
        }
        return new Scalar(t == JsonToken.VALUE_NULL ? null : p.getText(), line);
    }
}
