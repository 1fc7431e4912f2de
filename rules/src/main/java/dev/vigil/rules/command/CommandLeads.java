package dev.vigil.rules.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plain words an anchored command pattern must start with: {@code ^auditctl\b...} gives {@code auditctl},
 * {@code ^(useradd|adduser)\b} both names, {@code ^net1?\s} gives {@code net}. A pattern whose start is anything
 * else (a class, an optional group, flags, an escape) gives none, and is then tried on every command.
 */
final class CommandLeads {
    private CommandLeads() {}

    /**
     * The lower-case literal leads of an expression starting with {@code ^} and anchored there, or null when its
     * start is not a plain word or a group of plain-word alternatives.
     */
    static String[] of(String regex) {
        if (!regex.startsWith("^") || regex.length() < 2) {
            return null;
        }
        if (regex.charAt(1) != '(') {
            String lead = literal(regex, 1, regex.length());
            return lead.isEmpty() ? null : new String[] {lead};
        }
        if (regex.length() > 2 && regex.charAt(2) == '?') {
            return null;
        }
        List<String> leads = new ArrayList<>();
        int depth = 0;
        int start = 2;
        for (int i = 2; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                // A class may hold | and ) unescaped; such a group is not worth parsing.
                return null;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if ((c == '|' || c == ')') && depth == 0) {
                String lead = literal(regex, start, i);
                if (lead.isEmpty()) {
                    return null;
                }
                leads.add(lead);
                if (c == ')') {
                    // An optional or repeated group may be absent or say nothing about the start.
                    return i + 1 < regex.length() && isQuantifier(regex.charAt(i + 1)) ? null : leads.toArray(String[]::new);
                }
                start = i + 1;
            }
        }
        return null;
    }

    /** The run of plain word characters at {@code from}, less a last one a quantifier makes optional. */
    private static String literal(String regex, int from, int to) {
        int i = from;
        while (i < to && isPlain(regex.charAt(i))) {
            i++;
        }
        int end = i;
        if (end > from && end < regex.length() && isOptional(regex.charAt(end))) {
            end--;
        }
        return regex.substring(from, end).toLowerCase(Locale.ROOT);
    }

    private static boolean isPlain(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static boolean isOptional(char c) {
        return c == '?' || c == '*' || c == '{';
    }

    private static boolean isQuantifier(char c) {
        return c == '?' || c == '*' || c == '{' || c == '+';
    }
}
