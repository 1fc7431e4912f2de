package dev.vigil.jobs.synthetic;

import dev.vigil.event.PrivilegedEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Several partitions of synthetic traffic as one stream, merged by event time, each partition finishing the
 * episodes under way once it has generated its share. What one producer of a whole estate's events would send: a
 * consumer with a bounded out-of-orderness sees nothing later than the partitions' jitter. Handing the partitions
 * out one after another instead would send the second partition days behind the first, all of it late.
 */
public final class MergedTraffic implements Iterator<PrivilegedEvent> {
    private final List<SyntheticTraffic> partitions = new ArrayList<>();
    private final PrivilegedEvent[] heads;

    /**
     * @param eventsPerPartition events after which each partition starts no new episode; it then completes those
     *     under way, so the stream holds no half scenarios and somewhat more events than this in all
     */
    public MergedTraffic(long seed, TrafficProfile profile, int partitions, long eventsPerPartition) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        heads = new PrivilegedEvent[partitions];
        for (int p = 0; p < partitions; p++) {
            SyntheticTraffic t = new SyntheticTraffic(seed, profile, p, partitions).finishEpisodesAfter(eventsPerPartition);
            this.partitions.add(t);
            heads[p] = t.hasNext() ? t.next() : null;
        }
    }

    @Override
    public boolean hasNext() {
        for (PrivilegedEvent h : heads) {
            if (h != null) {
                return true;
            }
        }
        return false;
    }

    /** The earliest of the partitions' next events; each partition keeps its own (jittered) order. */
    @Override
    public PrivilegedEvent next() {
        int pick = -1;
        for (int p = 0; p < heads.length; p++) {
            if (heads[p] != null && (pick < 0 || heads[p].getEventTime() < heads[pick].getEventTime())) {
                pick = p;
            }
        }
        if (pick < 0) {
            throw new NoSuchElementException("the merged synthetic traffic has ended");
        }
        PrivilegedEvent e = heads[pick];
        SyntheticTraffic t = partitions.get(pick);
        heads[pick] = t.hasNext() ? t.next() : null;
        return e;
    }

    /** The truth of every episode handed out so far, ordered by start time, then partition and episode. */
    public List<ScenarioTruth> truth() {
        List<ScenarioTruth> truth = new ArrayList<>();
        partitions.forEach(t -> truth.addAll(t.truth()));
        truth.sort(Comparator.comparingLong(ScenarioTruth::startTime).thenComparingInt(ScenarioTruth::partition)
                .thenComparingLong(ScenarioTruth::episode));
        return truth;
    }
}
