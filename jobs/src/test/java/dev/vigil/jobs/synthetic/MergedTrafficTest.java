package dev.vigil.jobs.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.PrivilegedEvent;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergedTrafficTest {
    @Test
    void partitionsInterleaveByEventTimeAndEveryEpisodeIsWhole() {
        TrafficProfile profile = TrafficProfile.builder().attackRate(0.2).build();
        MergedTraffic traffic = new MergedTraffic(5, profile, 3, 2_000);
        long newest = 0;
        long events = 0;
        Map<String, Integer> perEpisode = new HashMap<>();
        Map<Integer, Long> perPartition = new HashMap<>();
        while (traffic.hasNext()) {
            PrivilegedEvent e = traffic.next();
            // Never further behind what was already handed out than the jitter a single partition has.
            assertThat(e.getEventTime()).as(e.getEventId()).isGreaterThanOrEqualTo(newest - profile.maxJitterMs());
            newest = Math.max(newest, e.getEventTime());
            perEpisode.merge(SampleTraffic.episodeKey(e.getEventId()), 1, Integer::sum);
            perPartition.merge(Integer.parseInt(SampleTraffic.episodeKey(e.getEventId()).split("/")[0]), 1L, Long::sum);
            events++;
        }
        assertThat(events).isGreaterThanOrEqualTo(6_000);
        assertThat(perPartition.keySet()).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(perPartition.values()).allMatch(n -> n >= 2_000);

        EpisodePlanner[] planners = new EpisodePlanner[3];
        for (int p = 0; p < 3; p++) {
            planners[p] = new EpisodePlanner(5, profile, p, 3);
        }
        assertThat(traffic.truth()).hasSize(perEpisode.size());
        for (ScenarioTruth s : traffic.truth()) {
            assertThat(perEpisode.get(s.partition() + "/" + s.episode())).as("%s", s)
                    .isEqualTo(planners[s.partition()].plan(s.episode()).size());
        }
    }
}
