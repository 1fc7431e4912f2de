package dev.vigil.jobs.synthetic;

import java.util.Arrays;

/**
 * Reorders a time-ordered stream of events by at most a bound, as real exports arrive: each event gets an emission
 * key of its time plus a deterministic delay in [0, bound], and leaves once no later input can have a smaller key.
 * Events emitted one after the other then satisfy {@code time(first) - time(second) <= bound}.
 *
 * <p>Holds (episode, event index) pairs in parallel arrays, so buffering costs no allocation per event.
 */
final class JitterBuffer {
    private long[] keys = new long[256];
    private long[] seqs = new long[256];
    private Episode[] episodes = new Episode[256];
    private int[] indexes = new int[256];
    private int size;
    private long seq;

    private Episode outEpisode;
    private int outIndex;

    boolean isEmpty() {
        return size == 0;
    }

    long minKey() {
        return keys[0];
    }

    void add(long key, Episode episode, int index) {
        if (size == keys.length) {
            int n = size * 2;
            keys = Arrays.copyOf(keys, n);
            seqs = Arrays.copyOf(seqs, n);
            episodes = Arrays.copyOf(episodes, n);
            indexes = Arrays.copyOf(indexes, n);
        }
        long s = seq++;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(key, s, keys[parent], seqs[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        put(i, key, s, episode, index);
    }

    /** Removes the entry with the smallest key; read it with {@link #polledEpisode()} and {@link #polledIndex()}. */
    void poll() {
        outEpisode = episodes[0];
        outIndex = indexes[0];
        int last = --size;
        long key = keys[last];
        long s = seqs[last];
        Episode episode = episodes[last];
        int index = indexes[last];
        episodes[last] = null;
        if (last == 0) {
            return;
        }
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < last && less(keys[right], seqs[right], keys[child], seqs[child])) {
                child = right;
            }
            if (!less(keys[child], seqs[child], key, s)) {
                break;
            }
            move(child, i);
            i = child;
        }
        put(i, key, s, episode, index);
    }

    Episode polledEpisode() {
        return outEpisode;
    }

    int polledIndex() {
        return outIndex;
    }

    private void move(int from, int to) {
        keys[to] = keys[from];
        seqs[to] = seqs[from];
        episodes[to] = episodes[from];
        indexes[to] = indexes[from];
    }

    private void put(int i, long key, long s, Episode episode, int index) {
        keys[i] = key;
        seqs[i] = s;
        episodes[i] = episode;
        indexes[i] = index;
    }

    private static boolean less(long k1, long s1, long k2, long s2) {
        return k1 < k2 || (k1 == k2 && s1 < s2);
    }
}
