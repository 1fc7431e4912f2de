package dev.vigil.rules.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A command line as the programs it runs: split into simple commands at unquoted {@code ; && || | &} and line
 * breaks, each with its quotes removed, whitespace collapsed, the program named without its directory or
 * {@code .exe}, and wrappers peeled off ({@code sudo -u root}, {@code doas}, {@code env A=b}, {@code nohup},
 * {@code su -c '...'}, {@code bash -c '...'}, {@code cmd /c}, {@code powershell -Command},
 * {@code kubectl exec ... --}, {@code psql -c}, {@code mysql -e}, {@code sqlcmd -Q}), so that a pattern can
 * anchor on the program actually run: {@code ^useradd\b} matches {@code sudo /usr/sbin/useradd bob} but not
 * {@code grep useradd notes.txt}.
 *
 * <p>Redirections stay as separate {@code >} / {@code >>} words, so {@code echo key >>~/.ssh/authorized_keys}
 * reads {@code echo key >> ~/.ssh/authorized_keys}. Case is kept: patterns decide where it matters.
 */
public final class CommandLine {
    /** Nesting deeper than this (a shell in a shell in a shell ...) is left as it is. */
    private static final int MAX_DEPTH = 4;
    private static final Set<String> SHELLS = Set.of("bash", "sh", "zsh", "dash", "ksh", "ash", "busybox");
    private static final Set<String> TRANSPARENT = Set.of("nohup", "time", "exec", "command", "builtin", "nice",
            "ionice", "stdbuf", "setsid", "chroot");

    private CommandLine() {}

    /** The simple commands of a command line, normalised; empty for null or blank input. */
    public static List<String> segments(String commandLine) {
        List<String> out = new ArrayList<>(2);
        if (commandLine != null) {
            collect(commandLine, 0, out);
        }
        return out;
    }

    private static void collect(String text, int depth, List<String> out) {
        for (List<String> words : split(text)) {
            peel(words, depth, out);
        }
    }

