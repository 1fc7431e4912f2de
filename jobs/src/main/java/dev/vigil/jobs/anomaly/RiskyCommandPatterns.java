package dev.vigil.jobs.anomaly;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Command lines counted by the {@code risky_commands} feature: audit tampering, new users or keys, credential dumping,
 * history wiping, security agents stopped. A count for the behaviour profile, not a detection: PUM-009 is the rule
 * that raises findings for these.
 */
final class RiskyCommandPatterns {
    private static final List<Pattern> PATTERNS = List.of(
            Pattern.compile("\\bauditctl\\s+-[DWe]"),
            Pattern.compile("\\b(useradd|adduser|usermod)\\b"),
            Pattern.compile("/etc/(shadow|gshadow|sudoers)"),
            Pattern.compile("\\bhistory\\s+-c\\b|\\bunset\\s+HISTFILE\\b|HISTSIZE=0"),
            Pattern.compile("(?i)mimikatz|sekurlsa|lsass|procdump"),
            Pattern.compile("\\bsystemctl\\s+(stop|disable)\\s+\\S*(falcon|auditd|osquery|sensor|agent)"),
            Pattern.compile("authorized_keys"),
            Pattern.compile("\\brm\\s+(-\\w+\\s+)*/var/log/"),
            Pattern.compile("\\bpasswd\\b\\s+root"));

    private RiskyCommandPatterns() {}

    static boolean isRisky(String command) {
        if (command == null || command.isEmpty()) {
            return false;
        }
        for (Pattern p : PATTERNS) {
            if (p.matcher(command).find()) {
                return true;
            }
        }
        return false;
    }
}
