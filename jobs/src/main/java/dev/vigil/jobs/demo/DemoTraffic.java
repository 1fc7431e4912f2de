package dev.vigil.jobs.demo;

import dev.vigil.connectors.kafka.EventPublisher;
import dev.vigil.jobs.synthetic.MergedTraffic;
import dev.vigil.jobs.synthetic.ScenarioTruth;
import dev.vigil.jobs.synthetic.TrafficProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The demo's traffic: synthetic PAM/PIM work with attacks mixed in, placed so that it ends just before now (event
 * times never run into the future), plus a few records no system should accept, to show the dead-letter path.
 */
public final class DemoTraffic {
    /** Records the demo publishes on purpose to show that bad input is dead-lettered, not dropped or fatal. */
    static final List<byte[]> BAD_RECORDS = List.of(
            "{\"event_id\": \"broken\", \"event_time\": ".getBytes(StandardCharsets.UTF_8),
            "{\"event_id\":\"e-unknown\",\"event_time\":\"2026-01-05T08:00:00Z\",\"source\":\"teleport\",\"type\":\"LOGIN\"}"
                    .getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xC3, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x01, 0x02});

    private final long seed;
    private final TrafficProfile profile;
    private final int partitions;

    public DemoTraffic(long seed, double attackRate, long events, int partitions) {
        this.seed = seed;
        this.partitions = partitions;
        TrafficProfile base = TrafficProfile.builder().attackRate(attackRate).build();
        double days = (double) events / base.approxEventsPerDay();
        Instant start = Instant.now().minus(Duration.ofMinutes((long) (days * 24 * 60) + 180));
        this.profile = base.toBuilder().start(start).build();
    }

    public TrafficProfile profile() {
        return profile;
    }

    /**
     * Publishes about {@code events} events, then the bad records; returns the truth. The partitions are merged by
     * event time, as one estate's producer would send them: published one after another, the second partition
     * would arrive days behind the first, every event of it late, and its attacks would reach the evidence but
     * never the rules. Each partition finishes the episodes under way at its share, so every attack counted in
     * the truth is whole (a few more events than asked for are published).
     */
    public List<ScenarioTruth> publish(EventPublisher publisher, long events, LongConsumer progress) {
        long share = (events + partitions - 1) / partitions;
        MergedTraffic traffic = new MergedTraffic(seed, profile, partitions, share);
        long published = 0;
        while (traffic.hasNext()) {
            publisher.publish(traffic.next());
            if (++published % 5000 == 0) {
                progress.accept(published);
            }
        }
        List<ScenarioTruth> truth = new ArrayList<>(traffic.truth());
        for (byte[] bad : BAD_RECORDS) {
            publisher.publishRaw("demo-bad-input", bad);
        }
        publisher.flush();
        progress.accept(published);
        return truth;
    }
}
