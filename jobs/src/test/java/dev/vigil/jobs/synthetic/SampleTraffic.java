package dev.vigil.jobs.synthetic;

import dev.vigil.event.PrivilegedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two months of two-partition traffic with a high attack rate, generated once per test run and shared: long enough
 * for every scenario and variant to occur many times, small enough to hold in memory.
 */
final class SampleTraffic {
    static final long SEED = 11;
    static final int PARTITIONS = 2;
    static final long EVENTS_PER_PARTITION = 90_000;
    static final TrafficProfile PROFILE = TrafficProfile.builder()
            .start(Instant.parse("2025-01-06T08:00:00Z"))
            .attackRate(0.3)
            .build();

    private static SampleTraffic instance;

    /** Every event, partition by partition, each partition in emission order. */
    final List<PrivilegedEvent> events = new ArrayList<>();
    final List<List<PrivilegedEvent>> byPartition = new ArrayList<>();
    final List<ScenarioTruth> truth = new ArrayList<>();
    /** Events of each episode, keyed by "partition/episode". */
    final Map<String, List<PrivilegedEvent>> byEpisode = new HashMap<>();
    final Map<String, ScenarioTruth> truthByEpisode = new HashMap<>();
    final ReferenceLabeller labels;

    private SampleTraffic() {
        for (int p = 0; p < PARTITIONS; p++) {
            SyntheticTraffic t = new SyntheticTraffic(SEED, PROFILE, p, PARTITIONS)
                    .finishEpisodesAfter(EVENTS_PER_PARTITION);
            List<PrivilegedEvent> part = new ArrayList<>();
            t.forEachRemaining(part::add);
            byPartition.add(part);
            events.addAll(part);
            truth.addAll(t.truth());
        }
        for (PrivilegedEvent e : events) {
            byEpisode.computeIfAbsent(episodeKey(e.getEventId()), k -> new ArrayList<>()).add(e);
        }
        byEpisode.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(PrivilegedEvent::getEventTime)));
        for (ScenarioTruth s : truth) {
            truthByEpisode.put(s.partition() + "/" + s.episode(), s);
        }
        labels = new ReferenceLabeller(events);
    }

    static synchronized SampleTraffic get() {
        if (instance == null) {
            instance = new SampleTraffic();
        }
        return instance;
    }

    List<PrivilegedEvent> eventsOf(ScenarioTruth s) {
        return byEpisode.get(s.partition() + "/" + s.episode());
    }

    /** "partition/episode" from an event id {@code syn-<seed>-<partition>-<episode>-<n>} (seed not negative). */
    static String episodeKey(String eventId) {
        String[] parts = eventId.split("-");
        return parts[2] + "/" + parts[3];
    }
}
