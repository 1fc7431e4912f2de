package dev.vigil.rules.pack;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The value types a rule parameter can have, and how a default from {@code rule.yaml} or an override from a
 * deployment becomes one. The type of the default decides: an override must be of the same kind.
 *
 * <p>In EPL a parameter is a named substitution parameter. Durations reach EPL as {@code long} milliseconds:
 * declare them {@code ?:name:long} and use them as {@code ?:name:long milliseconds}.
 */
public final class RuleParameters {
    private RuleParameters() {}

    /**
     * The default a {@code rule.yaml} declares: an integer ({@link Long}), a decimal ({@link Double}), a boolean,
     * an ISO-8601 duration such as {@code PT15M} ({@link Duration}) or any other string.
     *
     * @throws IllegalArgumentException for null, lists and mappings, with the reason
     */
    public static Object fromYaml(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("has no default value");
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isTextual()) {
            String text = node.asText();
            return looksLikeDuration(text) ? parseDuration(text) : text;
        }
        throw new IllegalArgumentException("must be a number, a boolean, a duration or a string, not a "
                + node.getNodeType().toString().toLowerCase(Locale.ROOT));
    }

    /**
     * An override made to fit the declared default's type; strings are parsed, so values from a configuration
     * file or the command line work.
     *
     * @throws IllegalArgumentException when the value cannot be of that type, with the reason
     */
    public static Object coerce(Object declared, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("must not be null");
        }
        try {
            if (declared instanceof Long) {
                return value instanceof Number n && n.doubleValue() == n.longValue()
                        ? Long.valueOf(n.longValue()) : Long.valueOf(value.toString().trim());
            }
            if (declared instanceof Double) {
                return value instanceof Number n ? Double.valueOf(n.doubleValue()) : Double.valueOf(value.toString().trim());
            }
            if (declared instanceof Boolean) {
                if (value instanceof Boolean b) {
                    return b;
                }
                String text = value.toString().trim().toLowerCase(Locale.ROOT);
                if (text.equals("true") || text.equals("false")) {
                    return Boolean.valueOf(text);
                }
                throw new IllegalArgumentException("must be true or false, not '" + value + "'");
            }
            if (declared instanceof Duration) {
                return value instanceof Duration d ? d : parseDuration(value.toString().trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be " + typeName(declared) + ", not '" + value + "'");
        }
        return value.toString();
    }

    /** What a parameter holds, for messages: "an integer", "a duration", ... */
    public static String typeName(Object declared) {
        if (declared instanceof Long) {
            return "an integer";
        }
        if (declared instanceof Double) {
            return "a number";
        }
        if (declared instanceof Boolean) {
            return "true or false";
        }
        if (declared instanceof Duration) {
            return "an ISO-8601 duration such as PT15M";
        }
        return "a string";
    }

    /** The value EPL sees: durations as milliseconds, everything else as it is. */
    public static Object toEpl(Object value) {
        return value instanceof Duration d ? Long.valueOf(d.toMillis()) : value;
    }

    /** Canonical text of a value, for the pack's version hash: durations in ISO-8601. */
    static String canonical(Object value) {
        return value instanceof Duration d ? d.toString() : String.valueOf(value);
    }

    static boolean looksLikeDuration(String text) {
        return text.length() > 1 && (text.charAt(0) == 'P' || text.charAt(0) == 'p'
                || (text.charAt(0) == '-' && text.length() > 2 && (text.charAt(1) == 'P' || text.charAt(1) == 'p')));
    }

    static Duration parseDuration(String text) {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 duration (e.g. PT15M, PT24H, P7D)");
        }
    }
}
