package dev.vigil.rules.pack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads rule folders from any file system (a directory, or the pack inside a jar). Whatever cannot be read as
 * the right type is collected as a problem with file and line; missing keys are left for the validator.
 */
final class RulePackLoader {
    private final List<RuleProblem> problems = new ArrayList<>();

    /**
     * Loads every rule folder under root (or root itself when it is a rule folder).
     *
     * @param display how messages name root, e.g. the path the user typed or {@code classpath:vigil/pack}
     */
    List<RuleDefinition> load(Path root, String display) {
        if (!Files.isDirectory(root)) {
            throw new RulePackException(new RuleProblem(display, 0, "not a directory"));
        }
        List<RuleDefinition> rules = new ArrayList<>();
        if (Files.isRegularFile(root.resolve(RuleDefinition.METADATA_FILE))) {
            loadRule(root, display).ifPresent(rules::add);
        } else {
            for (Path dir : sortedChildren(root, display)) {
                if (Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(RuleDefinition.METADATA_FILE))) {
                    loadRule(dir, display + "/" + fileName(dir)).ifPresent(rules::add);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new RulePackException(problems);
        }
        return rules;
    }

    private java.util.Optional<RuleDefinition> loadRule(Path dir, String location) {
        String yamlFile = location + "/" + RuleDefinition.METADATA_FILE;
        String yaml = read(dir.resolve(RuleDefinition.METADATA_FILE), yamlFile);
        Path eplPath = dir.resolve(RuleDefinition.EPL_FILE);
        String epl = null;
        if (Files.isRegularFile(eplPath)) {
            epl = read(eplPath, location + "/" + RuleDefinition.EPL_FILE);
        } else {
            problems.add(new RuleProblem(location + "/" + RuleDefinition.EPL_FILE, 0, "missing: every rule needs its EPL module"));
        }
        if (yaml == null) {
            return java.util.Optional.empty();
        }
        YamlDocument doc;
        try {
            doc = YamlDocument.parse(yamlFile, yaml);
        } catch (RulePackException e) {
            problems.addAll(e.problems());
            return java.util.Optional.empty();
        }
        RuleMetadata metadata = metadata(doc, fileName(dir));
        List<RuleFixture> fixtures = fixtures(dir, location, metadata.id());
        return java.util.Optional.of(new RuleDefinition(metadata.id(), location, metadata, doc.lines(), yaml,
                epl == null ? "" : epl, fixtures));
    }

    private RuleMetadata metadata(YamlDocument doc, String folderName) {
        String id = text(doc, RuleMetadata.ID);
        return new RuleMetadata(
                id == null ? folderName : id,
                text(doc, RuleMetadata.NAME),
                severity(doc),
                riskScore(doc),
                textList(doc, RuleMetadata.MITRE),
                text(doc, RuleMetadata.DESCRIPTION),
                textList(doc, RuleMetadata.FALSE_POSITIVES),
                text(doc, RuleMetadata.TRIAGE),
                text(doc, RuleMetadata.MATURITY),
                horizon(doc),
                parameters(doc));
    }

    private String text(YamlDocument doc, String key) {
        JsonNode node = doc.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isValueNode()) {
            problems.add(doc.problem(key, key + " must be a single value"));
            return null;
        }
        String value = node.asText().strip();
        return value.isEmpty() ? null : value;
    }

    private List<String> textList(YamlDocument doc, String key) {
        JsonNode node = doc.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        if (!node.isArray()) {
            problems.add(doc.problem(key, key + " must be a list"));
            return values;
        }
        for (JsonNode item : node) {
            if (!item.isValueNode() || item.isNull()) {
                problems.add(doc.problem(key, key + " must be a list of strings"));
            } else {
                values.add(item.asText().strip());
            }
        }
        return values;
    }

    private Severity severity(YamlDocument doc) {
        String value = text(doc, RuleMetadata.SEVERITY);
        if (value == null) {
            return null;
        }
        try {
            return Severity.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(doc.problem(RuleMetadata.SEVERITY,
                    "severity '" + value + "' is not one of LOW, MEDIUM, HIGH, CRITICAL"));
            return null;
        }
    }

