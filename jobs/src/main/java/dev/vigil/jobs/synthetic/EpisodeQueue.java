package dev.vigil.jobs.synthetic;

/**
 * The episodes under way, as a binary min-heap ordered by the time of each one's next event (then by episode
 * number, so ties resolve the same way every run). Hand-written rather than a PriorityQueue so advancing the top
 * episode costs one sift instead of a removal and an insertion.
 */
final class EpisodeQueue {
    private Episode[] heap = new Episode[64];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    Episode top() {
        return heap[0];
    }

    long topTime() {
        Episode e = heap[0];
        return e.times[e.cursor];
    }

    void add(Episode e) {
        if (size == heap.length) {
            heap = java.util.Arrays.copyOf(heap, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(e, heap[parent])) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = e;
    }

    /** Moves the top episode past its current event, dropping it once it has none left. */
    void advanceTop() {
        Episode e = heap[0];
        if (++e.cursor == e.size) {
            Episode last = heap[--size];
            heap[size] = null;
            if (size > 0) {
                siftDown(last);
            }
        } else {
            siftDown(e);
        }
    }

    private void siftDown(Episode e) {
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && less(heap[right], heap[child])) {
                child = right;
            }
            if (!less(heap[child], e)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = e;
    }

    private static boolean less(Episode a, Episode b) {
        long ta = a.times[a.cursor];
        long tb = b.times[b.cursor];
        return ta < tb || (ta == tb && a.number < b.number);
    }
}
