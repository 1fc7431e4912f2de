package dev.vigil.jobs.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AttackScenarioTest {
    /** DESIGN.md's detection table, written out again so a wrong mapping in {@link Scenario} fails here. */
    private static final Map<Scenario, String> RULES = Map.ofEntries(
            Map.entry(Scenario.UNGRANTED_SESSION, "PUM-001"),
            Map.entry(Scenario.ACTIVITY_AFTER_EXPIRY, "PUM-002"),
            Map.entry(Scenario.OUT_OF_SCOPE_TARGET, "PUM-003"),
            Map.entry(Scenario.SELF_APPROVAL, "PUM-004"),
            Map.entry(Scenario.BREAK_GLASS, "PUM-005"),
            Map.entry(Scenario.UNUSED_GRANT, "PUM-006"),
            Map.entry(Scenario.SECRET_OUTSIDE_SESSION, "PUM-007"),
            Map.entry(Scenario.SERVICE_INTERACTIVE, "PUM-008"),
            Map.entry(Scenario.RISKY_COMMAND, "PUM-009"),
            Map.entry(Scenario.SECRET_BURST, "PUM-010"),
            Map.entry(Scenario.LONG_GRANT, "PUM-011"),
            Map.entry(Scenario.UNRECORDED_SESSION, "PUM-012"),
            Map.entry(Scenario.CHECKOUT_NOT_RETURNED, "PUM-013"),
            Map.entry(Scenario.BEHAVIOUR_ANOMALY, "PUM-100"));

    @Test
    void atTheDefaultRateEveryScenarioAndVariantAppearsWithItsRule() {
        TrafficProfile profile = TrafficProfile.defaults();
        Map<Scenario, Integer> counts = new EnumMap<>(Scenario.class);
        Map<Scenario, Set<String>> variants = new EnumMap<>(Scenario.class);
        int episodes = 0;
        int attacks = 0;
        for (int p = 0; p < 2; p++) {
            SyntheticTraffic t = new SyntheticTraffic(21, profile, p, 2).limit(600_000);
            t.forEachRemaining(e -> { });
            for (ScenarioTruth s : t.truth()) {
                counts.merge(s.scenario(), 1, Integer::sum);
                if (s.variant() != null) {
                    variants.computeIfAbsent(s.scenario(), k -> new HashSet<>()).add(s.variant());
                }
                assertThat(s.ruleId()).as("%s", s).isEqualTo(RULES.get(s.scenario()));
                assertThat(s.isAttack()).isEqualTo(s.scenario().isAttack());
                episodes++;
                attacks += s.isAttack() ? 1 : 0;
            }
        }
        System.out.println("scenarios over 1.2M events: " + counts);
        assertThat(counts.keySet()).containsExactlyInAnyOrder(Scenario.values());
        assertThat((double) attacks / episodes).isBetween(0.035, 0.065);
        assertThat(variants.get(Scenario.BREAK_GLASS)).containsExactlyInAnyOrder("with-ticket", "no-ticket");
        assertThat(variants.get(Scenario.LONG_GRANT))
                .containsExactlyInAnyOrder("long-window", "renewals", "long-window-revoked");
        assertThat(variants.get(Scenario.BEHAVIOUR_ANOMALY)).containsExactlyInAnyOrder("secret-sweep", "night-marathon",
                "service-secret-sweep", "service-recon");
        assertThat(variants.get(Scenario.ACTIVITY_AFTER_EXPIRY)).containsExactlyInAnyOrder("expired", "revoked");
        assertThat(variants.get(Scenario.SECRET_OUTSIDE_SESSION)).containsExactlyInAnyOrder("read", "checkout");
        assertThat(variants.get(Scenario.RISKY_COMMAND)).hasSize(RiskyCommands.SHELL.length);
    }

    @Test
    void everyAttackTripsExactlyItsOwnRule() {
        SampleTraffic sample = SampleTraffic.get();
        Map<Scenario, Integer> checked = new TreeMap<>();
        for (ScenarioTruth s : sample.truth) {
            if (!s.isAttack()) {
                continue;
            }
            Set<String> violations = RuleChecks.violations(sample.eventsOf(s), sample.labels);
            // Behaviour anomalies break no hard rule: only the model can see them.
            Set<String> expected = s.scenario() == Scenario.BEHAVIOUR_ANOMALY ? Set.of() : Set.of(s.ruleId());
            assertThat(violations).as("%s", s).isEqualTo(expected);
            checked.merge(s.scenario(), 1, Integer::sum);
        }
        System.out.println("attack episodes checked: " + checked);
        assertThat(checked.keySet()).hasSize(14);
        assertThat(checked.values()).allMatch(n -> n >= 10);
    }

    @Test
    void truthPointsAtTheEventsThatMakeTheViolation() {
        SampleTraffic sample = SampleTraffic.get();
        for (ScenarioTruth s : sample.truth) {
            List<PrivilegedEvent> events = sample.eventsOf(s);
            Map<String, PrivilegedEvent> byId = events.stream()
                    .collect(Collectors.toMap(PrivilegedEvent::getEventId, e -> e));
            assertThat(events).allMatch(e -> e.getPrincipal().getId().equals(s.principalId()));
            assertThat(events.get(0).getEventTime()).isEqualTo(s.startTime());
            assertThat(events.get(events.size() - 1).getEventTime()).isEqualTo(s.endTime());
            if (s.requestId() != null) {
                assertThat(events).as("%s", s).anyMatch(e -> s.requestId().equals(e.getRequestId())
                        || e.getRequestIds().contains(s.requestId())
                        || s.scenario() == Scenario.SCHEDULED_AUTOMATION || s.scenario() == Scenario.SERVICE_INTERACTIVE);
            }
            if (s.sessionId() != null) {
                assertThat(events).as("%s", s).anyMatch(e -> s.sessionId().equals(e.getSessionId()));
            }
            if (!s.isAttack()) {
                assertThat(s.eventIds()).isEmpty();
                continue;
            }
            assertThat(s.eventIds()).as("%s", s).isNotEmpty();
            List<PrivilegedEvent> triggers = new ArrayList<>();
            for (String id : s.eventIds()) {
                assertThat(byId).as("%s", s).containsKey(id);
                triggers.add(byId.get(id));
            }
            checkTriggers(s, triggers, sample);
        }
    }

    @Test
    void behaviourAnomaliesAreFarFromThePrincipalsOwnHabits() {
        SampleTraffic sample = SampleTraffic.get();
        Map<String, List<List<PrivilegedEvent>>> normalSessions = new HashMap<>();
        for (ScenarioTruth s : sample.truth) {
            if (s.scenario() == Scenario.NORMAL_WORK || s.scenario() == Scenario.SCHEDULED_AUTOMATION) {
                sessions(sample.eventsOf(s)).values()
                        .forEach(l -> normalSessions.computeIfAbsent(s.principalId(), k -> new ArrayList<>()).add(l));
            }
        }
        Map<String, Integer> kinds = new TreeMap<>();
        for (ScenarioTruth s : sample.truth) {
            if (s.scenario() != Scenario.BEHAVIOUR_ANOMALY) {
                continue;
            }
            List<PrivilegedEvent> session = sessions(sample.eventsOf(s)).get(s.sessionId());
            List<List<PrivilegedEvent>> usual = normalSessions.getOrDefault(s.principalId(), List.of());
            assertThat(usual).as("%s has a history", s.principalId()).isNotEmpty();
            kinds.merge(s.variant(), 1, Integer::sum);
            PrincipalKind kind = session.get(0).getPrincipal().getKind();
            assertThat(kind).as("%s", s).isEqualTo(s.variant().startsWith("service-") ? PrincipalKind.SERVICE
                    : PrincipalKind.HUMAN);
            if (kind == PrincipalKind.SERVICE) {
                assertThat(session).as("%s", s).noneMatch(e -> Boolean.TRUE.equals(e.getInteractive()));
                assertFarFromServiceHabits(s, session, usual);
            } else if (s.variant().equals("secret-sweep")) {
                long distinct = session.stream().filter(e -> e.getAction() == Action.READ)
                        .map(PrivilegedEvent::getSecretId).distinct().count();
                long usualMost = usual.stream().mapToLong(l -> l.stream().filter(e -> e.getAction() == Action.READ)
                        .map(PrivilegedEvent::getSecretId).distinct().count()).max().orElse(0);
                assertThat(distinct).isGreaterThanOrEqualTo(30).isGreaterThan(10 * Math.max(1, usualMost));
            } else {
                long duration = duration(session);
                double usualMedian = usual.stream().mapToLong(AttackScenarioTest::duration).sorted()
                        .skip(usual.size() / 2).findFirst().orElseThrow();
                assertThat(duration).as("%s", s).isGreaterThanOrEqualTo((long) (10 * usualMedian));
                String target = session.get(0).getTarget();
                assertThat(usual).noneMatch(l -> l.get(0).getTarget().equals(target));
                int hour = Instant.ofEpochMilli(session.get(0).getEventTime()).atZone(ZoneOffset.UTC).getHour();
                assertThat(hour).isBetween(2, 3);
            }
        }
        System.out.println("behaviour anomalies checked: " + kinds);
        assertThat(kinds.keySet()).containsExactlyInAnyOrder("secret-sweep", "night-marathon", "service-secret-sweep",
                "service-recon");
    }

    /**
     * A service's sweep reads a dozen times the secrets any of its runs reads; its recon runs, around 3 a.m. on a
     * target none of its runs touched, several times the distinct commands of any run and reads secrets none of its
     * runs reads.
     */
    private static void assertFarFromServiceHabits(ScenarioTruth s, List<PrivilegedEvent> session,
            List<List<PrivilegedEvent>> usual) {
        long distinctSecrets = distinct(session, PrivilegedEvent::getSecretId);
        long usualSecrets = usual.stream().mapToLong(l -> distinct(l, PrivilegedEvent::getSecretId)).max().orElse(0);
        if (s.variant().equals("service-secret-sweep")) {
            assertThat(distinctSecrets).as("%s", s).isGreaterThanOrEqualTo(12)
                    .isGreaterThanOrEqualTo(10L * Math.max(1, usualSecrets));
            return;
        }
        assertThat(s.variant()).isEqualTo("service-recon");
        long distinctCommands = distinct(session, PrivilegedEvent::getCommand);
        long usualCommands = usual.stream().mapToLong(l -> distinct(l, PrivilegedEvent::getCommand)).max().orElse(0);
        assertThat(distinctCommands).as("%s", s).isGreaterThanOrEqualTo(14).isGreaterThan(3 * usualCommands);
        assertThat(distinctSecrets).as("%s", s).isGreaterThanOrEqualTo(3);
        Set<String> usualReads = new HashSet<>();
        usual.forEach(l -> l.stream().map(PrivilegedEvent::getSecretId).filter(java.util.Objects::nonNull)
                .forEach(usualReads::add));
        assertThat(session).as("%s", s).noneMatch(e -> usualReads.contains(e.getSecretId()));
        String target = session.get(0).getTarget();
        assertThat(usual).as("%s", s).noneMatch(l -> l.get(0).getTarget().equals(target));
        int hour = Instant.ofEpochMilli(session.get(0).getEventTime()).atZone(ZoneOffset.UTC).getHour();
        assertThat(hour).as("%s", s).isBetween(2, 4);
    }

    private static long distinct(List<PrivilegedEvent> session,
            java.util.function.Function<PrivilegedEvent, String> field) {
        return session.stream().map(field).filter(java.util.Objects::nonNull).distinct().count();
    }

    /** What each scenario's trigger events must show, on their own. */
    private static void checkTriggers(ScenarioTruth s, List<PrivilegedEvent> triggers, SampleTraffic sample) {
        ReferenceLabeller labels = sample.labels;
        for (PrivilegedEvent t : triggers) {
            switch (s.scenario()) {
                case UNGRANTED_SESSION -> assertThat(labels.label(t.getEventId()).name()).isEqualTo("NO_GRANT");
                case ACTIVITY_AFTER_EXPIRY -> assertThat(labels.label(t.getEventId()).name()).isEqualTo("AFTER_EXPIRY");
                case OUT_OF_SCOPE_TARGET -> assertThat(labels.label(t.getEventId()).name()).isEqualTo("OUT_OF_SCOPE");
                case SELF_APPROVAL -> {
                    assertThat(t.getAction()).isEqualTo(Action.APPROVED);
                    assertThat(t.getApprover()).isEqualTo(s.principalId());
                }
                case BREAK_GLASS -> {
                    assertThat(t.getAction()).isEqualTo(Action.ACTIVATED);
                    assertThat(t.getBreakGlass()).isTrue();
                    assertThat(t.getTicket() == null).isEqualTo(s.variant().equals("no-ticket"));
                }
                case UNUSED_GRANT -> assertThat(t.getAction()).isIn(Action.ACTIVATED, Action.EXPIRED);
                case SECRET_OUTSIDE_SESSION -> {
                    assertThat(t.getType()).isEqualTo(EventType.SECRET);
                    assertThat(t.getSessionId()).isNull();
                    assertThat(labels.label(t.getEventId()).name()).isEqualTo("NO_GRANT");
                }
                case SERVICE_INTERACTIVE -> {
                    assertThat(t.getPrincipal().getKind()).isEqualTo(PrincipalKind.SERVICE);
                    assertThat(t.getAction()).isEqualTo(Action.START);
                    assertThat(t.getInteractive()).isTrue();
                    assertThat(labels.label(t.getEventId()).name()).isEqualTo("IN_GRANT");
                }
                case RISKY_COMMAND -> {
                    assertThat(RuleChecks.isRisky(t.getCommand())).isTrue();
                    assertThat(labels.label(t.getEventId()).name()).isEqualTo("IN_GRANT");
                }
                case SECRET_BURST -> assertThat(t.getAction()).isEqualTo(Action.READ);
                case LONG_GRANT -> {
                    // The approval (or the run of them) is the violation, not a session.
                    assertThat(s.sessionId()).as("%s", s).isNull();
                    assertThat(t.getAction()).isEqualTo(Action.APPROVED);
                    if (!s.variant().equals("renewals")) {
                        assertThat(t.getWindowEnd() - t.getWindowStart()).isGreaterThanOrEqualTo(26 * RuleChecks.HOUR);
                    }
                }
                case UNRECORDED_SESSION -> {
                    assertThat(t.getAction()).isEqualTo(Action.START);
                    assertThat(t.getRecorded()).isFalse();
                    assertThat(t.getSessionId()).isEqualTo(s.sessionId());
                }
                case CHECKOUT_NOT_RETURNED -> {
                    assertThat(t.getAction()).isEqualTo(Action.CHECKOUT);
                    assertThat(t.getSessionId()).isEqualTo(s.sessionId());
                }
                case BEHAVIOUR_ANOMALY -> assertThat(t.getAction()).isEqualTo(Action.START);
                default -> throw new AssertionError("unexpected attack " + s);
            }
        }
        if (s.scenario() == Scenario.SECRET_BURST) {
            assertThat(triggers.stream().map(PrivilegedEvent::getSecretId).distinct().count()).isGreaterThanOrEqualTo(20);
            assertThat(triggers.get(triggers.size() - 1).getEventTime() - triggers.get(0).getEventTime())
                    .isLessThanOrEqualTo(2 * RuleChecks.MINUTE);
        }
        if (s.scenario() == Scenario.LONG_GRANT && s.variant().equals("renewals")) {
            assertThat(triggers).hasSize(7);
            for (int i = 1; i < triggers.size(); i++) {
                assertThat(triggers.get(i).getWindowStart()).isEqualTo(triggers.get(i - 1).getWindowEnd());
            }
            assertThat(triggers.get(6).getWindowEnd() - triggers.get(0).getWindowStart())
                    .isGreaterThanOrEqualTo(24 * RuleChecks.HOUR);
        }
    }

    private static Map<String, List<PrivilegedEvent>> sessions(List<PrivilegedEvent> events) {
        Map<String, List<PrivilegedEvent>> out = new HashMap<>();
        for (PrivilegedEvent e : events) {
            if (e.getType() == EventType.SESSION) {
                out.computeIfAbsent(e.getSessionId(), k -> new ArrayList<>()).add(e);
            } else if (e.getSessionId() != null) {
                out.computeIfAbsent(e.getSessionId(), k -> new ArrayList<>()).add(e);
            }
        }
        out.values().forEach(l -> l.sort((a, b) -> Long.compare(a.getEventTime(), b.getEventTime())));
        return out;
    }

    private static long duration(List<PrivilegedEvent> session) {
        return session.get(session.size() - 1).getEventTime() - session.get(0).getEventTime();
    }
}
