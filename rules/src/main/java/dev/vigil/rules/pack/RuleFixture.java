package dev.vigil.rules.pack;

import java.io.Serializable;

/**
 * Events that a rule must fire on, or must stay quiet on: one NDJSON file of canonical events under
 * {@code fixtures/fire/} or {@code fixtures/quiet/}, and for a fire fixture the sidecar
 * {@code <name>.expect.yaml} that lists the findings it must produce.
 *
 * @param name {@code fire/<file name without .ndjson>} or {@code quiet/<...>}
 * @param file the NDJSON file as the pack names it
 * @param events the NDJSON text
 * @param expectFile the sidecar as the pack names it, or null when there is none
 * @param expect the sidecar's YAML text, or null
 */
public record RuleFixture(String ruleId, String name, Kind kind, String file, String events, String expectFile,
                          String expect) implements Serializable {

    public enum Kind { FIRE, QUIET }

    public static final String EXPECT_SUFFIX = ".expect.yaml";
}
