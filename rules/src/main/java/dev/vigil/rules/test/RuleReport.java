package dev.vigil.rules.test;

import java.util.List;

/** The fixtures of one rule and how each went. */
public record RuleReport(String ruleId, List<FixtureOutcome> fixtures) {

    public RuleReport {
        fixtures = List.copyOf(fixtures);
    }

    public int passed() {
        return (int) fixtures.stream().filter(FixtureOutcome::passed).count();
    }

    public int failed() {
        return fixtures.size() - passed();
    }

    public boolean ok() {
        return failed() == 0;
    }
}
