package dev.vigil.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The functions that read comma-separated list parameters. */
class RuleFunctionsListTest {

    @Test
    void listedMatchesNamesAndGlobsIgnoringCaseAndSpaces() {
        assertThat(RuleFunctions.listed("bastion-03", "jump-01, bastion-*")).isTrue();
        assertThat(RuleFunctions.listed("JUMP-01", "jump-01,bastion-*")).isTrue();
        assertThat(RuleFunctions.listed("jump-011", "jump-01, bastion-*")).isFalse();
        assertThat(RuleFunctions.listed(null, "*")).isFalse();
        assertThat(RuleFunctions.listed("db-1", "")).isFalse();
        assertThat(RuleFunctions.listed("db-1", null)).isFalse();
    }

    @Test
    void roleLimitTakesTheRolesEntryOrTheDefault() {
        long eight = Duration.ofHours(8).toMillis();
        String byRole = "automation=P7D, Emergency-Admin = PT4H";
        assertThat(RuleFunctions.roleLimit("automation", byRole, eight)).isEqualTo(Duration.ofDays(7).toMillis());
        assertThat(RuleFunctions.roleLimit("emergency-admin", byRole, eight)).isEqualTo(Duration.ofHours(4).toMillis());
        assertThat(RuleFunctions.roleLimit("db-admin", byRole, eight)).isEqualTo(eight);
        assertThat(RuleFunctions.roleLimit(null, byRole, eight)).isEqualTo(eight);
        assertThat(RuleFunctions.roleLimit("db-admin", "", eight)).isEqualTo(eight);
    }

    @Test
    void aMalformedRoleLimitNamesTheEntry() {
        assertThatThrownBy(() -> RuleFunctions.roleLimit("x", "automation=7 days", 1))
                .hasMessageContaining("'automation=7 days' is not role=duration");
        assertThatThrownBy(() -> RuleFunctions.roleLimit("x", "automation", 1))
                .hasMessageContaining("'automation' is not role=duration");
    }

    @Test
    void appendedCopies() {
        String[] one = RuleFunctions.appended(null, "a");
        String[] two = RuleFunctions.appended(one, "b");
        assertThat(one).containsExactly("a");
        assertThat(two).containsExactly("a", "b");
    }
}
