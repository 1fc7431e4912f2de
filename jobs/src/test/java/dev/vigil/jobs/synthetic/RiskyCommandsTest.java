package dev.vigil.jobs.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.PrivilegedEvent;
import dev.vigil.rules.command.CommandPatterns;
import dev.vigil.rules.pack.RulePack;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The generator's commands against PUM-009's own pattern list, as the built-in pack ships it: ordinary work never
 * matches, and every risky command of the attack scenario does, under the category its variant names.
 */
class RiskyCommandsTest {
    private static final CommandPatterns RISKY = CommandPatterns.parse((String) RulePack.builtIn().rule("PUM-009")
            .orElseThrow().metadata().parameters().get("risky_commands"));

    /** The variant of each risky command, and the pattern category it must fall in. */
    private static final Map<String, String> CATEGORY = Map.of(
            "audit-tampering", "audit-tampering",
            "backdoor-user", "new-user-or-key",
            "credential-dumping", "credential-dumping",
            "history-wiping", "history-or-log-wiping",
            "credential-dumping-tool", "credential-dumping",
            "edr-disabling", "security-tool-disabled",
            "ssh-key-implant", "new-user-or-key",
            "history-disabling", "history-or-log-wiping");

    @Test
    void everyRiskyCommandMatchesInItsCategoryInAShellAndInAPod() {
        assertThat(CATEGORY).hasSameSizeAs(RiskyCommands.SHELL);
        for (int i = 0; i < RiskyCommands.SHELL.length; i++) {
            String variant = RiskyCommands.SHELL[i][0];
            for (String command : List.of(RiskyCommands.SHELL[i][1], RiskyCommands.IN_POD[i])) {
                CommandPatterns.Match m = RISKY.match(command);
                assertThat(m).as(command).isNotNull();
                assertThat(m.pattern().category()).as(command).isEqualTo(CATEGORY.get(variant));
            }
        }
    }

    @Test
    void noOrdinaryCommandOfAnyDutyJobOrHandsOnSessionMatches() {
        List<String> ordinary = new ArrayList<>();
        for (Duty d : Duty.values()) {
            ordinary.addAll(List.of(d.commands));
        }
        for (ServiceJob j : ServiceJob.values()) {
            ordinary.addAll(List.of(j.commands));
        }
        ordinary.addAll(List.of(RiskyCommands.HANDS_ON_SERVICE));
        // A service's reconnaissance is a behaviour anomaly: it must stay out of reach of the rules.
        for (String protocol : List.of("ssh", "db", "kubectl")) {
            ordinary.addAll(List.of(ReconCommands.forProtocol(protocol)));
        }
        assertThat(ordinary).hasSizeGreaterThan(120)
                .filteredOn(c -> RISKY.match(c) != null).as("ordinary commands PUM-009 would report").isEmpty();
    }

    @Test
    void inGeneratedTrafficOnlyTheRiskyScenariosTriggerMatches() {
        SampleTraffic sample = SampleTraffic.get();
        Set<String> triggers = new HashSet<>();
        sample.truth.stream().filter(t -> t.scenario() == Scenario.RISKY_COMMAND).forEach(t -> triggers.addAll(t.eventIds()));
        List<String> unexpected = new ArrayList<>();
        int commands = 0;
        int matched = 0;
        for (PrivilegedEvent e : sample.events) {
            if (e.getCommand() == null) {
                continue;
            }
            commands++;
            boolean risky = RISKY.match(e.getCommand()) != null;
            matched += risky ? 1 : 0;
            if (risky != triggers.contains(e.getEventId())) {
                unexpected.add(e.getEventId() + " " + e.getCommand() + (risky ? " matches" : " does not match"));
            }
        }
        assertThat(unexpected).isEmpty();
        assertThat(triggers).hasSizeGreaterThanOrEqualTo(10);
        assertThat(matched).isEqualTo(triggers.size());
        assertThat(commands).isGreaterThan(10 * matched);
    }
}
