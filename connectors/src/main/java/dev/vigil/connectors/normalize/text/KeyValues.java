package dev.vigil.connectors.normalize.text;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Space-separated {@code key=value} pairs as auditd and many daemons write them: values bare, {@code "double"} or
 * {@code 'single'} quoted. A quoted value keeps its quotes' meaning through {@link Value#quoted}, because auditd
 * marks hex-encoded strings by leaving them unquoted.
 */
public final class KeyValues {
    /** One value and whether it was quoted. */
    public record Value(String text, boolean quoted) {}

    private KeyValues() {}

    public static Map<String, Value> parse(String s) {
        Map<String, Value> out = new LinkedHashMap<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            int eq = i;
            while (eq < n && s.charAt(eq) != '=' && s.charAt(eq) != ' ') {
                eq++;
            }
            if (eq >= n || s.charAt(eq) != '=') {
                // A bare word (auditd writes some): skip it.
                i = eq;
                continue;
            }
            String key = s.substring(i, eq);
            int v = eq + 1;
            if (v < n && (s.charAt(v) == '"' || s.charAt(v) == '\'')) {
                char q = s.charAt(v);
                int close = s.indexOf(q, v + 1);
                if (close < 0) {
                    out.put(key, new Value(s.substring(v + 1), true));
                    break;
                }
                out.put(key, new Value(s.substring(v + 1, close), true));
                i = close + 1;
            } else {
                int end = v;
                while (end < n && s.charAt(end) != ' ' && s.charAt(end) != '\t') {
                    end++;
                }
                out.put(key, new Value(s.substring(v, end), false));
                i = end;
            }
        }
        return out;
    }
}
