package dev.vigil.jobs.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.GrantLabel;
import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Normal work must raise nothing: every act inside an approved, active grant's window and scope, and no rule tripped. */
class NormalTrafficTest {
    private static final long MINUTE = 60_000L;

    @Test
    void normalWorkStaysInsideItsOwnGrant() {
        SampleTraffic sample = SampleTraffic.get();
        int checked = 0;
        for (ScenarioTruth s : sample.truth) {
            if (s.scenario() != Scenario.NORMAL_WORK) {
                continue;
            }
            List<PrivilegedEvent> events = sample.eventsOf(s);
            // The episode's own grant, read from its own elevation events.
            PrivilegedEvent approved = only(events, Action.APPROVED);
            PrivilegedEvent activated = only(events, Action.ACTIVATED);
            long ended = events.stream().filter(e -> e.getAction() == Action.EXPIRED || e.getAction() == Action.REVOKED)
                    .mapToLong(PrivilegedEvent::getEventTime).min().orElseThrow();
            assertThat(approved.getRequestId()).isEqualTo(s.requestId());
            assertThat(approved.getApprover()).isNotNull().isNotEqualTo(s.principalId());
            assertThat(approved.getBreakGlass()).isNull();
            assertThat(approved.getTicket()).startsWith("CHG-");
            long window = approved.getWindowEnd() - approved.getWindowStart();
            assertThat(window).isBetween(30 * MINUTE, 240 * MINUTE);
            assertThat(activated.getEventTime()).isBetween(approved.getWindowStart(), approved.getWindowEnd());
            assertThat(ended).isLessThanOrEqualTo(approved.getWindowEnd());
            GrantPlan grant = new GrantPlan(s.requestId(), approved.getRole(), approved.getScope(), null, null, null);
            boolean used = false;
            for (PrivilegedEvent e : events) {
                if (e.getType() == EventType.ELEVATION) {
                    assertThat(e.getRequestId()).isEqualTo(s.requestId());
                    continue;
                }
                assertThat(e.getEventTime()).as("%s", e).isGreaterThanOrEqualTo(activated.getEventTime()).isLessThan(ended);
                if (e.getType() == EventType.SESSION) {
                    assertThat(grant.covers(e.getTarget())).as("%s in %s", e.getTarget(), grant.scope).isTrue();
                    assertThat(e.getInteractive()).isTrue();
                    assertThat(e.getRecorded()).isTrue();
                    used = true;
                } else {
                    assertThat(e.getSessionId()).as("%s", e).isNotNull();
                }
            }
            assertThat(used).as("grant %s used", s.requestId()).isTrue();
            checked++;
        }
        assertThat(checked).isGreaterThan(1000);
    }

    @Test
    void automationRunsInsideTheStandingGrant() {
        SampleTraffic sample = SampleTraffic.get();
        int checked = 0;
        for (ScenarioTruth s : sample.truth) {
            if (s.scenario() != Scenario.SCHEDULED_AUTOMATION) {
                continue;
            }
            ReferenceLabeller.Grant g = sample.labels.grant(s.principalId(), s.requestId());
            assertThat(g).as("grant %s approved", s.requestId()).isNotNull();
            assertThat(g.approver).isNotNull().isNotEqualTo(s.principalId());
            for (PrivilegedEvent e : sample.eventsOf(s)) {
                if (e.getType() == EventType.SESSION) {
                    assertThat(g.activeAt(e.getEventTime())).as("%s", e).isTrue();
                    assertThat(g.covers(e.getTarget())).isTrue();
                    assertThat(e.getInteractive()).isFalse();
                    assertThat(e.getRecorded()).isTrue();
                    assertThat(e.getRequestIds()).containsExactly(s.requestId());
                } else if (e.getType() == EventType.SECRET) {
                    assertThat(e.getSessionId()).isNotNull();
                    assertThat(g.activeAt(e.getEventTime())).isTrue();
                } else {
                    assertThat(e.getAction()).isIn(Action.REQUESTED, Action.APPROVED, Action.EXPIRED);
                }
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(500);
    }

    @Test
    void normalEpisodesTripNoRule() {
        SampleTraffic sample = SampleTraffic.get();
        int checked = 0;
        for (ScenarioTruth s : sample.truth) {
            if (!s.isAttack()) {
                assertThat(RuleChecks.violations(sample.eventsOf(s), sample.labels)).as("%s", s).isEmpty();
                for (PrivilegedEvent e : sample.eventsOf(s)) {
                    if (e.getType() != EventType.ELEVATION) {
                        assertThat(sample.labels.label(e.getEventId())).isEqualTo(GrantLabel.IN_GRANT);
                    }
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(2000);
    }

    @Test
    void peoplesGrantsNeverChainIntoStandingPrivilege() {
        SampleTraffic sample = SampleTraffic.get();
        // Per person, the approved windows of their normal work, in time order.
        Map<String, List<long[]>> windows = new HashMap<>();
        for (ScenarioTruth s : sample.truth) {
            if (s.scenario() == Scenario.NORMAL_WORK) {
                PrivilegedEvent approved = only(sample.eventsOf(s), Action.APPROVED);
                windows.computeIfAbsent(s.principalId(), k -> new ArrayList<>())
                        .add(new long[] {approved.getWindowStart(), approved.getWindowEnd()});
            }
        }
        windows.forEach((who, list) -> {
            list.sort((a, b) -> Long.compare(a[0], b[0]));
            for (int i = 1; i < list.size(); i++) {
                assertThat(list.get(i)[0] - list.get(i - 1)[1]).as(who).isGreaterThanOrEqualTo(20 * MINUTE);
            }
        });
    }

    @Test
    void servicesNeverActInteractivelyAndPeopleNeverRunScripts() {
        for (PrivilegedEvent e : SampleTraffic.get().events) {
            if (e.getType() != EventType.SESSION) {
                continue;
            }
            ScenarioTruth s = SampleTraffic.get().truthByEpisode.get(SampleTraffic.episodeKey(e.getEventId()));
            if (s.scenario() == Scenario.SERVICE_INTERACTIVE && s.sessionId().equals(e.getSessionId())) {
                continue;
            }
            boolean human = e.getPrincipal().getKind() == PrincipalKind.HUMAN;
            assertThat(e.getInteractive()).as("%s", e).isEqualTo(human);
        }
    }

    private static PrivilegedEvent only(List<PrivilegedEvent> events, Action action) {
        List<PrivilegedEvent> found = events.stream().filter(e -> e.getAction() == action).toList();
        assertThat(found).as("one %s in %s", action, events.get(0).getEventId()).hasSize(1);
        return found.get(0);
    }
}
