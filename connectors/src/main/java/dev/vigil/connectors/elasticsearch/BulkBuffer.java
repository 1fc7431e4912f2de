package dev.vigil.connectors.elasticsearch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The documents a sink writer holds until its next bulk request, keyed by id: a later version of a document
 * replaces the earlier one, because indexing by id keeps only the last version anyway and sending both would
 * cost a round trip for nothing. Decides when the buffer is full (actions or bytes) or has waited long enough.
 */
final class BulkBuffer {

    private final int maxActions;
    private final long maxBytes;
    private final LinkedHashMap<String, byte[]> documents = new LinkedHashMap<>();
    private long bytes;
    private long firstAddedAt = -1;

    BulkBuffer(int maxActions, long maxBytes) {
        if (maxActions <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("bulk limits must be positive: " + maxActions + " actions, " + maxBytes + " bytes");
        }
        this.maxActions = maxActions;
        this.maxBytes = maxBytes;
    }

    /**
     * Buffers a document.
     *
     * @param now processing time in ms, to know how long the oldest document has waited
     * @return true when it replaced a buffered document with the same id
     */
    boolean add(String id, byte[] json, long now) {
        if (documents.isEmpty()) {
            firstAddedAt = now;
        }
        byte[] previous = documents.put(id, json);
        bytes += json.length - (previous == null ? 0 : previous.length);
        return previous != null;
    }

    /** True once the buffer holds as many documents or bytes as one bulk request should carry. */
    boolean isFull() {
        return documents.size() >= maxActions || bytes >= maxBytes;
    }

    /** True when documents are buffered and the oldest has waited at least {@code intervalMs}. */
    boolean isDue(long now, long intervalMs) {
        return !documents.isEmpty() && now - firstAddedAt >= intervalMs;
    }

    /** Processing time at which the oldest buffered document arrived, or -1 when empty. */
    long firstAddedAt() {
        return firstAddedAt;
    }

    boolean isEmpty() {
        return documents.isEmpty();
    }

    int size() {
        return documents.size();
    }

    long bytes() {
        return bytes;
    }

    /** Removes and returns the buffered documents, in the order their ids first arrived. */
    List<BufferedDocument> drain() {
        List<BufferedDocument> out = new ArrayList<>(documents.size());
        documents.forEach((id, json) -> out.add(new BufferedDocument(id, json)));
        documents.clear();
        bytes = 0;
        firstAddedAt = -1;
        return out;
    }
}
