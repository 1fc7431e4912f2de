package dev.vigil.jobs.synthetic;

import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.AvroJson;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What {@link SyntheticTraffic#writeCanonical} wrote: a canonical JSON file of synthetic events and the truth of
 * every episode in it.
 *
 * @param events lines written
 * @param truth the truth written next to them, ordered by start time
 */
public record CanonicalExport(long events, List<ScenarioTruth> truth) {

    public CanonicalExport {
        truth = List.copyOf(truth);
    }

    static CanonicalExport write(Path eventsFile, Path truthFile, long seed, TrafficProfile profile, int partitions,
            long eventsPerPartition) throws IOException {
        List<SyntheticTraffic> streams = new ArrayList<>();
        List<PrivilegedEvent> heads = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            SyntheticTraffic t = new SyntheticTraffic(seed, profile, p, partitions).finishEpisodesAfter(eventsPerPartition);
            streams.add(t);
            heads.add(t.hasNext() ? t.next() : null);
        }
        long lines = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(eventsFile), 1 << 16)) {
            while (true) {
                // Merge the partitions by event time, each keeping its own (jittered) order.
                int pick = -1;
                for (int p = 0; p < partitions; p++) {
                    PrivilegedEvent h = heads.get(p);
                    if (h != null && (pick < 0 || h.getEventTime() < heads.get(pick).getEventTime())) {
                        pick = p;
                    }
                }
                if (pick < 0) {
                    break;
                }
                out.write(AvroJson.toJsonBytes(heads.get(pick)));
                out.write('\n');
                lines++;
                SyntheticTraffic t = streams.get(pick);
                heads.set(pick, t.hasNext() ? t.next() : null);
            }
        }
        List<ScenarioTruth> truth = new ArrayList<>();
        streams.forEach(t -> truth.addAll(t.truth()));
        truth.sort(Comparator.comparingLong(ScenarioTruth::startTime).thenComparingInt(ScenarioTruth::partition)
                .thenComparingLong(ScenarioTruth::episode));
        ScenarioTruth.writeJson(truthFile, truth);
        return new CanonicalExport(lines, truth);
    }
}
