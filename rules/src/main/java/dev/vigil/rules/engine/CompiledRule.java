package dev.vigil.rules.engine;

import com.espertech.esper.common.client.EPCompiled;
import dev.vigil.rules.pack.RuleDefinition;
import java.util.Map;

/**
 * One rule compiled to Esper byte code, ready to deploy into any number of runtimes.
 *
 * @param statementLines the line of each statement in {@code rule.epl}, by statement name
 */
public record CompiledRule(RuleDefinition definition, EPCompiled compiled, Map<String, Integer> statementLines) {

    public CompiledRule {
        statementLines = Map.copyOf(statementLines);
    }

    public String id() {
        return definition.id();
    }

    /** The line of a statement in {@code rule.epl}; 0 when unknown. */
    public int line(String statementName) {
        return statementLines.getOrDefault(statementName, 0);
    }
}
