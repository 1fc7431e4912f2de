package dev.vigil.jobs.synthetic;

import dev.vigil.schema.json.AvroJson;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
        MergedTraffic traffic = new MergedTraffic(seed, profile, partitions, eventsPerPartition);
        long lines = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(eventsFile), 1 << 16)) {
            while (traffic.hasNext()) {
                out.write(AvroJson.toJsonBytes(traffic.next()));
                out.write('\n');
                lines++;
            }
        }
        List<ScenarioTruth> truth = traffic.truth();
        ScenarioTruth.writeJson(truthFile, truth);
        return new CanonicalExport(lines, truth);
    }
}
