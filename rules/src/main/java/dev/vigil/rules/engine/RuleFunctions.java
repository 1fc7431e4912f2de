package dev.vigil.rules.engine;

import dev.vigil.rules.command.CommandPatterns;
import dev.vigil.rules.grant.ScopeMatcher;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Functions EPL can call by name to build an explanation an analyst can read: {@code iso(event_time)},
 * {@code duration(event_time - grant_ended_at)}, {@code joined(grant_scope)}. Each takes nulls, because EPL
 * string concatenation with a null yields null and would blank the whole sentence.
 */
public final class RuleFunctions {
    /** The names EPL uses, each a public static method here. */
    public static final List<String> NAMES = List.of("iso", "duration", "joined",
            "commandPattern", "listed", "roleLimit", "appended", "distinctJoined");

    private RuleFunctions() {}

    /** Epoch milliseconds as ISO-8601 UTC ({@code 2026-01-05T10:07:00Z}); "an unknown time" for null. */
    public static String iso(Long epochMillis) {
        return epochMillis == null ? "an unknown time" : Instant.ofEpochMilli(epochMillis).toString();
    }

    /** Milliseconds as a short human span: {@code 45s}, {@code 7m 5s}, {@code 2h 10m}, {@code 3d 4h}. */
    public static String duration(Long millis) {
        if (millis == null) {
            return "an unknown time";
        }
        long ms = Math.abs(millis);
        String sign = millis < 0 ? "-" : "";
        long s = ms / 1000;
        if (s < 60) {
            return sign + (s == 0 && ms > 0 ? ms + "ms" : s + "s");
        }
        long m = s / 60;
        if (m < 60) {
            return sign + m + "m" + (s % 60 == 0 ? "" : " " + s % 60 + "s");
        }
        long h = m / 60;
        if (h < 24) {
            return sign + h + "h" + (m % 60 == 0 ? "" : " " + m % 60 + "m");
        }
        return sign + h / 24 + "d" + (h % 24 == 0 ? "" : " " + h % 24 + "h");
    }

    /** A list as {@code a, b, c}; "none" for null or empty. */
    public static String joined(String[] values) {
        return values == null || values.length == 0 ? "none" : String.join(", ", Arrays.asList(values));
    }

    /** The last pattern list used, so a rule's constant parameters are not looked up again on every command. */
    private record PatternList(String patterns, String extra, CommandPatterns parsed) {}

    private static volatile PatternList lastPatterns = new PatternList("", "", CommandPatterns.of(""));

    /**
     * The {@code category/name} of the first pattern in {@code patterns}, then {@code extra} (both
     * {@link CommandPatterns} text, usually rule parameters), that the command line matches; null when none does.
     */
    public static String commandPattern(String commandLine, String patterns, String extra) {
        if (commandLine == null) {
            return null;
        }
        CommandPatterns.Match m = parsed(patterns, extra).match(commandLine);
        return m == null ? null : m.pattern().label();
    }

    private static CommandPatterns parsed(String patterns, String extra) {
        PatternList last = lastPatterns;
        if (!(same(last.patterns(), patterns) && same(last.extra(), extra))) {
            String text = (patterns == null ? "" : patterns) + (extra == null || extra.isBlank() ? "" : "\n" + extra);
            last = new PatternList(patterns, extra, CommandPatterns.of(text));
            lastPatterns = last;
        }
        return last.parsed();
    }

    private static boolean same(String a, String b) {
        return a == b || (a != null && a.equals(b));
    }

    // Lists in rule parameters are comma-separated strings (a parameter holds one value); these read them.
    // Parameter values are few and fixed per deployment, so each parsed form is kept.
    private static final Map<String, ScopeMatcher> LISTS = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, Long>> ROLE_LIMITS = new ConcurrentHashMap<>();

    /**
     * Whether a value is named by a comma- or space-separated list of names and {@code *} globs, ignoring case
     * ({@code listed(target, 'bastion-*, jump-01')}); false for a null value or an empty list.
     */
    public static boolean listed(String value, String commaSeparated) {
        if (value == null || commaSeparated == null || commaSeparated.isBlank()) {
            return false;
        }
        return LISTS.computeIfAbsent(commaSeparated, l -> ScopeMatcher.of(Arrays.stream(l.split("[,\\s]+")).filter(x -> !x.isEmpty()).toList()))
                .covers(value);
    }

    /**
     * The longest grant a role may have, in milliseconds: its entry in a comma-separated list of
     * {@code role=ISO-8601 duration} ({@code 'automation=P7D, emergency-admin=PT2H'}; role names ignore case),
     * else the default.
     *
     * @throws IllegalArgumentException when an entry is not {@code role=duration}, naming it
     */
    public static long roleLimit(String role, String byRole, long defaultMillis) {
        if (role == null || byRole == null || byRole.isBlank()) {
            return defaultMillis;
        }
        Long limit = ROLE_LIMITS.computeIfAbsent(byRole, RuleFunctions::parseRoleLimits)
                .get(role.trim().toLowerCase(Locale.ROOT));
        return limit == null ? defaultMillis : limit;
    }

    /** A copy of the array with one more element at the end; a null array counts as empty. */
    public static String[] appended(String[] values, String value) {
        String[] out = values == null ? new String[1] : Arrays.copyOf(values, values.length + 1);
        out[out.length - 1] = value;
        return out;
    }

    private static Map<String, Long> parseRoleLimits(String byRole) {
        Map<String, Long> limits = new java.util.HashMap<>();
        for (String entry : byRole.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            try {
                if (eq <= 0) {
                    throw new DateTimeParseException("no '='", entry, 0);
                }
                limits.put(entry.substring(0, eq).trim().toLowerCase(Locale.ROOT),
                        Duration.parse(entry.substring(eq + 1).trim()).toMillis());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + entry.trim()
                        + "' is not role=duration (e.g. automation=P7D)");
            }
        }
        return Map.copyOf(limits);
    }

    /**
     * The distinct values of a list in first-seen order as {@code a, b, c}, at most {@code max} of them, then
     * {@code and 4 more}; "none" for null or empty.
     */
    public static String distinctJoined(String[] values, Integer max) {
        if (values == null || values.length == 0) {
            return "none";
        }
        java.util.LinkedHashSet<String> distinct = new java.util.LinkedHashSet<>(Arrays.asList(values));
        distinct.remove(null);
        int limit = max == null ? Integer.MAX_VALUE : Math.max(1, max);
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (String v : distinct) {
            if (n == limit) {
                break;
            }
            out.append(n++ == 0 ? "" : ", ").append(v);
        }
        return distinct.size() > limit ? out + " and " + (distinct.size() - limit) + " more" : out.toString();
    }
}
