package dev.vigil.jobs.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The risky-command count's checks answer as its expressions alone do, on risky, near-miss and ordinary lines. */
class RiskyCommandPatternsTest {

    private static final List<String> LINES = List.of(
            "auditctl -D", "sudo auditctl -e 0", "auditctl -l", "AUDITCTL -D",
            "useradd -m eve", "sudo adduser bob", "usermod -aG sudo eve", "userdel eve", "xuseradd",
            "cat /etc/shadow", "sudo vi /etc/sudoers", "ls /etc/", "cat /etc/passwd",
            "history -c", "unset HISTFILE", "export HISTSIZE=0", "history | tail", "HISTFILE=", "histsize=0",
            "mimikatz.exe", "Invoke-Mimikatz", "procdump -ma LSASS.exe", "SEKURLSA::logonpasswords", "mimi katz",
            "systemctl stop falcon-sensor", "systemctl disable auditd", "systemctl restart nginx", "systemctl stop nginx",
            "echo key >> ~/.ssh/authorized_keys", "cat authorized_keys2", "ls ~/.ssh",
            "rm -rf /var/log/", "rm /var/log/auth.log", "ls /var/log/", "rm -f -v /var/log/x",
            "passwd root", "sudo passwd  root", "passwd eve", "passwdroot",
            "", " ", "kubectl get pods -n payments", "psql -c 'select 1'", "tail -f /var/log/syslog");

    @Test
    void theChecksAnswerAsTheExpressionsDo() {
        List<String> lines = new ArrayList<>(LINES);
        for (String l : LINES) {
            lines.add("sudo " + l + " && echo done");
            lines.add(l.toUpperCase());
        }
        for (String line : lines) {
            assertThat(RiskyCommandPatterns.isRisky(line)).as(line).isEqualTo(anyExpressionFinds(line));
        }
    }

    @Test
    void riskyLinesAreCountedAndOrdinaryOnesAreNot() {
        assertThat(RiskyCommandPatterns.isRisky("sudo auditctl -D")).isTrue();
        assertThat(RiskyCommandPatterns.isRisky("procdump -ma LSASS.exe")).isTrue();
        assertThat(RiskyCommandPatterns.isRisky("systemctl restart nginx")).isFalse();
        assertThat(RiskyCommandPatterns.isRisky(null)).isFalse();
    }

    private static boolean anyExpressionFinds(String line) {
        if (line.isEmpty()) {
            return false;
        }
        for (Pattern p : RiskyCommandPatterns.PATTERNS) {
            if (p.matcher(line).find()) {
                return true;
            }
        }
        return false;
    }
}
