package dev.vigil.jobs.anomaly;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Command lines counted by the {@code risky_commands} feature: audit tampering, new users or keys, credential dumping,
 * history wiping, security agents stopped. A count for the behaviour profile, not a detection: PUM-009 is the rule
 * that raises findings for these.
 */
final class RiskyCommandPatterns {
    /**
     * Each expression with the texts one of which a command must contain for it to match (null: none known); the
     * texts are checked first, case-sensitively as the expressions match, so most commands run no expression.
     */
    private record Check(Pattern pattern, String[] needs) {
        boolean matches(String command) {
            if (needs != null && !containsAny(command, needs)) {
                return false;
            }
            return pattern.matcher(command).find();
        }
    }

    private static final List<Check> CHECKS = List.of(
            new Check(Pattern.compile("\\bauditctl\\s+-[DWe]"), new String[] {"auditctl"}),
            new Check(Pattern.compile("\\b(useradd|adduser|usermod)\\b"), new String[] {"useradd", "adduser", "usermod"}),
            new Check(Pattern.compile("/etc/(shadow|gshadow|sudoers)"), new String[] {"/etc/"}),
            new Check(Pattern.compile("\\bhistory\\s+-c\\b|\\bunset\\s+HISTFILE\\b|HISTSIZE=0"),
                    new String[] {"history", "HISTFILE", "HISTSIZE=0"}),
            new Check(Pattern.compile("(?i)mimikatz|sekurlsa|lsass|procdump"), null),
            new Check(Pattern.compile("\\bsystemctl\\s+(stop|disable)\\s+\\S*(falcon|auditd|osquery|sensor|agent)"),
                    new String[] {"systemctl"}),
            new Check(Pattern.compile("authorized_keys"), new String[] {"authorized_keys"}),
            new Check(Pattern.compile("\\brm\\s+(-\\w+\\s+)*/var/log/"), new String[] {"/var/log/"}),
            new Check(Pattern.compile("\\bpasswd\\b\\s+root"), new String[] {"passwd"}));

    /** The expressions alone, for tests that compare the checks with them. */
    static final List<Pattern> PATTERNS = CHECKS.stream().map(Check::pattern).toList();

    private RiskyCommandPatterns() {}

    static boolean isRisky(String command) {
        if (command == null || command.isEmpty()) {
            return false;
        }
        for (Check c : CHECKS) {
            if (c.matches(command)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsAny(String command, String[] texts) {
        for (String t : texts) {
            if (command.contains(t)) {
                return true;
            }
        }
        return false;
    }
}
