package dev.vigil.jobs.synthetic;

import java.util.Arrays;

/**
 * The episodes under way, as a binary min-heap ordered by the time of each one's next event (then by episode
 * number, so ties resolve the same way every run). Hand-written rather than a PriorityQueue so advancing the top
 * episode costs one sift instead of a removal and an insertion, and with the keys in their own arrays so a sift
 * with tens of thousands of principals at work reads contiguous memory instead of chasing every episode.
 */
final class EpisodeQueue {
    private long[] times = new long[64];
    private long[] numbers = new long[64];
    private Episode[] episodes = new Episode[64];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    Episode top() {
        return episodes[0];
    }

    long topTime() {
        return times[0];
    }

    void add(Episode e) {
        if (size == times.length) {
            int n = size * 2;
            times = Arrays.copyOf(times, n);
            numbers = Arrays.copyOf(numbers, n);
            episodes = Arrays.copyOf(episodes, n);
        }
        long time = e.times[e.cursor];
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(time, e.number, times[parent], numbers[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        put(i, time, e);
    }

    /** Moves the top episode past its current event, dropping it once it has none left. */
    void advanceTop() {
        Episode e = episodes[0];
        if (++e.cursor < e.size) {
            siftDown(e.times[e.cursor], e);
            return;
        }
        int last = --size;
        Episode moved = episodes[last];
        long time = times[last];
        episodes[last] = null;
        if (last > 0) {
            siftDown(time, moved);
        }
    }

    private void siftDown(long time, Episode e) {
        long number = e.number;
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && less(times[right], numbers[right], times[child], numbers[child])) {
                child = right;
            }
            if (!less(times[child], numbers[child], time, number)) {
                break;
            }
            move(child, i);
            i = child;
        }
        put(i, time, e);
    }

    private void move(int from, int to) {
        times[to] = times[from];
        numbers[to] = numbers[from];
        episodes[to] = episodes[from];
    }

    private void put(int i, long time, Episode e) {
        times[i] = time;
        numbers[i] = e.number;
        episodes[i] = e;
    }

    private static boolean less(long t1, long n1, long t2, long n2) {
        return t1 < t2 || (t1 == t2 && n1 < n2);
    }
}
