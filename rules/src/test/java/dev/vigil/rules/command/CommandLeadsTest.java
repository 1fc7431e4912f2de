package dev.vigil.rules.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.pack.RulePack;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The literal leads that index command patterns, and the index giving the answers a plain scan gives. */
class CommandLeadsTest {

    @Test
    void aPlainWordIsItsOwnLead() {
        assertThat(CommandLeads.of("^auditctl\\b.*\\s-e\\s*0\\b")).containsExactly("auditctl");
        assertThat(CommandLeads.of("^Set-MpPreference\\b")).containsExactly("set-mppreference");
    }

    @Test
    void aCharacterMadeOptionalIsLeftOut() {
        assertThat(CommandLeads.of("^net1?\\s+user\\b")).containsExactly("net");
        assertThat(CommandLeads.of("^procdump(64)?\\b")).containsExactly("procdump");
    }

    @Test
    void aGroupOfWordsGivesEachWord() {
        assertThat(CommandLeads.of("^(useradd|adduser|newusers)\\b")).containsExactly("useradd", "adduser", "newusers");
        assertThat(CommandLeads.of("^(pkill|killall)\\b.*\\bauditd\\b")).containsExactly("pkill", "killall");
    }

    @Test
    void aStartThatIsNotPlainWordsGivesNone() {
        assertThat(CommandLeads.of("^(export\\s+)?histfile=/dev/null\\b")).isNull();
        assertThat(CommandLeads.of("^([%{\\s]|foreach-object)*(clear-eventlog)\\b")).isNull();
        assertThat(CommandLeads.of("^((sc|net)\\s+(stop|config)|stop-service)\\b")).isNull();
        assertThat(CommandLeads.of("^(?-i:X)yz")).isNull();
        assertThat(CommandLeads.of("^\\S*secretsdump")).isNull();
        assertThat(CommandLeads.of("^.ab")).isNull();
        assertThat(CommandLeads.of("^(a|)b")).isNull();
        assertThat(CommandLeads.of("^(ab|cd)+e")).isNull();
        assertThat(CommandLeads.of("eventlogsession\\b")).isNull();
    }

    /** Every pattern of the built-in list, tried on commands made to start like each of them, as a plain scan would. */
    @Test
    void theIndexAnswersAsAScanOfEveryPattern() {
        CommandPatterns risky = CommandPatterns.parse((String) RulePack.builtIn().rule("PUM-009").orElseThrow()
                .metadata().parameters().get("risky_commands"));
        List<String> commands = new ArrayList<>();
        for (CommandPatterns.Named p : risky.patterns()) {
            String[] leads = CommandLeads.of(p.pattern().pattern());
            for (String lead : leads == null ? new String[] {"x"} : leads) {
                for (String tail : List.of("", " -D", " -e 0", " stop auditd", " user eve /add", " /etc/shadow",
                        "64 lsass", " >> /root/.ssh/authorized_keys", " -aG sudo eve", "x", "1 user bob /add")) {
                    commands.add(lead + tail);
                    commands.add(lead.toUpperCase(Locale.ROOT) + tail);
                    commands.add("sudo " + lead + tail);
                    commands.add("ls; " + lead + tail);
                }
            }
        }
        Stream.of("", " ", "é", "Ωmega", "-x", "1", "_", "echo hi > /var/log/x", "> ~/.bash_history",
                "Get-EventLog -List | % { Clear-EventLog $_.Log }", "python3 secretsdump.py -just-dc",
                "sc stop WinDefend", "export HISTFILE=/dev/null").forEach(commands::add);

        for (String line : commands) {
            assertThat(describe(risky.match(line))).as(line).isEqualTo(describe(scan(risky, line)));
        }
    }

    private static CommandPatterns.Match scan(CommandPatterns patterns, String line) {
        for (String command : CommandLine.segments(line)) {
            for (CommandPatterns.Named p : patterns.patterns()) {
                if (p.matches(command)) {
                    return new CommandPatterns.Match(p, command);
                }
            }
        }
        return null;
    }

    private static String describe(CommandPatterns.Match m) {
        return m == null ? "none" : m.pattern().label() + " in " + m.command();
    }
}
