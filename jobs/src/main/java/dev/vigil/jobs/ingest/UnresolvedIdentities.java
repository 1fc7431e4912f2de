package dev.vigil.jobs.ingest;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.Accumulator;

/**
 * Counts events per principal id that the principal directory did not know, for the run summary's top list. Its
 * size is bounded: past {@link #MAX_IDS} distinct ids, further ones are counted under {@link #OTHERS}.
 */
public final class UnresolvedIdentities implements Accumulator<String, HashMap<String, Long>> {
    private static final long serialVersionUID = 1L;
    public static final int MAX_IDS = 1000;
    public static final String OTHERS = "(other identities)";

    private HashMap<String, Long> counts = new HashMap<>();

    @Override
    public void add(String id) {
        add(id, 1L);
    }

    private void add(String id, long n) {
        if (counts.size() >= MAX_IDS && !counts.containsKey(id)) {
            id = OTHERS;
        }
        counts.merge(id, n, Long::sum);
    }

    @Override
    public HashMap<String, Long> getLocalValue() {
        return counts;
    }

    @Override
    public void resetLocal() {
        counts = new HashMap<>();
    }

    @Override
    public void merge(Accumulator<String, HashMap<String, Long>> other) {
        for (Map.Entry<String, Long> e : other.getLocalValue().entrySet()) {
            add(e.getKey(), e.getValue());
        }
    }

    @Override
    public UnresolvedIdentities clone() {
        UnresolvedIdentities copy = new UnresolvedIdentities();
        copy.counts = new HashMap<>(counts);
        return copy;
    }
}
