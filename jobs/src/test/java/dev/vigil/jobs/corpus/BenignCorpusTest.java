package dev.vigil.jobs.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.PrivilegedEvent;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.rules.pack.RulePackException;
import java.nio.file.Path;
import java.util.List;
import java.util.LongSummaryStatistics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BenignCorpusTest {
    private static final Path NOISY = Path.of("src", "test", "resources", "packs", "noisy");
    private static final String SMALL = "corpus:\n  seed: 3\n  humans: 40\n  services: 8\n";
    private static CompiledPack noisy;

    @BeforeAll
    static void compile() {
        noisy = CompiledPack.compile(RulePack.load(NOISY));
    }

    @Test
    void theBuiltInPackIsQuietOnTheBuiltInCorpus() {
        BenignCorpus.Report report = BenignCorpus.builtIn().check(CompiledPack.compile(RulePack.builtIn()));

        assertThat(report.unexpected()).as("findings on ordinary work that no accepted false positive explains")
                .isEmpty();
        assertThat(report.acceptedStale()).isEmpty();
        assertThat(report.events()).isGreaterThan(15_000);
        assertThat(report.principals()).isGreaterThan(300);
    }

    @Test
    void theCorpusIsAboutADayOfWorkWithNoAttackAndTheSameEveryTime() {
        BenignCorpus corpus = BenignCorpus.parse("test", SMALL);
        List<PrivilegedEvent> events = corpus.events();

        LongSummaryStatistics times = events.stream().mapToLong(PrivilegedEvent::getEventTime).summaryStatistics();
        assertThat(times.getMax() - times.getMin()).isBetween(18 * 3_600_000L, 40 * 3_600_000L);
        assertThat(corpus.events()).isEqualTo(events);
    }

    @Test
    void aNoisyRuleFailsTheCorpusAndNamesWhatItRaised() {
        BenignCorpus.Report report = BenignCorpus.parse("test", SMALL).check(noisy);

        assertThat(report.quiet()).isFalse();
        assertThat(report.unexpected()).isNotEmpty().allSatisfy(f -> assertThat(f.getRuleId()).isEqualTo("NOISY-001"));
        assertThat(report.unexpected()).hasSameSizeAs(report.findings());
    }

    @Test
    void anAcceptedFalsePositiveCoversItsRuleOrOnePrincipalOnly() {
        BenignCorpus.Report all = BenignCorpus.parse("test", SMALL
                + "accepted:\n  - name: granted-sessions\n    rule: NOISY-001\n    reason: it is noisy by design\n")
                .check(noisy);
        assertThat(all.quiet()).isTrue();
        assertThat(all.acceptedSeen()).extracting(BenignCorpus.AcceptedFalsePositive::name)
                .containsExactly("granted-sessions");

        String someone = all.findings().get(0).getPrincipal().getId();
        BenignCorpus.Report one = BenignCorpus.parse("test", SMALL + "accepted:\n  - name: one\n    rule: NOISY-001\n"
                + "    principal: " + someone + "\n    reason: this person's sessions only\n").check(noisy);
        assertThat(one.quiet()).isFalse();
        assertThat(one.unexpected()).isNotEmpty()
                .noneSatisfy(f -> assertThat(f.getPrincipal().getId()).isEqualTo(someone));
    }

    @Test
    void anAcceptedFalsePositiveThatNoLongerOccursFailsButOneForAnotherPacksRuleDoesNot() {
        String accepted = "accepted:\n"
                + "  - name: all\n    rule: NOISY-001\n    reason: noisy by design\n"
                + "  - name: gone\n    rule: NOISY-001\n    principal: nobody-at-all\n    reason: once was\n"
                + "  - name: elsewhere\n    rule: PUM-001\n    reason: another pack's rule\n";
        BenignCorpus.Report report = BenignCorpus.parse("test", SMALL + accepted).check(noisy);

        assertThat(report.unexpected()).isEmpty();
        assertThat(report.acceptedStale()).extracting(BenignCorpus.AcceptedFalsePositive::name).containsExactly("gone");
        assertThat(report.quiet()).isFalse();
    }

    @Test
    void mistakesInTheFileAreNamedWithTheirLine() {
        assertThatThrownBy(() -> BenignCorpus.parse("corpus.yaml",
                "corpus:\n  humans: 1\naccepted:\n  - name: a\n    rule: PUM-001\n  - name: b\n    rule: X\n    reason: r\nextra: 1\n"))
                .isInstanceOf(RulePackException.class)
                .satisfies(e -> assertThat(((RulePackException) e).problems()).extracting(Object::toString)
                        .containsExactlyInAnyOrder(
                                "corpus.yaml:1: corpus.humans must be a whole number of at least 2",
                                "corpus.yaml:4: an accepted false positive needs a name, a rule and a reason",
                                "corpus.yaml:9: unknown key 'extra' (known: corpus, accepted)"));
    }
}
