package dev.vigil.rules.test;

import java.util.List;

/** The result of running a pack's fixtures: per rule, and totals. */
public record FixtureReport(String packVersion, List<RuleReport> rules) {

    public FixtureReport {
        rules = List.copyOf(rules);
    }

    public int fixtures() {
        return rules.stream().mapToInt(r -> r.fixtures().size()).sum();
    }

    public int passed() {
        return rules.stream().mapToInt(RuleReport::passed).sum();
    }

    public int failed() {
        return fixtures() - passed();
    }

    /** Every fixture passed. */
    public boolean ok() {
        return failed() == 0;
    }

    /** One line for a terminal: {@code 3 rules, 14 fixtures: 14 passed, 0 failed (pack 1a2b3c4d5e6f)}. */
    public String summary() {
        return rules.size() + " rules, " + fixtures() + " fixtures: " + passed() + " passed, " + failed()
                + " failed (pack " + packVersion + ")";
    }
}
