package dev.vigil.rules.pack;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One detection as its folder holds it: the metadata, the EPL module, the fixtures, and where each came from so
 * that problems can name file and line.
 *
 * @param id the rule id ({@code rule.yaml}'s {@code id}, or the folder name when that is missing)
 * @param location the rule's folder as the pack names it, e.g. {@code rules/pack/PUM-002} or
 *     {@code classpath:vigil/pack/PUM-002}
 * @param metadataLines line of each top-level key of {@code rule.yaml}
 * @param yaml the text of {@code rule.yaml}
 * @param epl the text of {@code rule.epl}
 */
public record RuleDefinition(String id, String location, RuleMetadata metadata, Map<String, Integer> metadataLines,
                             String yaml, String epl, List<RuleFixture> fixtures) implements Serializable {

    public static final String METADATA_FILE = "rule.yaml";
    public static final String EPL_FILE = "rule.epl";
    public static final String FIXTURES_DIR = "fixtures";

    public RuleDefinition {
        metadataLines = Map.copyOf(metadataLines);
        fixtures = List.copyOf(fixtures);
    }

    public String metadataFile() {
        return location + "/" + METADATA_FILE;
    }

    public String eplFile() {
        return location + "/" + EPL_FILE;
    }

    /** A problem in {@code rule.yaml} at the line of a key (line 0 when the key is missing). */
    public RuleProblem metadataProblem(String key, String message) {
        return new RuleProblem(metadataFile(), metadataLines.getOrDefault(key, 0), message);
    }

    /** The same rule with other parameter values. */
    RuleDefinition withMetadata(RuleMetadata changed) {
        return new RuleDefinition(id, location, changed, metadataLines, yaml, epl, fixtures);
    }
}
