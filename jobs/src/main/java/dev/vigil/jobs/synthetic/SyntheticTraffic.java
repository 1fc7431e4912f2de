package dev.vigil.jobs.synthetic;

import dev.vigil.event.PrivilegedEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The synthetic PAM/PIM event stream of one partition: its principals' episodes merged in event-time order, then
 * perturbed by at most the profile's jitter the way real exports arrive out of order. Partition {@code p} of
 * {@code n} owns a disjoint set of principals, so partitions generate in parallel without sharing anything, and the
 * same (seed, profile, partition, partitions) always gives the same events, byte for byte, in the same order.
 *
 * <p>Infinite unless {@link #limit limited}. Episodes are planned only when the merge reaches their slot and their
 * events are built only when emitted, so memory grows with the principals at work, not with the stream.
 */
public final class SyntheticTraffic implements Iterator<PrivilegedEvent> {
    private final EpisodePlanner planner;
    private final long jitter;
    private final EpisodeQueue active = new EpisodeQueue();
    private final JitterBuffer buffer = new JitterBuffer();
    private final List<ScenarioTruth> truths = new ArrayList<>();
    private long limit = Long.MAX_VALUE;
    private long finishAfter = Long.MAX_VALUE;
    private boolean keepTruth = true;
    private boolean planning = true;
    private long nextEpisode;
    private long nextSlotStart;
    private long produced;
    private long emitted;
    private Episode ready;
    private int readyIndex;

    public SyntheticTraffic(long seed, TrafficProfile profile, int partition, int partitions) {
        this.planner = new EpisodePlanner(seed, profile, partition, partitions);
        this.jitter = profile.maxJitterMs();
        this.nextSlotStart = planner.slotStart(0);
    }

    /** Stops after exactly {@code maxEvents} events, wherever the episodes under way happen to be. */
    public SyntheticTraffic limit(long maxEvents) {
        requireFresh();
        if (maxEvents < 0) {
            throw new IllegalArgumentException("maxEvents must not be negative, got " + maxEvents);
        }
        this.limit = maxEvents;
        return this;
    }

    /**
     * Starts no new episode once {@code events} events have been generated, and ends when the episodes under way
     * are complete. The stream then holds at least that many events and no half episodes: a replay of a cut stream
     * would see, say, a checkout whose check-in was cut off, and rightly flag it.
     */
    public SyntheticTraffic finishEpisodesAfter(long events) {
        requireFresh();
        this.finishAfter = events;
        return this;
    }

    /** Keeps no truth, for long runs (the benchmark) that would otherwise hold one entry per episode. */
    public SyntheticTraffic withoutTruth() {
        requireFresh();
        this.keepTruth = false;
        return this;
    }

    /** The truth of every episode that has emitted at least one event so far, in the order they began. */
    public List<ScenarioTruth> truth() {
        return Collections.unmodifiableList(truths);
    }

    /** Events handed out so far. */
    public long emitted() {
        return emitted;
    }

    /** Ids of the principals this partition owns. */
    public List<String> principals() {
        return planner.principalIds();
    }

    @Override
    public boolean hasNext() {
        if (ready != null) {
            return true;
        }
        return emitted < limit && prepare();
    }

    @Override
    public PrivilegedEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the synthetic traffic has ended after " + emitted + " events");
        }
        Episode episode = ready;
        ready = null;
        if (!episode.started) {
            episode.started = true;
            if (keepTruth) {
                truths.add(episode.truth());
            }
        }
        emitted++;
        return episode.event(readyIndex);
    }

    /**
     * Moves the next event to emit into {@link #ready}. Two stages: episodes merge exactly by event time into the
     * jitter buffer, which releases an event once its key is at most the time of anything still to come.
     */
    private boolean prepare() {
        while (true) {
            if (planning && (active.isEmpty() || nextSlotStart <= active.topTime())) {
                if (produced >= finishAfter) {
                    planning = false;
                    continue;
                }
                Episode e = planner.plan(nextEpisode++);
                nextSlotStart = planner.slotStart(nextEpisode);
                if (!e.isIdle()) {
                    active.add(e);
                }
                continue;
            }
            // Every event still to come, planned or not, happens at or after this time.
            long lowerBound = active.isEmpty() ? Long.MAX_VALUE : active.topTime();
            if (!buffer.isEmpty() && buffer.minKey() <= lowerBound) {
                buffer.poll();
                ready = buffer.polledEpisode();
                readyIndex = buffer.polledIndex();
                return true;
            }
            if (active.isEmpty()) {
                return false;
            }
            Episode e = active.top();
            int i = e.cursor;
            buffer.add(e.times[i] + delay(e, i), e, i);
            produced++;
            active.advanceTop();
        }
    }

    private long delay(Episode e, int i) {
        return jitter == 0 ? 0 : Math.floorMod(Seeds.mix(e.mixSeed + i) >>> 1, jitter + 1);
    }

    private void requireFresh() {
        if (produced > 0 || emitted > 0) {
            throw new IllegalStateException("configure the traffic before reading from it");
        }
    }

    /**
     * Writes partitions {@code 0..partitions-1} as canonical JSON lines, merged by event time, each partition
     * {@link #finishEpisodesAfter finishing its episodes} after {@code eventsPerPartition} events, and their truth as
     * a JSON array: a replay input with its answer key.
     */
    public static CanonicalExport writeCanonical(Path eventsFile, Path truthFile, long seed, TrafficProfile profile,
            int partitions, long eventsPerPartition) throws IOException {
        return CanonicalExport.write(eventsFile, truthFile, seed, profile, partitions, eventsPerPartition);
    }
}
