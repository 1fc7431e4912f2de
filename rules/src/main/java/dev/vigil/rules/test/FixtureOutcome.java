package dev.vigil.rules.test;

import dev.vigil.output.Finding;
import dev.vigil.rules.pack.RuleFixture;
import java.util.List;

/**
 * How one fixture went: what it produced and, when it failed, why (one line each, naming file and line where
 * there is one).
 *
 * @param fixture {@code fire/<name>} or {@code quiet/<name>}
 * @param findings every finding the pack produced over the fixture, of any rule
 */
public record FixtureOutcome(String ruleId, String fixture, RuleFixture.Kind kind, String file,
                             List<String> failures, List<Finding> findings) {

    public FixtureOutcome {
        failures = List.copyOf(failures);
        findings = List.copyOf(findings);
    }

    public boolean passed() {
        return failures.isEmpty();
    }
}
