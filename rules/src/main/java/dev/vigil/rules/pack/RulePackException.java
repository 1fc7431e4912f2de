package dev.vigil.rules.pack;

import java.util.List;

/**
 * A pack that cannot be loaded or compiled. The message is the first problem as {@code file:line: message};
 * {@link #problems()} has them all.
 */
public class RulePackException extends RuntimeException {
    private final List<RuleProblem> problems;

    public RulePackException(List<RuleProblem> problems) {
        super(summary(problems));
        this.problems = List.copyOf(problems);
    }

    public RulePackException(RuleProblem problem) {
        this(List.of(problem));
    }

    public List<RuleProblem> problems() {
        return problems;
    }

    private static String summary(List<RuleProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a rule pack exception needs at least one problem");
        }
        String first = problems.get(0).toString();
        return problems.size() == 1 ? first : first + " (and " + (problems.size() - 1) + " more)";
    }
}