    private Integer riskScore(YamlDocument doc) {
        JsonNode node = doc.get(RuleMetadata.RISK_SCORE);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || node.asLong() < 0 || node.asLong() > 100) {
            problems.add(doc.problem(RuleMetadata.RISK_SCORE,
                    "risk_score must be a whole number from 0 to 100, not '" + node.asText() + "'"));
            return null;
        }
        return node.asInt();
    }

    private Duration horizon(YamlDocument doc) {
        String value = text(doc, RuleMetadata.HORIZON);
        if (value == null) {
            return null;
        }
        try {
            Duration d = RuleParameters.parseDuration(value);
            if (d.isNegative()) {
                problems.add(doc.problem(RuleMetadata.HORIZON, "horizon must not be negative"));
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(doc.problem(RuleMetadata.HORIZON, "horizon " + e.getMessage()));
            return null;
        }
    }

    private Map<String, Object> parameters(YamlDocument doc) {
        Map<String, Object> values = new LinkedHashMap<>();
        JsonNode node = doc.get(RuleMetadata.PARAMETERS);
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isObject()) {
            problems.add(doc.problem(RuleMetadata.PARAMETERS, "parameters must be a mapping of name to default value"));
            return values;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().matches("[a-z][a-z0-9_]*")) {
                problems.add(doc.problem(RuleMetadata.PARAMETERS,
                        "parameter name '" + e.getKey() + "' must be snake_case (a-z, 0-9, _), as EPL refers to it"));
                continue;
            }
            try {
                values.put(e.getKey(), RuleParameters.fromYaml(e.getValue()));
            } catch (IllegalArgumentException ex) {
                problems.add(doc.problem(RuleMetadata.PARAMETERS, "parameter '" + e.getKey() + "' " + ex.getMessage()));
            }
        }
        return values;
    }

    private List<RuleFixture> fixtures(Path dir, String location, String ruleId) {
        List<RuleFixture> fixtures = new ArrayList<>();
        for (RuleFixture.Kind kind : RuleFixture.Kind.values()) {
            String sub = kind.name().toLowerCase(Locale.ROOT);
            Path kindDir = dir.resolve(RuleDefinition.FIXTURES_DIR).resolve(sub);
            if (!Files.isDirectory(kindDir)) {
                continue;
            }
            String kindLocation = location + "/" + RuleDefinition.FIXTURES_DIR + "/" + sub;
            for (Path file : sortedChildren(kindDir, kindLocation)) {
                String fileName = fileName(file);
                if (!fileName.endsWith(".ndjson") || !Files.isRegularFile(file)) {
                    continue;
                }
                String base = fileName.substring(0, fileName.length() - ".ndjson".length());
                String events = read(file, kindLocation + "/" + fileName);
                Path expectPath = kindDir.resolve(base + RuleFixture.EXPECT_SUFFIX);
                String expectFile = null;
                String expect = null;
                if (Files.isRegularFile(expectPath)) {
                    expectFile = kindLocation + "/" + base + RuleFixture.EXPECT_SUFFIX;
                    expect = read(expectPath, expectFile);
                }
                if (events != null) {
                    fixtures.add(new RuleFixture(ruleId, sub + "/" + base, kind, kindLocation + "/" + fileName, events,
                            expectFile, expect));
                }
            }
        }
        return fixtures;
    }

    private String read(Path file, String display) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(new RuleProblem(display, 0, "unreadable: " + e.getMessage()));
            return null;
        }
    }

    private List<Path> sortedChildren(Path dir, String display) {
        try (Stream<Path> children = Files.list(dir)) {
            // Sorted by name so the pack, its version and its test report never depend on directory order.
            return children.sorted((a, b) -> fileName(a).compareTo(fileName(b))).toList();
        } catch (IOException e) {
            problems.add(new RuleProblem(display, 0, "unreadable directory: " + e.getMessage()));
            return List.of();
        }
    }

    private static String fileName(Path p) {
        Path name = p.getFileName();
        String s = name == null ? p.toString() : name.toString();
        // Directories inside a jar file system end with '/'.
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
