package dev.vigil.jobs.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.json.CanonicalJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpisodePlannerTest {
    private static final TrafficProfile PROFILE = TrafficProfile.builder().attackRate(0.3).build();

    @Test
    void anEpisodeIsTheSameWhicheverOrderAndPlannerItComesFrom() {
        EpisodePlanner forward = new EpisodePlanner(4, PROFILE, 1, 2);
        List<List<String>> first = new java.util.ArrayList<>();
        for (long e = 0; e < 400; e++) {
            first.add(json(forward.plan(e)));
        }
        EpisodePlanner backward = new EpisodePlanner(4, PROFILE, 1, 2);
        for (long e = 399; e >= 0; e--) {
            assertThat(json(backward.plan(e))).as("episode %d", e).isEqualTo(first.get((int) e));
        }
        assertThat(first).anyMatch(l -> !l.isEmpty());
    }

    @Test
    void slotStartsNeverDecreaseAndBoundTheirEpisodes() {
        EpisodePlanner planner = new EpisodePlanner(4, PROFILE, 0, 1);
        long previous = Long.MIN_VALUE;
        int idle = 0;
        for (long e = 0; e < 5 * planner.episodesPerDay(); e++) {
            long start = planner.slotStart(e);
            assertThat(start).isGreaterThanOrEqualTo(previous);
            previous = start;
            Episode episode = planner.plan(e);
            if (episode.isIdle()) {
                assertThat(episode.truth()).isNull();
                idle++;
                continue;
            }
            assertThat(episode.time(0)).isGreaterThanOrEqualTo(start).isGreaterThanOrEqualTo(PROFILE.startMillis());
            for (int i = 1; i < episode.size(); i++) {
                assertThat(episode.time(i)).isGreaterThanOrEqualTo(episode.time(i - 1));
            }
            assertThat(episode.truth().episode()).isEqualTo(e);
            assertThat(episode.events().get(0).getEventId()).isEqualTo("syn-4-0-" + e + "-0");
        }
        // Slots before 08:00 on the first day are empty: the traffic starts then.
        assertThat(idle).isPositive();
    }

    @Test
    void eachPersonWorksTwoSlotsADayAndEachServiceFour() {
        TrafficProfile p = PROFILE.toBuilder().humans(6).services(2).build();
        EpisodePlanner planner = new EpisodePlanner(4, p, 0, 2);
        assertThat(planner.principalIds()).hasSize(4);
        assertThat(planner.episodesPerDay()).isEqualTo(3 * 2 + 4);
    }

    private static List<String> json(Episode e) {
        return e.events().stream().map(CanonicalJson::toJson).toList();
    }
}