    /** Words of each simple command, quotes removed. Backslash is literal: it is Windows' path separator. */
    static List<List<String>> split(String text) {
        List<List<String>> commands = new ArrayList<>(2);
        List<String> words = new ArrayList<>(8);
        StringBuilder word = new StringBuilder();
        char quote = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
                continue;
            }
            switch (c) {
                case '\'', '"' -> quote = c;
                case ';', '\n', '\r', '|', '`' -> {
                    endWord(word, words);
                    endCommand(words, commands);
                    words = new ArrayList<>(8);
                }
                case '&' -> {
                    if (i + 1 < n && text.charAt(i + 1) == '>') {
                        // &> and &>> redirect; they do not end the command.
                        endWord(word, words);
                        break;
                    }
                    if (i > 0 && text.charAt(i - 1) == '>') {
                        // >&2: a redirection target, not a separator.
                        word.append(c);
                        break;
                    }
                    endWord(word, words);
                    endCommand(words, commands);
                    words = new ArrayList<>(8);
                }
                case '>' -> {
                    endWord(word, words);
                    if (i + 1 < n && text.charAt(i + 1) == '>') {
                        words.add(">>");
                        i++;
                    } else {
                        words.add(">");
                    }
                }
                case '$' -> {
                    if (i + 1 < n && text.charAt(i + 1) == '(') {
                        // $( ... ) runs a command of its own.
                        endWord(word, words);
                        endCommand(words, commands);
                        words = new ArrayList<>(8);
                        i++;
                    } else {
                        word.append(c);
                    }
                }
                default -> {
                    if (Character.isWhitespace(c)) {
                        endWord(word, words);
                    } else {
                        word.append(c);
                    }
                }
            }
        }
        endWord(word, words);
        endCommand(words, commands);
        return commands;
    }

    private static void endWord(StringBuilder word, List<String> words) {
        if (word.length() > 0) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    private static void endCommand(List<String> words, List<List<String>> commands) {
        if (!words.isEmpty()) {
            commands.add(words);
        }
    }

    /** Strips wrappers off one simple command and adds what it runs (possibly several commands) to out. */
    private static void peel(List<String> words, int depth, List<String> out) {
        int at = 0;
        while (at < words.size()) {
            String program = program(words.get(at));
            int next = at + 1;
            switch (program) {
                case "sudo" -> next = skipOptions(words, next, Set.of("-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t",
                        "-U", "-T", "--user", "--group", "--host", "--prompt", "--chdir"));
                case "doas" -> next = skipOptions(words, next, Set.of("-u", "-C"));
                case "runuser" -> {
                    int nested = nestedAfter(words, next, "-c", "--command");
                    if (nested >= 0) {
                        nest(words.get(nested), depth, out);
                        return;
                    }
                    next = skipOptions(words, next, Set.of("-u", "-g", "-G", "-l", "--user", "--group"));
                }
                case "env" -> {
                    next = skipOptions(words, next, Set.of("-u", "-C", "--unset", "--chdir"));
                    while (next < words.size() && isAssignment(words.get(next))) {
                        next++;
                    }
                }
                case "nice", "ionice" -> next = skipOptions(words, next, Set.of("-n", "-c", "-p"));
                case "su" -> {
                    int nested = nestedAfter(words, next, "-c", "--command");
                    if (nested >= 0) {
                        nest(words.get(nested), depth, out);
                        return;
                    }
                    next = words.size() + 1;
                }
                case "cmd" -> {
                    int nested = indexOfIgnoreCase(words, next, "/c", "/k", "/r");
                    if (nested >= 0) {
                        nest(String.join(" ", words.subList(nested + 1, words.size())), depth, out);
                        return;
                    }
                    next = words.size() + 1;
                }
                case "powershell", "pwsh" -> {
                    int nested = indexOfIgnoreCase(words, next, "-c", "-command", "/c", "/command");
                    if (nested >= 0) {
                        nest(String.join(" ", words.subList(nested + 1, words.size())), depth, out);
                        return;
                    }
                    int encoded = indexOfIgnoreCase(words, next, "-e", "-ec", "-enc", "-encodedcommand");
                    String decoded = encoded >= 0 && encoded + 1 < words.size() ? decode(words.get(encoded + 1)) : null;
                    if (decoded != null) {
                        nest(decoded, depth, out);
                        return;
                    }
                    next = words.size() + 1;
                }
                case "kubectl", "oc" -> {
                    int dashes = words.indexOf("--");
                    if (next < words.size() && words.get(next).equals("exec") && dashes > next) {
                        next = dashes + 1;
                    } else {
                        next = words.size() + 1;
                    }
                }
                case "psql", "mysql", "mariadb", "sqlcmd", "clickhouse-client" -> {
                    int nested = nestedAfter(words, next, program.equals("psql") ? "-c" : program.equals("sqlcmd")
                            ? "-Q" : "-e", program.equals("psql") ? "--command" : "--execute");
                    if (nested < 0 && program.equals("sqlcmd")) {
                        nested = nestedAfter(words, next, "-q", "--query");
                    }
                    if (nested >= 0) {
                        nest(words.get(nested), depth, out);
                        return;
                    }
                    next = words.size() + 1;
                }
                default -> {
                    if (isAssignment(words.get(at))) {
                        // FOO=bar cmd: the assignment only sets the environment of what follows.
                        break;
                    }
                    if (SHELLS.contains(program)) {
                        int nested = shellCommand(words, next);
                        if (nested >= 0) {
                            nest(words.get(nested), depth, out);
                            return;
                        }
                        next = words.size() + 1;
                    } else if (!TRANSPARENT.contains(program)) {
                        next = words.size() + 1;
                    }
                }
            }
            if (next >= words.size()) {
                // Nothing left to run (sudo -i, a plain shell, a program that is not a wrapper): keep it as it is.
                break;
            }
            at = next;
        }
        if (at >= words.size()) {
            return;
        }
        StringBuilder text = new StringBuilder(64).append(program(words.get(at)));
        for (int i = at + 1; i < words.size(); i++) {
            text.append(' ').append(words.get(i));
        }
        out.add(text.toString());
    }

    private static void nest(String command, int depth, List<String> out) {
        if (depth >= MAX_DEPTH) {
            out.add(command);
        } else {
            collect(command, depth + 1, out);
        }
    }

    /** The program a word names: no directory, no {@code .exe}, lower case (programs are matched that way). */
    static String program(String word) {
        if (isAssignment(word)) {
            return word;
        }
        int slash = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\'));
        String name = slash >= 0 && slash < word.length() - 1 ? word.substring(slash + 1) : word;
        name = name.toLowerCase(Locale.ROOT);
        return name.endsWith(".exe") && name.length() > 4 ? name.substring(0, name.length() - 4) : name;
    }

    /** The index after the options of a wrapper; {@code withArgument} options also skip their value. */
    private static int skipOptions(List<String> words, int from, Set<String> withArgument) {
        int i = from;
        while (i < words.size() && words.get(i).startsWith("-")) {
            String option = words.get(i);
            i++;
            if (option.equals("--")) {
                break;
            }
            if (withArgument.contains(option)) {
                i++;
            }
        }
        return i;
    }

    /** The index of the argument of {@code -c CMD} or {@code --command=CMD}... in words; -1 if absent. */
    private static int nestedAfter(List<String> words, int from, String shortOption, String longOption) {
        for (int i = from; i < words.size(); i++) {
            String w = words.get(i);
            if ((w.equals(shortOption) || w.equals(longOption)) && i + 1 < words.size()) {
                return i + 1;
            }
            if (w.startsWith(longOption + "=")) {
                words.set(i, w.substring(longOption.length() + 1));
                return i;
            }
        }
        return -1;
    }

    /** {@code bash -c CMD}, {@code sh -lc CMD}, {@code bash -x -c CMD}: the index of CMD, or -1. */
    private static int shellCommand(List<String> words, int from) {
        for (int i = from; i < words.size() - 1; i++) {
            String w = words.get(i);
            if (!w.startsWith("-")) {
                return -1;
            }
            if (!w.startsWith("--") && w.indexOf('c') > 0) {
                return i + 1;
            }
        }
        return -1;
    }

    private static int indexOfIgnoreCase(List<String> words, int from, String... options) {
        for (int i = from; i < words.size(); i++) {
            for (String o : options) {
                if (words.get(i).equalsIgnoreCase(o)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static boolean isAssignment(String word) {
        int eq = word.indexOf('=');
        if (eq <= 0 || word.startsWith("-")) {
            return false;
        }
        for (int i = 0; i < eq; i++) {
            char c = word.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** PowerShell's -EncodedCommand: Base64 of UTF-16LE text; null when it is not that. */
    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_16LE);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
