package dev.vigil.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.jobs.cli.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code vigil run --config} YAML file into dotted properties ({@code elasticsearch.bulk.max-actions}),
 * the form every option class parses, so each section is documented and checked in one place: the options
 * class that declares it. Lists become comma-separated values. Unknown top-level sections are refused.
 */
public final class ConfigFile {
    public static final Set<String> SECTIONS = Set.of("kafka", "elasticsearch", "detection", "checkpointing", "flink");

    private ConfigFile() {}

    public static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("config file not found: " + file);
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            String m = e.getMessage() == null ? "unreadable" : e.getMessage().split("\n")[0];
            throw new UserError("cannot read config " + file + ": " + m);
        }
        Map<String, String> props = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return props;
        }
        if (!root.isObject()) {
            throw new UserError("config " + file + " must be a YAML mapping of sections " + SECTIONS);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> section = it.next();
            if (!SECTIONS.contains(section.getKey())) {
                throw new UserError("config " + file + ": unknown section '" + section.getKey() + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(SECTIONS)) + ")");
            }
            flatten(section.getKey(), section.getValue(), props);
        }
        return props;
    }

    static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(prefix + "." + e.getKey(), e.getValue(), out));
        } else if (node.isArray()) {
            StringBuilder b = new StringBuilder();
            node.forEach(item -> b.append(b.length() == 0 ? "" : ",").append(item.asText()));
            out.put(prefix, b.toString());
        } else if (!node.isNull()) {
            out.put(prefix, node.asText());
        }
    }
}
