package dev.vigil.jobs.anomaly;

import dev.vigil.common.PrincipalKind;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.jobs.synthetic.SyntheticTraffic;
import dev.vigil.jobs.synthetic.TrafficProfile;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Train on generated traffic of one seed, write and read the artifact, evaluate on traffic of another seed: the
 * injected behaviour anomalies rank above ordinary sessions and are explained by what was injected. The traffic is
 * folded into units here without grant context (every unit counts as ungranted), which the features allow.
 */
class ModelRoundTripTest {

    /** Every session and secret hour of the traffic, per principal, in closing order. */
    private static Map<String, List<SessionActivity>> units(SyntheticTraffic traffic) {
        Map<String, Map<String, SessionActivity>> open = new TreeMap<>();
        List<PrivilegedEvent> events = new ArrayList<>();
        traffic.forEachRemaining(events::add);
        events.sort(java.util.Comparator.comparingLong(PrivilegedEvent::getEventTime).thenComparing(PrivilegedEvent::getEventId));
        for (PrivilegedEvent e : events) {
            if (e.getType() == EventType.ELEVATION) {
                continue;
            }
            String key = e.getSessionId() != null ? e.getSessionId()
                    : e.getType() == EventType.SECRET ? SessionActivity.secretHourKey(e.getEventTime()) : null;
            if (key == null) {
                continue;
            }
            SessionActivity u = open.computeIfAbsent(e.getPrincipal().getId(), k -> new HashMap<>())
                    .computeIfAbsent(key, k -> new SessionActivity(k, e.getPrincipal().getId(), e.getPrincipal().getKind()));
            if (e.getType() == EventType.SESSION) {
                u.sessionId = e.getSessionId();
            }
            if (u.interactive == null && e.getInteractive() != null) {
                u.interactive = e.getInteractive();
            }
            u.add(e.getEventId(), e.getEventTime(), e.getType(), e.getAction(), e.getTarget(), e.getAccount(),
                    e.getCommand(), e.getSecretId(), e.getPrincipal().getSourceIp());
        }
        Map<String, List<SessionActivity>> out = new TreeMap<>();
        open.forEach((who, byKey) -> {
            List<SessionActivity> list = new ArrayList<>(byKey.values());
            list.sort(SessionActivity.CLOSING_ORDER);
            out.put(who, list);
        });
        return out;
    }

    private static SyntheticTraffic traffic(long seed, String start) {
        TrafficProfile profile = TrafficProfile.builder().attackRate(0.15).start(Instant.parse(start)).build();
        return new SyntheticTraffic(seed, profile, 0, 1).finishEpisodesAfter(30_000);
    }

    @Test
    void trainedOnOneSeedItFindsAndExplainsTheAnomaliesOfAnother() {
        AnomalyModel trained = ModelTrainer.train(units(traffic(11, "2026-01-05T08:00:00Z")),
                new ModelTrainer.Settings(0.01, 100, 256, 7, "round-trip"));
        AnomalyModel model = AnomalyModel.parse(trained.toBytes(), "round-trip.json");

        SyntheticTraffic other = traffic(23, "2026-03-02T08:00:00Z");
        Map<String, List<SessionActivity>> units = units(other);
        InjectedAnomalies labels = InjectedAnomalies.of(other.truth());
        ModelEvaluation.Report report = ModelEvaluation.evaluate(ModelEvaluation.judge(model, units, labels), 10);

        System.out.println("round trip by kind: " + report.byKind());
        assertThat(report.positives()).isGreaterThanOrEqualTo(5);
        // Both populations' kinds are measured, each on its own forest: service accounts behaving unlike themselves
        // are caught and explained as well as people are.
        assertThat(report.byKind().keySet()).containsExactlyInAnyOrder("secret-sweep", "night-marathon",
                "service-secret-sweep", "service-recon");
        for (ModelEvaluation.KindFigures k : report.byKind().values()) {
            assertThat(k.population()).as(k.kind())
                    .isEqualTo(k.kind().startsWith("service-") ? PrincipalKind.SERVICE : PrincipalKind.HUMAN);
            assertThat(k.flagged()).as(k.kind()).isGreaterThanOrEqualTo(k.injected() * 8 / 10);
            assertThat(k.explained()).as(k.kind()).isGreaterThanOrEqualTo(k.flagged() * 7 / 10);
        }
        assertThat(report.rocAuc()).isGreaterThanOrEqualTo(0.9);
        assertThat(report.truePositives()).isGreaterThanOrEqualTo(report.positives() * 8 / 10);
        assertThat(report.explained()).isGreaterThanOrEqualTo(report.truePositives() * 8 / 10);
        // a model of ordinary behaviour flags few ordinary sessions
        assertThat((double) (report.falsePositives() - report.falsePositivesOnOtherAttacks()) / report.units())
                .isLessThan(0.03);
    }
}
