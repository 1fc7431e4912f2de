package dev.vigil.rules.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.RuleFunctions;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.rules.pack.RuleProblem;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** PUM-009's built-in list, as the pack ships it, against command lines people and tools really type. */
class RiskyCommandPatternsTest {
    private static final CommandPatterns RISKY = CommandPatterns.parse(
            (String) RulePack.builtIn().rule("PUM-009").orElseThrow().metadata().parameters().get("risky_commands"));

    /** A command line, then after the last '|' the pattern that must be the first to match it. */
    private static final String RISKY_LINES = """
            auditctl -D                                                   | audit-tampering/auditctl-delete-rules
            sudo /sbin/auditctl -e 0                                      | audit-tampering/auditctl-disable
            systemctl stop auditd                                         | audit-tampering/auditd-stopped
            sudo systemctl disable --now auditd.service                   | audit-tampering/auditd-stopped
            service auditd stop                                           | audit-tampering/auditd-service-stopped
            wevtutil cl Security                                          | audit-tampering/wevtutil-clear-log
            C:\\Windows\\System32\\wevtutil.exe clear-log System          | audit-tampering/wevtutil-clear-log
            powershell -c "Clear-EventLog -LogName Security,System"       | audit-tampering/clear-eventlog
            Get-EventLog -List | % { Clear-EventLog $_.Log }              | audit-tampering/clear-eventlog
            auditpol /clear /y                                            | audit-tampering/auditpol-clear
            auditpol /set /category:"Logon/Logoff" /success:disable       | audit-tampering/auditpol-disable
            ALTER SERVER AUDIT Compliance WITH (STATE = OFF)              | audit-tampering/sql-audit-off
            DROP SERVER AUDIT Compliance                                  | audit-tampering/sql-audit-dropped
            ALTER SYSTEM SET pgaudit.log = 'none'                         | audit-tampering/pgaudit-off
            SET pgaudit.log TO none;                                      | audit-tampering/pgaudit-off
            DROP EXTENSION IF EXISTS pgaudit                              | audit-tampering/pgaudit-dropped
            SET GLOBAL general_log = 'OFF'                                | audit-tampering/mysql-log-off
            useradd -o -u 0 backdoor                                      | new-user-or-key/useradd
            sudo adduser --disabled-password eve                          | new-user-or-key/useradd
            net user eve S3cret! /add                                     | new-user-or-key/net-user-add
            New-LocalUser -Name eve -NoPassword                           | new-user-or-key/new-localuser
            echo 'ssh-ed25519 AAAAC3Nz attacker' >> /root/.ssh/authorized_keys | new-user-or-key/authorized-keys-redirect
            cat key.pub | tee -a /home/bob/.ssh/authorized_keys           | new-user-or-key/authorized-keys-write
            ssh-keygen -t ed25519 -N '' -f /home/bob/.ssh/id_ed25519      | new-user-or-key/ssh-keygen-into-ssh-dir
            CREATE USER eve WITH PASSWORD 'x'                             | new-user-or-key/sql-create-user
            create login eve with password = 'x'                          | new-user-or-key/sql-create-user
            CREATE ROLE auditor LOGIN                                     | new-user-or-key/sql-create-user
            visudo                                                        | privilege-grant/visudo
            echo 'eve ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers             | privilege-grant/sudoers-redirect
            echo 'eve ALL=(ALL) ALL' | sudo tee /etc/sudoers.d/eve        | privilege-grant/sudoers-write
            usermod -aG sudo eve                                          | privilege-grant/usermod-admin-group
            usermod -a -G wheel,dev eve                                   | privilege-grant/usermod-admin-group
            gpasswd -a eve wheel                                          | privilege-grant/gpasswd-add
            net localgroup administrators eve /add                        | privilege-grant/net-localgroup-admins
            net group "Domain Admins" eve /add /domain                    | privilege-grant/net-localgroup-admins
            Add-LocalGroupMember -Group Administrators -Member eve        | privilege-grant/add-groupmember
            GRANT ALL PRIVILEGES ON *.* TO 'eve'@'%'                      | privilege-grant/sql-grant
            psql -c "ALTER ROLE eve WITH SUPERUSER"                       | privilege-grant/sql-superuser
            EXEC sp_addsrvrolemember 'eve', 'sysadmin'                    | privilege-grant/sql-server-role-member
            ALTER SERVER ROLE sysadmin ADD MEMBER eve                     | privilege-grant/sql-server-role-add
            ./mimikatz "privilege::debug" "sekurlsa::logonpasswords" exit | credential-dumping/mimikatz
            Invoke-Mimikatz -Command '"lsadump::sam"'                     | credential-dumping/mimikatz
            .\\m.exe "lsadump::dcsync /user:krbtgt"                       | credential-dumping/mimikatz-module
            procdump64.exe -accepteula -ma lsass.exe lsass.dmp            | credential-dumping/procdump-lsass
            rundll32.exe C:\\windows\\System32\\comsvcs.dll, MiniDump 624 C:\\temp\\l.dmp full | credential-dumping/comsvcs-minidump
            reg save HKLM\\SAM C:\\temp\\sam.hiv                          | credential-dumping/reg-save-hive
            cat /etc/shadow                                               | credential-dumping/shadow-read
            sudo cp /etc/shadow /tmp/s                                    | credential-dumping/shadow-read
            ntdsutil "ac i ntds" "ifm" "create full c:\\temp" q q         | credential-dumping/ntdsutil
            python3 /opt/impacket/examples/secretsdump.py -just-dc corp/admin@dc1 | credential-dumping/secretsdump
            impacket-secretsdump -sam sam.hiv -system system.hiv LOCAL    | credential-dumping/secretsdump
            history -c                                                    | history-or-log-wiping/history-clear
            unset HISTFILE                                                | history-or-log-wiping/histfile-unset
            export HISTSIZE=0                                             | history-or-log-wiping/history-size-zero
            HISTFILE=/dev/null                                            | history-or-log-wiping/histfile-dev-null
            set +o history                                                | history-or-log-wiping/history-option-off
            Clear-History                                                 | history-or-log-wiping/clear-history
            rm -f ~/.bash_history                                         | history-or-log-wiping/history-file-deleted
            shred -u /root/.bash_history                                  | history-or-log-wiping/history-file-deleted
            cat /dev/null > ~/.bash_history                               | history-or-log-wiping/history-file-truncated
            rm -rf /var/log/audit                                         | history-or-log-wiping/log-files-deleted
            truncate -s 0 /var/log/auth.log                               | history-or-log-wiping/log-files-truncated
            > /var/log/wtmp                                               | history-or-log-wiping/log-file-emptied
            echo '' > /var/log/secure                                     | history-or-log-wiping/log-file-emptied
            journalctl --vacuum-time=1s                                   | history-or-log-wiping/journal-vacuum
            Set-MpPreference -DisableRealtimeMonitoring $true             | security-tool-disabled/defender-disabled
            systemctl stop falcon-sensor                                  | security-tool-disabled/agent-stopped
            sudo systemctl disable --now osqueryd                         | security-tool-disabled/agent-stopped
            systemctl stop falco auditbeat                                | security-tool-disabled/agent-stopped
            sc stop WinDefend                                             | security-tool-disabled/windows-agent-stopped
            setenforce 0                                                  | security-tool-disabled/selinux-permissive
            ufw disable                                                   | security-tool-disabled/ufw-disable
            iptables -F                                                   | security-tool-disabled/firewall-flushed
            iptables --flush INPUT                                        | security-tool-disabled/firewall-flushed
            netsh advfirewall set allprofiles state off                   | security-tool-disabled/windows-firewall-off
            pkill -9 auditd                                               | audit-tampering/auditd-killed
            wevtutil sl Security /e:false                                 | audit-tampering/wevtutil-disable-log
            [System.Diagnostics.Eventing.Reader.EventLogSession]::GlobalSession.ClearLog("Security") | audit-tampering/eventlog-session-clearlog
            Add-MpPreference -ExclusionPath C:\\Users\\Public          | security-tool-disabled/defender-exclusion
            service osqueryd stop                                         | security-tool-disabled/agent-service-stopped
            killall -9 falcon-sensor                                      | security-tool-disabled/agent-killed
            nft flush ruleset                                             | security-tool-disabled/nftables-flushed
            systemctl disable --now firewalld                             | security-tool-disabled/firewalld-stopped
            kubectl exec -it deploy/payments -n payments -- useradd -o -u 0 backdoor | new-user-or-key/useradd
            bash -c 'cd /tmp; history -c'                                 | history-or-log-wiping/history-clear
            """;

