package dev.vigil.rules.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A list of named command patterns, such as PUM-009's risky commands, matched against the simple commands of a
 * command line ({@link CommandLine}). The list is text, one pattern a line, so that it can be a rule parameter:
 *
 * <pre>
 * # category/name: regular expression
 * audit-tampering/auditctl-delete-rules: ^auditctl\b.*\s(?-i:-D)\b
 * </pre>
 *
 * <p>Blank lines and lines starting with {@code #} are skipped; the first {@code ": "} ends the name. Expressions
 * are case-insensitive (write {@code (?-i:...)} for a case-sensitive flag) and are searched in each simple command,
 * so {@code ^} anchors on the program actually run. Parsed lists are kept, so a pack compiles its list once.
 */
public final class CommandPatterns {
    private static final int CACHE_LIMIT = 64;
    private static final Map<String, CommandPatterns> PARSED = new ConcurrentHashMap<>();

    /** One named pattern. */
    public record Named(String category, String name, Pattern pattern, boolean anchored) {
        Named(String category, String name, Pattern pattern) {
            this(category, name, pattern, anchoredAtStart(pattern.pattern()));
        }

        /** {@code category/name}, as findings show it. */
        public String label() {
            return category + "/" + name;
        }

        /**
         * Whether the pattern matches in the simple command. One anchored on the program ({@code ^...}) is only
         * tried at the start, instead of at every position as a search would: most patterns are, and this runs on
         * every command.
         */
        boolean matches(String command) {
            Matcher m = pattern.matcher(command);
            return anchored ? m.lookingAt() : m.find();
        }
    }

    /** A regex that starts with {@code ^} and has no alternation outside groups ({@code ^a|b} is not anchored). */
    static boolean anchoredAtStart(String regex) {
        if (!regex.startsWith("^")) {
            return false;
        }
        int depth = 0;
        boolean inClass = false;
        for (int i = 1; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '|' && depth == 0) {
                return false;
            }
        }
        return true;
    }

    /** What matched: the pattern and the simple command it matched in. */
    public record Match(Named pattern, String command) {}

    private final List<Named> patterns;
    /**
     * Per pattern, the literal texts (lower case) one of which a command must start with for the pattern to match
     * there, or null when the pattern says nothing about the start (not anchored, or not on a plain word).
     */
    private final String[][] leads;
    /**
     * Per lower-case ASCII first character of a command, the indexes (in list order) of the patterns that can match
     * a command starting with it: every command is tried only against its program's few patterns.
     */
    private final int[][] byFirstChar;
    private final int[] all;

    private CommandPatterns(List<Named> patterns) {
        this.patterns = List.copyOf(patterns);
        this.leads = new String[this.patterns.size()][];
        this.all = new int[this.patterns.size()];
        for (int i = 0; i < leads.length; i++) {
            Named p = this.patterns.get(i);
            leads[i] = p.anchored() ? CommandLeads.of(p.pattern().pattern()) : null;
            all[i] = i;
        }
        this.byFirstChar = new int[128][];
        for (char c = 0; c < 128; c++) {
            List<Integer> candidates = new ArrayList<>();
            for (int i = 0; i < leads.length; i++) {
                if (leads[i] == null || startsWithChar(leads[i], c)) {
                    candidates.add(i);
                }
            }
            byFirstChar[c] = candidates.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private static boolean startsWithChar(String[] texts, char c) {
        for (String t : texts) {
            if (t.charAt(0) == c) {
                return true;
            }
        }
        return false;
    }

    /** Indexes of the patterns worth trying on a command, in list order. */
    private int[] candidates(String command) {
        if (command.isEmpty()) {
            return all;
        }
        char c = command.charAt(0);
        if (c >= 128) {
            return all;
        }
        return byFirstChar[c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c];
    }

    /**
     * Whether the command starts with one of the pattern's literal leads. Case is ignored at least as widely as
     * the expression ignores it (ASCII), so this never rules out a command the expression would match.
     */
    private boolean mayMatch(int index, String command) {
        String[] texts = leads[index];
        if (texts == null) {
            return true;
        }
        for (String t : texts) {
            if (command.regionMatches(true, 0, t, 0, t.length())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses a list.
     *
     * @throws IllegalArgumentException naming the line of the first entry that is not {@code category/name: regex}
     *     or whose expression does not compile
     */
    public static CommandPatterns parse(String text) {
        List<Named> out = new ArrayList<>();
        String[] lines = text == null ? new String[0] : text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(": ");
            int slash = colon < 0 ? -1 : line.lastIndexOf('/', colon);
            if (colon < 0 || slash <= 0 || slash >= colon - 1) {
                throw new IllegalArgumentException("command pattern line " + (i + 1) + " is not 'category/name: regex': "
                        + line);
            }
            String category = line.substring(0, slash).strip();
            String name = line.substring(slash + 1, colon).strip();
            String regex = line.substring(colon + 2).strip();
            if (regex.isEmpty()) {
                throw new IllegalArgumentException("command pattern " + category + "/" + name + " (line " + (i + 1)
                        + ") has no expression");
            }
            try {
                out.add(new Named(category, name, Pattern.compile(regex, Pattern.CASE_INSENSITIVE)));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("command pattern " + category + "/" + name + " (line " + (i + 1)
                        + ") is not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
            }
        }
        return new CommandPatterns(out);
    }

    /**
     * The parsed form of a list, parsed on first use. Rule parameters are constants of a deployed statement, so the
     * same few texts come back on every command; the cache is cleared if a long run of pack reloads fills it.
     */
    public static CommandPatterns of(String text) {
        String key = text == null ? "" : text;
        CommandPatterns parsed = PARSED.get(key);
        if (parsed == null) {
            parsed = parse(key);
            if (PARSED.size() >= CACHE_LIMIT) {
                PARSED.clear();
            }
            PARSED.put(key, parsed);
        }
        return parsed;
    }

    /**
     * The first simple command of the line that a pattern matches, with the first such pattern in list order; null
     * if none matches.
     */
    public Match match(String commandLine) {
        if (patterns.isEmpty() || commandLine == null || commandLine.isBlank()) {
            return null;
        }
        List<String> commands = CommandLine.segments(commandLine);
        for (String command : commands) {
            for (int i : candidates(command)) {
                if (mayMatch(i, command)) {
                    Named p = patterns.get(i);
                    if (p.matches(command)) {
                        return new Match(p, command);
                    }
                }
            }
        }
        return null;
    }

    /** The patterns, in list order. */
    public List<Named> patterns() {
        return patterns;
    }

    public int size() {
        return patterns.size();
    }
}
