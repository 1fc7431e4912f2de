package dev.vigil.rules.engine;

import static dev.vigil.rules.engine.Events.at;
import static dev.vigil.rules.engine.Events.commandAfterExpiry;
import static dev.vigil.rules.engine.Events.endedGrant;
import static dev.vigil.rules.engine.Events.labelled;
import static dev.vigil.rules.engine.Events.session;
import static dev.vigil.rules.engine.Events.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.espertech.esper.runtime.client.EPRuntimeProvider;
import dev.vigil.common.GrantLabel;
import dev.vigil.common.PrincipalKind;
import dev.vigil.common.Severity;
import dev.vigil.event.Action;
import dev.vigil.event.GrantRef;
import dev.vigil.output.Finding;
import dev.vigil.rules.pack.RulePack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RuleEngineTest {
    private static CompiledPack builtIn;
    private static RulePack absencePack;
    private final List<RuleEngine> engines = new ArrayList<>();

    @BeforeAll
    static void compile() {
        builtIn = CompiledPack.compile(RulePack.builtIn());
        absencePack = RulePack.load(Path.of("src/test/resources/packs/absence"));
    }

    @AfterEach
    void closeEngines() {
        engines.forEach(RuleEngine::close);
    }

    private RuleEngine engine(CompiledPack pack) {
        RuleEngine engine = new RuleEngine(pack);
        engines.add(engine);
        return engine;
    }

    @Test
    void sessionWithoutGrantBecomesAFindingWithTheRulesMetadata() {
        RuleEngine engine = engine(builtIn);

        List<Finding> findings = engine.process(start("e1", "09:14:00", "alice", "s-1", GrantLabel.NO_GRANT));

        assertThat(findings).hasSize(1);
        Finding f = findings.get(0);
        assertThat(f.getRuleId()).isEqualTo("PUM-001");
        assertThat(f.getRuleName()).isEqualTo("Privileged session without a covering grant");
        assertThat(f.getRuleVersion()).isEqualTo(builtIn.version());
        assertThat(f.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(f.getScore()).isEqualTo(72);
        assertThat(f.getMitre()).containsExactly("T1078", "T1078.003");
        assertThat(f.getPrincipal().getId()).isEqualTo("alice");
        assertThat(f.getPrincipal().getKind()).isEqualTo(PrincipalKind.HUMAN);
        assertThat(f.getPrincipal().getSourceIp()).isEqualTo("10.0.0.1");
        assertThat(f.getEventTime()).isEqualTo(at("09:14:00"));
        assertThat(f.getEventIds()).containsExactly("e1");
        assertThat(f.getSessionId()).isEqualTo("s-1");
        assertThat(f.getTarget()).isEqualTo("db-prod-1");
        assertThat(f.getLabel()).isEqualTo(GrantLabel.NO_GRANT);
        assertThat(f.getExplanation()).isEqualTo("alice opened a ssh session s-1 on db-prod-1 as root at"
                + " 2026-03-10T09:14:00Z with no approved grant in force that covers db-prod-1");

        assertThat(engine.process(start("e2", "09:15:00", "alice", "s-2", GrantLabel.IN_GRANT))).isEmpty();
        assertThat(engine.stats().get("PUM-001").matches()).isEqualTo(1);
    }

    @Test
    void findingIdsDependOnlyOnRuleAndEventIds() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest("PUM-001|a|b".getBytes(StandardCharsets.UTF_8));
        String expected = "f-" + HexFormat.of().formatHex(digest).substring(0, 24);
        assertThat(FindingIds.of("PUM-001", List.of("b", "a", "b"))).isEqualTo(expected).hasSize(26);
        assertThat(FindingIds.of("PUM-002", List.of("a", "b"))).isNotEqualTo(expected);

        List<Finding> first = runPum001And002(engine(builtIn));
        List<Finding> second = runPum001And002(engine(builtIn));
        assertThat(first).hasSize(2).isEqualTo(second);
        assertThat(first.get(0).getFindingId()).isEqualTo(FindingIds.of("PUM-001", List.of("s1-start")));
    }

    private static List<Finding> runPum001And002(RuleEngine engine) {
        List<Finding> all = new ArrayList<>(engine.process(start("s1-start", "09:00:00", "bob", "s-1", GrantLabel.NO_GRANT)));
        GrantRef grant = endedGrant("req-1", "08:00:00", "09:00:00", "09:00:00");
        all.addAll(engine.process(commandAfterExpiry("s2-cmd", "09:05:00", "bob", "s-2", grant)));
        return all;
    }

    @Test
    void theClockNeverGoesBackAndOlderEventsAreJudgedAtTheCurrentTime() {
        RuleEngine engine = engine(builtIn);
        assertThat(engine.currentTime()).isEqualTo(Long.MIN_VALUE);
        assertThat(engine.advanceTo(at("08:00:00"))).as("nothing runs before the first event").isEmpty();
        assertThat(engine.currentTime()).isEqualTo(Long.MIN_VALUE);

        engine.process(start("new", "10:00:00", "alice", "s-1", GrantLabel.IN_GRANT));
        assertThat(engine.currentTime()).isEqualTo(at("10:00:00"));
        assertThat(engine.esperTime()).isEqualTo(at("10:00:00"));

        List<Finding> late = engine.process(start("old", "09:00:00", "alice", "s-0", GrantLabel.NO_GRANT));
        assertThat(late).singleElement().satisfies(f -> assertThat(f.getEventTime()).isEqualTo(at("09:00:00")));
        assertThat(engine.currentTime()).isEqualTo(at("10:00:00"));
        assertThat(engine.esperTime()).isEqualTo(at("10:00:00"));

        assertThat(engine.advanceTo(at("09:30:00"))).isEmpty();
        assertThat(engine.esperTime()).isEqualTo(at("10:00:00"));
        engine.advanceTo(at("10:30:00"));
        assertThat(engine.currentTime()).isEqualTo(at("10:30:00"));
        assertThat(engine.esperTime()).isEqualTo(at("10:30:00"));
    }

    @Test
    void absenceRulesFireFromTheWatermarkAtTheirOwnTime() {
        RuleEngine engine = engine(CompiledPack.compile(absencePack));
        assertThat(engine.process(start("a", "08:00:00", "alice", "s-a", GrantLabel.IN_GRANT))).isEmpty();
        assertThat(engine.process(start("b", "08:30:00", "bob", "s-b", GrantLabel.IN_GRANT))).isEmpty();
        assertThat(engine.process(labelled(session("b-end", "09:00:00", "bob", Action.END, "s-b"), GrantLabel.IN_GRANT, null)))
                .isEmpty();

        assertThat(engine.advanceTo(at("11:59:59"))).isEmpty();
        List<Finding> fired = engine.advanceTo(at("12:00:00"));
        assertThat(fired).singleElement().satisfies(f -> {
            assertThat(f.getEventIds()).containsExactly("a");
            assertThat(f.getExplanation()).isEqualTo("alice left session s-a open for more than 4h after 2026-03-10T08:00:00Z");
        });
        assertThat(engine.advanceTo(at("23:00:00"))).as("bob's session ended in time").isEmpty();
    }

    @Test
    void aHeldBackRuleStartsWithoutTheHistoryTheOthersSaw() {
        RuleEngine engine = engine(CompiledPack.compile(RulePack.builtIn().merge(absencePack)));
        engine.holdBack(List.of("PUM-950"));
        engine.process(start("a", "08:00:00", "alice", "s-a", GrantLabel.IN_GRANT));
        engine.advanceTo(at("08:30:00"));
        engine.deployHeldBack();

        assertThat(engine.process(start("b", "08:45:00", "bob", "s-b", GrantLabel.NO_GRANT)))
                .as("the rules deployed first run on").extracting(Finding::getRuleId).containsExactly("PUM-001");
        assertThat(engine.advanceTo(at("12:30:00"))).as("alice's start came before PUM-950 was deployed").isEmpty();
        assertThat(engine.advanceTo(at("12:45:00"))).singleElement()
                .satisfies(f -> assertThat(f.getEventIds()).containsExactly("b"));
    }

    @Test
    void rulesHeldBackBeforeAnyEventDeployWithTheRestAtTheFirstOne() {
        RuleEngine engine = engine(CompiledPack.compile(absencePack));
        engine.holdBack(List.of("PUM-950"));
        engine.deployHeldBack();
        engine.process(start("a", "08:00:00", "alice", "s-a", GrantLabel.IN_GRANT));
        assertThat(engine.advanceTo(at("12:00:00"))).singleElement()
                .satisfies(f -> assertThat(f.getEventIds()).containsExactly("a"));
        assertThatThrownBy(() -> engine.holdBack(List.of("PUM-950"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aDeploymentChangesParametersWithoutTouchingEpl() {
        RulePack shorter = absencePack.withParameters(Map.of("PUM-950", Map.of("max_session_length", "PT1H")));
        assertThat(shorter.version()).isNotEqualTo(absencePack.version());
        RuleEngine engine = engine(CompiledPack.compile(shorter));
        engine.process(start("a", "08:00:00", "alice", "s-a", GrantLabel.IN_GRANT));
        assertThat(engine.advanceTo(at("09:00:00"))).singleElement()
                .satisfies(f -> assertThat(f.getExplanation()).contains("more than 1h"));
    }

    @Test
    void afterExpiryActsAreReportedOncePerSession() {
        RulePack pack = RulePack.builtIn().withParameters(Map.of("PUM-002", Map.of("report_again_after", "PT1H")));
        RuleEngine engine = engine(CompiledPack.compile(pack));
        GrantRef grant = endedGrant("req-9", "08:00:00", "09:00:00", "09:00:00");

        assertThat(engine.process(commandAfterExpiry("c1", "09:00:01", "erin", "s-1", grant))).singleElement()
                .satisfies(f -> {
                    assertThat(f.getRuleId()).isEqualTo("PUM-002");
                    assertThat(f.getRequestId()).isEqualTo("req-9");
                    assertThat(f.getExplanation()).isEqualTo("erin ran \"id\" in session s-1 on db-prod-1 at"
                            + " 2026-03-10T09:00:01Z, after grant req-9 (role db-admin) ended at 2026-03-10T09:00:00Z,"
                            + " 1s earlier");
                });
        assertThat(engine.process(commandAfterExpiry("c2", "09:10:00", "erin", "s-1", grant))).isEmpty();
        assertThat(engine.process(commandAfterExpiry("c3", "09:20:00", "erin", "s-2", grant)))
                .as("another session of the same principal").hasSize(1);
        assertThat(engine.process(commandAfterExpiry("c4", "09:25:00", "frank", "s-1", grant)))
                .as("the same session id of another principal").hasSize(1);
        assertThat(engine.process(commandAfterExpiry("c5", "10:00:02", "erin", "s-1", grant)))
                .as("reported again once report_again_after has passed").hasSize(1);
    }

    @Test
    void rowsThatAreNotFindingsAreCountedNotEmitted() {
        RuleEngine engine = engine(CompiledPack.compile(RulePack.load(Path.of("src/test/resources/packs/odd-output"))));
        assertThat(engine.process(start("e1", "09:00:00", "alice", "s-1", GrantLabel.NO_GRANT))).isEmpty();
        assertThat(engine.stats().get("PUM-970")).isEqualTo(new RuleStats("PUM-970", 0, 0, 1));
    }

    @Test
    void aRowsOwnScoreSetsScoreAndSeverityAndAScoreOutOfRangeIsRefused() {
        RuleEngine engine = engine(CompiledPack.compile(RulePack.load(Path.of("src/test/resources/packs/row-score"))));

        Finding high = engine.process(start("e1", "09:00:00", "alice", "s-high", GrantLabel.NO_GRANT)).get(0);
        assertThat(high.getScore()).isEqualTo(90);
        assertThat(high.getSeverity()).isEqualTo(Severity.CRITICAL);
        Finding low = engine.process(start("e2", "09:01:00", "alice", "s-low", GrantLabel.NO_GRANT)).get(0);
        assertThat(low.getScore()).isEqualTo(30);
        assertThat(low.getSeverity()).isEqualTo(Severity.LOW);
        Finding metadata = engine.process(start("e3", "09:02:00", "alice", "s-plain", GrantLabel.NO_GRANT)).get(0);
        assertThat(metadata.getScore()).isEqualTo(50);
        assertThat(metadata.getSeverity()).isEqualTo(Severity.MEDIUM);
        assertThat(engine.process(start("e4", "09:03:00", "alice", "s-odd", GrantLabel.NO_GRANT))).isEmpty();
        assertThat(engine.stats().get("PUM-971")).isEqualTo(new RuleStats("PUM-971", 3, 0, 1));
    }

    @Test
    void eachEngineOwnsItsRuntimeUntilClosed() {
        RuleEngine a = engine(builtIn);
        RuleEngine b = engine(builtIn);
        assertThat(a.runtimeUri()).isNotEqualTo(b.runtimeUri());
        assertThat(EPRuntimeProvider.hasRuntime(a.runtimeUri())).isTrue();

        a.close();
        a.close();
        assertThat(EPRuntimeProvider.hasRuntime(a.runtimeUri())).isFalse();
        assertThatThrownBy(() -> a.process(start("e1", "09:00:00", "alice", "s-1", GrantLabel.NO_GRANT)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(b.process(start("e1", "09:00:00", "alice", "s-1", GrantLabel.NO_GRANT))).hasSize(1);
    }

    @Test
    void ruleTimingIsMeasuredOnlyWhenSampled() {
        RuleEngine sampled = new RuleEngine(builtIn, RuleEngine.Options.defaults().withTimingSampleEvery(1));
        engines.add(sampled);
        RuleEngine unsampled = engine(builtIn);
        for (int i = 0; i < 20; i++) {
            String t = String.format("09:%02d:00", i);
            sampled.process(start("e" + i, t, "alice", "s-" + i, GrantLabel.NO_GRANT));
            unsampled.process(start("e" + i, t, "alice", "s-" + i, GrantLabel.NO_GRANT));
        }
        assertThat(sampled.stats().get("PUM-001").evaluationNanos()).isPositive();
        assertThat(unsampled.stats().get("PUM-001").evaluationNanos()).isZero();
        assertThat(unsampled.evaluationNanos()).isPositive();
        assertThat(unsampled.eventsProcessed()).isEqualTo(20);
        assertThat(unsampled.stats().get("PUM-001").matches()).isEqualTo(20);
    }
}
