package dev.vigil.rules.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    @Test
    void splitsAtUnquotedSeparatorsAndRemovesQuotes() {
        assertThat(CommandLine.segments("cd /tmp && ls -la | grep 'a;b' ; echo \"x  y\"  &  id"))
                .containsExactly("cd /tmp", "ls -la", "grep a;b", "echo x  y", "id");
        assertThat(CommandLine.segments("  uptime\t -p  ")).containsExactly("uptime -p");
        assertThat(CommandLine.segments("")).isEmpty();
        assertThat(CommandLine.segments(null)).isEmpty();
        assertThat(CommandLine.segments("echo $(id -u)")).containsExactly("echo", "id -u)");
    }

    @Test
    void keepsRedirectionsAsWordsAndNotAsSeparators() {
        assertThat(CommandLine.segments("echo key>>/root/.ssh/authorized_keys"))
                .containsExactly("echo key >> /root/.ssh/authorized_keys");
        assertThat(CommandLine.segments("make 2>&1 | tee build.log")).containsExactly("make 2 > &1", "tee build.log");
        assertThat(CommandLine.segments("run &>/dev/null")).containsExactly("run > /dev/null");
    }

    @Test
    void namesTheProgramWithoutPathOrExtension() {
        assertThat(CommandLine.segments("/usr/sbin/useradd bob")).containsExactly("useradd bob");
        assertThat(CommandLine.segments("C:\\Windows\\System32\\wevtutil.exe cl Security"))
                .containsExactly("wevtutil cl Security");
        assertThat(CommandLine.segments("./mimikatz.exe")).containsExactly("mimikatz");
        assertThat(CommandLine.segments("HISTFILE=/dev/null")).containsExactly("HISTFILE=/dev/null");
    }

    @Test
    void peelsWrappersOffToTheCommandActuallyRun() {
        assertThat(CommandLine.segments("sudo -u root -E /usr/sbin/auditctl -D")).containsExactly("auditctl -D");
        assertThat(CommandLine.segments("sudo -i")).containsExactly("sudo -i");
        assertThat(CommandLine.segments("doas -u root useradd x")).containsExactly("useradd x");
        assertThat(CommandLine.segments("su - root -c 'history -c; rm -f ~/.bash_history'"))
                .containsExactly("history -c", "rm -f ~/.bash_history");
        assertThat(CommandLine.segments("env -i HISTFILE= PATH=/bin nohup bash -lc \"useradd -m x\""))
                .containsExactly("useradd -m x");
        assertThat(CommandLine.segments("cmd.exe /c \"net user eve P4ss /add\"")).containsExactly("net user eve P4ss /add");
        assertThat(CommandLine.segments("powershell -NoProfile -Command Clear-EventLog -LogName Security"))
                .containsExactly("clear-eventlog -LogName Security");
        String encoded = Base64.getEncoder().encodeToString("Set-MpPreference -DisableRealtimeMonitoring $true"
                .getBytes(StandardCharsets.UTF_16LE));
        assertThat(CommandLine.segments("powershell.exe -enc " + encoded))
                .containsExactly("set-mppreference -DisableRealtimeMonitoring $true");
        assertThat(CommandLine.segments("kubectl exec -it deploy/payments -n payments -- auditctl -D"))
                .containsExactly("auditctl -D");
        assertThat(CommandLine.segments("kubectl get pods -n payments")).containsExactly("kubectl get pods -n payments");
        assertThat(CommandLine.segments("psql -h db1 -U postgres -c \"ALTER ROLE app SUPERUSER\""))
                .containsExactly("alter ROLE app SUPERUSER");
        assertThat(CommandLine.segments("mysql --execute='SET GLOBAL general_log = OFF'"))
                .containsExactly("set GLOBAL general_log = OFF");
        assertThat(CommandLine.segments("HISTSIZE=0 bash")).containsExactly("bash");
    }
}