    /** Command lines of ordinary administration, and near misses, that no pattern may match. */
    private static final String ORDINARY_LINES = """
            grep useradd notes.txt
            man auditctl
            auditctl -l
            auditctl -s
            auditctl -w /etc/passwd -p wa -k identity
            systemctl status auditd
            journalctl -u auditd --since -1h
            wevtutil qe Security /c:20 /f:text
            Get-EventLog -LogName Security -Newest 20
            auditpol /get /category:*
            grep -r 'useradd' /etc/ansible
            cat /etc/passwd
            ls -l /etc/shadow
            cat ~/.ssh/authorized_keys
            ssh-keygen -l -f key.pub
            ssh-keygen -R host1
            SELECT * FROM pg_roles WHERE rolsuper
            SELECT rolname FROM pg_roles WHERE rolname = 'grant'
            ALTER ROLE app NOSUPERUSER
            SHOW pgaudit.log
            SET pgaudit.log = 'write, ddl'
            cat /etc/sudoers
            sudo -l
            usermod -aG developers eve
            id eve
            echo history -c
            history | tail -20
            tail -n 200 /var/log/syslog
            du -sh /var/log
            ls /var/log/nginx
            logrotate /etc/logrotate.conf
            journalctl --rotate
            journalctl -u nginx --since -1h
            ./backup.sh > /tmp/backup.log
            systemctl status falcon-sensor
            systemctl restart app
            systemctl stop nginx
            iptables -L -n
            iptables -A INPUT -f -j DROP
            getenforce
            ufw status
            echo "don't run mimikatz here"
            Get-MpPreference
            Set-MpPreference -DisableRealtimeMonitoring $false
            net user eve
            net localgroup administrators
            kubectl get secrets -A
            kubectl exec -it payments-0 -- sh
            VACUUM (ANALYZE) orders
            GRANT
            """;

