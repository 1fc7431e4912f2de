package dev.vigil.jobs.anomaly;

import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link ModelTrainer} trains on: units past warm-up, without the sessions of people at a service's shell. */
class ModelTrainerTest {

    private static SessionActivity unit(String who, PrincipalKind kind, int n, boolean interactive) {
        SessionActivity u = new SessionActivity("ses-" + who + "-" + n, who, kind);
        u.sessionId = u.key;
        u.interactive = interactive;
        long start = Units.DAY0 + n * Units.HOUR;
        u.add("e-" + n + "-0", start, EventType.SESSION, Action.START, "db-1", "etl", null, null, "10.40.0.1");
        u.add("e-" + n + "-1", start + Units.MINUTE, EventType.SESSION, Action.COMMAND, "db-1", null,
                interactive ? "ps -ef" : "ANALYZE orders_daily", null, null);
        u.add("e-" + n + "-2", start + 2 * Units.MINUTE, EventType.SESSION, Action.END, "db-1", null, null, null, null);
        return u;
    }

    @Test
    void interactiveSessionsOfServicesTeachTheProfileButNotTheForest() {
        List<SessionActivity> service = new ArrayList<>();
        List<SessionActivity> person = new ArrayList<>();
        for (int n = 0; n < 20; n++) {
            // Every fourth unit after warm-up is a person at the shell.
            boolean byHand = n >= AnomalyScorer.WARM_UP && n % 4 == 0;
            service.add(unit("svc-etl", PrincipalKind.SERVICE, n, byHand));
            person.add(unit("alice", PrincipalKind.HUMAN, n, true));
        }
        Map<PrincipalKind, List<double[]>> vectors = ModelTrainer.vectors(Map.of("svc-etl", service, "alice", person));

        long byHand = service.stream().filter(u -> Boolean.TRUE.equals(u.interactive)).count();
        assertThat(byHand).isEqualTo(3);
        assertThat(vectors.get(PrincipalKind.SERVICE)).hasSize(20 - AnomalyScorer.WARM_UP - 3);
        // People's sessions are interactive by nature: all of them past warm-up train.
        assertThat(vectors.get(PrincipalKind.HUMAN)).hasSize(20 - AnomalyScorer.WARM_UP);
        assertThat(ModelTrainer.teaches(service.get(8))).isFalse();
        assertThat(ModelTrainer.teaches(service.get(9))).isTrue();
    }
}
