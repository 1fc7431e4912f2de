package dev.vigil.rules.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Severity;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.rules.pack.RuleProblem;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RulePackValidatorTest {
    private static final String BROKEN = "src/test/resources/packs/broken";
    private static List<String> broken;

    @BeforeAll
    static void validateBrokenPack() {
        broken = RulePackValidator.validate(Path.of(BROKEN)).stream().map(RuleProblem::toString).toList();
    }

    @Test
    void builtInPackIsSound() {
        assertThat(RulePackValidator.validate(RulePack.builtIn())).isEmpty();
        assertThat(RulePackValidator.validate(Path.of("pack"))).isEmpty();
    }

    @Test
    void badEplIsReportedAtItsLine() {
        assertThat(broken).anySatisfy(p -> assertThat(p)
                .startsWith(BROKEN + "/PUM-901/rule.epl:8: ")
                .contains("Incorrect syntax near 'selec'")
                .doesNotContain("\n"));
    }

    @Test
    void missingAndUnknownMetadataAreReported() {
        assertThat(broken).contains(
                BROKEN + "/PUM-902/rule.yaml: missing severity, which every finding of the rule carries",
                BROKEN + "/PUM-902/rule.yaml: missing triage",
                BROKEN + "/PUM-902/rule.yaml:9: unknown key 'tags'");
    }

    @Test
    void severityMustFitTheScore() {
        assertThat(broken).contains(BROKEN + "/PUM-903/rule.yaml:3: severity LOW does not fit risk_score 90, which calls"
                + " for CRITICAL (CRITICAL 85-100, HIGH 65-84, MEDIUM 40-64, LOW 0-39)");
        assertThat(RulePackValidator.severityFor(85)).isEqualTo(Severity.CRITICAL);
        assertThat(RulePackValidator.severityFor(84)).isEqualTo(Severity.HIGH);
        assertThat(RulePackValidator.severityFor(65)).isEqualTo(Severity.HIGH);
        assertThat(RulePackValidator.severityFor(64)).isEqualTo(Severity.MEDIUM);
        assertThat(RulePackValidator.severityFor(40)).isEqualTo(Severity.MEDIUM);
        assertThat(RulePackValidator.severityFor(39)).isEqualTo(Severity.LOW);
    }

    @Test
    void everyRuleNeedsFireAndQuietFixtures() {
        assertThat(broken).contains(
                BROKEN + "/PUM-904/fixtures/fire: no fixture: every rule needs events that must fire it",
                BROKEN + "/PUM-904/fixtures/quiet: no fixture: every rule needs events that must not fire it");
    }

    @Test
    void parametersUsedMustBeDeclaredAndDeclaredOnesUsed() {
        assertThat(broken).contains(
                BROKEN + "/PUM-905/rule.epl:3: uses parameter ?:threshold that rule.yaml does not declare under parameters",
                BROKEN + "/PUM-905/rule.yaml:11: parameter 'unused_param' is declared but no statement uses ?:unused_param",
                BROKEN + "/PUM-905/rule.epl:8: statement has no @Name('...')");
    }

    @Test
    void findingStatementsMustSelectWhatAFindingNeeds() {
        assertThat(broken).contains(
                BROKEN + "/PUM-906/rule.epl:4: finding statement 'pum906-incomplete' does not select principal_id"
                        + " (a finding needs principal_id, principal_kind, event_time, explanation)",
                BROKEN + "/PUM-906/rule.epl:4: finding statement 'pum906-incomplete' does not select explanation"
                        + " (a finding needs principal_id, principal_kind, event_time, explanation)",
                BROKEN + "/PUM-906/rule.epl:4: finding statement 'pum906-incomplete' column score must be an integer"
                        + " (0-100), not String");
    }

    @Test
    void soundRulesInABrokenPackAreNotBlamed() {
        assertThat(broken).noneMatch(p -> p.contains("/PUM-903/rule.epl") || p.contains("/PUM-904/rule.yaml"));
    }

    @Test
    void unreadableYamlIsReportedAtItsLine() {
        List<String> problems = RulePackValidator.validate(Path.of("src/test/resources/packs/unloadable")).stream()
                .map(RuleProblem::toString).toList();
        String dir = "src/test/resources/packs/unloadable";
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(dir + "/PUM-911/rule.yaml:").doesNotContain("\n"));
        assertThat(problems).contains(
                dir + "/PUM-912/rule.yaml:3: severity 'EXTREME' is not one of LOW, MEDIUM, HIGH, CRITICAL",
                dir + "/PUM-912/rule.yaml:4: risk_score must be a whole number from 0 to 100, not '150'",
                dir + "/PUM-912/rule.yaml:10: horizon '4 hours' is not an ISO-8601 duration (e.g. PT15M, PT24H, P7D)");
    }
}
