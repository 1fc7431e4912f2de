package dev.vigil.rules.engine;

import dev.vigil.rules.pack.RulePack;
import dev.vigil.rules.pack.RulePackException;
import dev.vigil.rules.pack.RuleProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule pack compiled once. Compiling costs about a second per rule; deploying the compiled form into a new
 * {@link RuleEngine} costs milliseconds, so a fixture run or a restarted task reuses it.
 */
public final class CompiledPack {
    private final RulePack pack;
    private final List<CompiledRule> rules;

    private CompiledPack(RulePack pack, List<CompiledRule> rules) {
        this.pack = pack;
        this.rules = List.copyOf(rules);
    }

    /**
     * Compiles every rule and checks it deploys: EPL syntax and semantics, a {@code @Name} on every statement,
     * the finding columns, parameters used and declared, and the metadata a finding needs.
     *
     * @throws RulePackException naming file and line of every problem
     */
    public static CompiledPack compile(RulePack pack) {
        List<RuleProblem> problems = new ArrayList<>();
        List<CompiledRule> compiled = new PackCompiler(problems).compile(pack);
        if (!problems.isEmpty()) {
            throw new RulePackException(problems);
        }
        return new CompiledPack(pack, compiled);
    }

    /** Every problem {@link #compile} would refuse the pack for; empty when it compiles. */
    public static List<RuleProblem> check(RulePack pack) {
        List<RuleProblem> problems = new ArrayList<>();
        new PackCompiler(problems).compile(pack);
        return problems;
    }

    public RulePack pack() {
        return pack;
    }

    public List<CompiledRule> rules() {
        return rules;
    }

    public String version() {
        return pack.version();
    }
}
