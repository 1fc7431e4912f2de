package dev.vigil.rules.engine;

import com.espertech.esper.runtime.client.option.StatementSubstitutionParameterContext;
import dev.vigil.rules.command.CommandPatterns;
import dev.vigil.rules.pack.RuleParameters;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Supplies a rule's parameter values to the substitution parameters ({@code ?:name:type}) of its statements when
 * the rule is deployed, converting each to the type the EPL declares.
 */
final class ParameterBinding {
    /** A string parameter whose name ends so is a {@link CommandPatterns} list, checked when the rule deploys. */
    static final String COMMAND_PATTERNS_SUFFIX = "_commands";

    private ParameterBinding() {}

    /**
     * Sets every named substitution parameter of one statement.
     *
     * @param values the rule's parameter values by name
     * @param problem told (statement name, message) of a parameter that is undeclared or does not fit; it is
     *     then left unset, so the deployment fails
     * @param used told the name of every parameter the statement uses
     */
    static void bind(StatementSubstitutionParameterContext ctx, Map<String, Object> values,
                     BiConsumer<String, String> problem, java.util.function.Consumer<String> used) {
        Class<?>[] types = ctx.getSubstitutionParameterTypes();
        Map<String, Integer> names = ctx.getSubstitutionParameterNames();
        if (names == null) {
            if (types != null && types.length > 0) {
                problem.accept(ctx.getStatementName(), "uses an unnamed parameter '?': name it, e.g. ?:threshold:int,"
                        + " and declare it in rule.yaml");
            }
            return;
        }
        for (Map.Entry<String, Integer> p : names.entrySet()) {
            String name = p.getKey();
            used.accept(name);
            if (!values.containsKey(name)) {
                problem.accept(ctx.getStatementName(), "uses parameter ?:" + name
                        + " that rule.yaml does not declare under parameters");
                continue;
            }
            // Names map to 1-based positions; the type array is 0-based.
            Class<?> type = types == null || p.getValue() - 1 >= types.length ? null : types[p.getValue() - 1];
            try {
                Object value = convert(RuleParameters.toEpl(values.get(name)), type);
                if (name.endsWith(COMMAND_PATTERNS_SUFFIX) && value instanceof String text) {
                    // Parsed now, so a bad list stops the deployment naming its line, not the first command.
                    CommandPatterns.of(text);
                }
                ctx.setObject(name, value);
            } catch (IllegalArgumentException e) {
                problem.accept(ctx.getStatementName(), "parameter ?:" + name + " " + e.getMessage());
            }
        }
    }

    static Object convert(Object value, Class<?> type) {
        if (type == null || type == Object.class || type.isInstance(value)) {
            return value;
        }
        if (value instanceof Number n) {
            if (type == Integer.class || type == int.class) {
                if (n.longValue() < Integer.MIN_VALUE || n.longValue() > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("value " + n + " does not fit the int the EPL declares");
                }
                return n.intValue();
            }
            if (type == Long.class || type == long.class) {
                return n.longValue();
            }
            if (type == Double.class || type == double.class) {
                return n.doubleValue();
            }
            if (type == Float.class || type == float.class) {
                return n.floatValue();
            }
        }
        if (value instanceof Boolean && type == boolean.class) {
            return value;
        }
        throw new IllegalArgumentException("is " + value.getClass().getSimpleName() + " in rule.yaml but the EPL declares "
                + type.getSimpleName());
    }
}
