package dev.vigil.jobs.anomaly;

import dev.vigil.common.PrincipalKind;
import dev.vigil.jobs.synthetic.Scenario;
import dev.vigil.jobs.synthetic.ScenarioTruth;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How the answer key labels units: injected kinds by session, other attacks by session or by secret hour. */
class InjectedAnomaliesTest {
    private static final long T = Units.DAY0;

    private static ScenarioTruth truth(Scenario scenario, String variant, String who, String request, String session,
                                       long from, long to) {
        return new ScenarioTruth(scenario, variant, scenario.ruleId(), who, request, session, List.of(), 0, 1, from, to);
    }

    private static SessionActivity session(String who, String id) {
        SessionActivity u = new SessionActivity(id, who, PrincipalKind.HUMAN);
        u.sessionId = id;
        return u;
    }

    private static SessionActivity secretHour(String who, long at) {
        return new SessionActivity(SessionActivity.secretHourKey(at), who, PrincipalKind.HUMAN);
    }

    @Test
    void labelsKindsOtherAttacksAndSecretHoursOfDirectReads() {
        InjectedAnomalies labels = InjectedAnomalies.of(List.of(
                truth(Scenario.BEHAVIOUR_ANOMALY, "service-recon", "svc-etl", "req-1", "ses-recon", T, T + 1),
                truth(Scenario.SERVICE_INTERACTIVE, null, "svc-etl", "req-2", "ses-hands-on", T, T + 1),
                truth(Scenario.SECRET_OUTSIDE_SESSION, "read", "alice", null, null, T + 10 * Units.MINUTE,
                        T + 12 * Units.MINUTE),
                // A long grant names no session either, but a grant: none of its hours are direct reads.
                truth(Scenario.LONG_GRANT, "long-window", "bob", "req-3", null, T, T + 30 * Units.HOUR),
                truth(Scenario.NORMAL_WORK, null, "alice", "req-4", "ses-work", T, T + 1)));

        assertThat(labels.size()).isEqualTo(1);
        assertThat(labels.kindOf(session("svc-etl", "ses-recon"))).isEqualTo("service-recon");
        assertThat(labels.kindOf(session("alice", "ses-work"))).isNull();
        assertThat(labels.otherAttackOf(session("svc-etl", "ses-hands-on"))).isEqualTo("PUM-008");
        assertThat(labels.otherAttackOf(session("alice", "ses-work"))).isNull();
        assertThat(labels.otherAttackOf(secretHour("alice", T + 11 * Units.MINUTE))).isEqualTo("PUM-007");
        assertThat(labels.otherAttackOf(secretHour("alice", T + 3 * Units.HOUR))).isNull();
        assertThat(labels.otherAttackOf(secretHour("bob", T + 2 * Units.HOUR))).isNull();
        assertThat(labels.kindOf(secretHour("alice", T + 11 * Units.MINUTE))).isNull();
    }
}
