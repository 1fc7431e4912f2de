package dev.vigil.connectors.normalize;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from command lines before anything downstream sees them, so no password, token or key is ever
 * indexed. What it keeps is the shape (the flag, the variable name), which rules and analysts still need.
 */
public final class CommandRedactor {
    public static final String MASK = "[REDACTED]";

    private record Rule(Pattern pattern, String replacement) {}

    private static final List<Rule> RULES = List.of(
            // --password=x, --token x, --secret-key "x", -p'x' style long and short flags.
            new Rule(Pattern.compile("(?i)(--?(?:password|passwd|pass|pwd|token|secret|secret-key|api-key|apikey|access-key|client-secret)(?:=|\\s+))(\"[^\"]*\"|'[^']*'|\\S+)"),
                    "$1" + MASK),
            // mysql -pSECRET (the value glued to -p).
            new Rule(Pattern.compile("(\\b(?:mysql|mysqldump|mysqladmin)\\b[^|;&]*?\\s-p)(?!\\s)(\\S+)"), "$1" + MASK),
            // PASSWORD=x, API_TOKEN=x, AWS_SECRET_ACCESS_KEY=x, PGPASSWORD=x environment assignments.
            new Rule(Pattern.compile("(?i)\\b([A-Z0-9_]*(?:PASSWORD|PASSWD|TOKEN|SECRET|API_KEY|ACCESS_KEY)[A-Z0-9_]*=)(\"[^\"]*\"|'[^']*'|\\S+)"),
                    "$1" + MASK),
            // Authorization headers.
            new Rule(Pattern.compile("(?i)(authorization:\\s*(?:bearer|basic|token)\\s+)([A-Za-z0-9._~+/=-]+)"), "$1" + MASK),
            // user:password@ in URLs.
            new Rule(Pattern.compile("([a-z][a-z0-9+.-]*://[^/\\s:@]+:)([^@\\s/]+)(@)"), "$1" + MASK + "$3"),
            // AWS access key ids, JWTs, GitHub and Slack tokens, private key blocks: wherever they stand.
            new Rule(Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"), MASK),
            new Rule(Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"), MASK),
            new Rule(Pattern.compile("\\b(?:ghp|gho|ghs|ghu|github_pat|xox[abpr])_?[A-Za-z0-9_-]{16,}"), MASK),
            new Rule(Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"), MASK),
            // IDENTIFIED BY 'x' in SQL (CREATE USER / ALTER USER / SET PASSWORD).
            new Rule(Pattern.compile("(?i)(identified\\s+by\\s+)('[^']*'|\"[^\"]*\"|\\S+)"), "$1" + MASK),
            new Rule(Pattern.compile("(?i)(password\\s*(?:=|\\()\\s*)('[^']*'|\"[^\"]*\")"), "$1" + MASK),
            // PostgreSQL: CREATE/ALTER ROLE x WITH PASSWORD 'y', as brokered database sessions log it.
            new Rule(Pattern.compile("(?i)(\\bpassword\\s+)('[^']*')"), "$1" + MASK));

    /**
     * Every rule above needs one of these (lower-cased) in the command; most commands have none, and checking a
     * few substrings costs far less than running every pattern on every command.
     */
    private static final List<String> TRIGGERS = List.of("pass", "pwd", "token", "secret", "key", "auth", "://",
            "-p", "akia", "asia", "eyj", "gh", "xox", "private", "identified");

    private CommandRedactor() {}

    private static boolean mayHoldSecret(String command) {
        String lower = command.toLowerCase(java.util.Locale.ROOT);
        for (String trigger : TRIGGERS) {
            if (lower.contains(trigger)) {
                return true;
            }
        }
        return false;
    }

    /** The command with every secret replaced by {@value #MASK}; null stays null. */
    public static String redact(String command) {
        if (command == null || command.isEmpty() || !mayHoldSecret(command)) {
            return command;
        }
        String out = command;
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(out);
            if (m.find()) {
                out = m.replaceAll(rule.replacement());
            }
        }
        return out;
    }
}