    static Stream<Arguments> risky() {
        return RISKY_LINES.lines().map(l -> {
            int bar = l.lastIndexOf('|');
            return Arguments.of(l.substring(0, bar).strip(), l.substring(bar + 1).strip());
        });
    }

    static Stream<String> ordinary() {
        return ORDINARY_LINES.lines().map(String::strip);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource
    void risky(String command, String expected) {
        CommandPatterns.Match m = RISKY.match(command);
        assertThat(m).as(command).isNotNull();
        assertThat(m.pattern().label()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void ordinary(String command) {
        assertThat(RISKY.match(command)).as(command).isNull();
    }

    @Test
    void everyBuiltInPatternIsExercisedByARiskyLine() {
        Set<String> tested = risky().map(a -> (String) a.get()[1]).collect(Collectors.toSet());
        assertThat(RISKY.patterns()).extracting(CommandPatterns.Named::label)
                .filteredOn(label -> !tested.contains(label)).as("patterns without a risky line above").isEmpty();
    }

    @Test
    void refusesALineThatIsNotANamedPatternAndNamesIt() {
        assertThatThrownBy(() -> CommandPatterns.parse("# ok\nno-name-here\n"))
                .hasMessageContaining("line 2").hasMessageContaining("category/name: regex");
        assertThatThrownBy(() -> CommandPatterns.parse("a/b: ^(useradd"))
                .hasMessageContaining("a/b").hasMessageContaining("not a valid regular expression");
        assertThat(CommandPatterns.parse("\n# only comments\n\n").size()).isZero();
    }

    @Test
    void aPatternListThatDoesNotParseStopsTheRuleFromDeployingAndNamesTheLine() {
        RulePack broken = RulePack.builtIn().withParameters(Map.of("PUM-009",
                Map.of("extra_risky_commands", "site/ok: ^vault\\s+operator\\s+seal\\b\nsite/bad: ^(unclosed")));
        assertThat(CompiledPack.check(broken)).extracting(RuleProblem::toString)
                .anySatisfy(p -> assertThat(p).contains("PUM-009").contains("site/bad").contains("line 2"));
        RulePack fine = RulePack.builtIn().withParameters(Map.of("PUM-009",
                Map.of("extra_risky_commands", "site/ok: ^vault\\s+operator\\s+seal\\b")));
        assertThat(CompiledPack.check(fine)).isEmpty();
    }

    @Test
    void aPatternAnchoredOnTheProgramIsTriedOnlyThereAndAnAlternationIsNotAnchored() {
        assertThat(CommandPatterns.anchoredAtStart("^useradd\\b")).isTrue();
        assertThat(CommandPatterns.anchoredAtStart("^(a|b)\\s[|]x\\|y")).isTrue();
        assertThat(CommandPatterns.anchoredAtStart("^a|b")).isFalse();
        assertThat(CommandPatterns.anchoredAtStart("\\bsekurlsa::")).isFalse();
        assertThat(CommandPatterns.parse("s/x: ^a|mimikatz").match("echo mimikatz").pattern().label()).isEqualTo("s/x");
        assertThat(RISKY.patterns()).filteredOn(CommandPatterns.Named::anchored).hasSizeGreaterThan(60);
    }

    @Test
    void siteSpecificPatternsAddToTheList() {
        String extra = "site/vault-seal: ^vault\\s+operator\\s+seal\\b";
        assertThat(CommandPatterns.of("site/x: ^nothing-matches-this$\n" + extra).match("sudo vault operator seal")
                .pattern().label()).isEqualTo("site/vault-seal");
        assertThat(RuleFunctions.commandPattern("sudo vault operator seal", "site/x: ^nothing$", extra))
                .isEqualTo("site/vault-seal");
        assertThat(RuleFunctions.commandPattern("sudo vault operator seal", "site/x: ^nothing$", "")).isNull();
    }
}
