package dev.vigil.rules.engine;

/**
 * What one rule has cost and produced in one engine, for metrics.
 *
 * @param matches findings the rule emitted
 * @param evaluationNanos estimated nanoseconds Esper spent in the rule's statements: Esper's per-statement wall
 *     clock on every n-th event, scaled by n ({@link RuleEngine.Options#timingSampleEvery()}); it includes
 *     Esper's own measuring, so it is for comparing rules, not an absolute cost. 0 when sampling is off.
 * @param invalidOutputs output rows that could not become a finding (each also logged with its reason)
 */
public record RuleStats(String ruleId, long matches, long evaluationNanos, long invalidOutputs) {}
