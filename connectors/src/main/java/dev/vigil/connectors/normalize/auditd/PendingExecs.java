package dev.vigil.connectors.normalize.auditd;

import dev.vigil.connectors.normalize.text.AuditRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The halves of exec events seen so far (a SYSCALL waiting for its EXECVE, or the other way round), per input
 * stream (one file, one partition), so that the second half can complete the first. Bounded: a stream keeps at
 * most {@value #PER_STREAM} open events (auditd interleaves a few when CPUs race), and the oldest are dropped, as is
 * an event whose EOE arrives or whose stream moves past it; at most {@value #STREAMS} streams are tracked.
 */
final class PendingExecs {
    static final int PER_STREAM = 32;
    static final int STREAMS = 1024;

    /** The parts of one event collected so far. */
    static final class Parts {
        AuditRecord syscall;
        AuditRecord execve;
    }

    private final Map<String, LinkedHashMap<String, Parts>> byStream = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LinkedHashMap<String, Parts>> eldest) {
            return size() > STREAMS;
        }
    };

    /** Adds a SYSCALL or EXECVE record; returns the event's parts when both halves are now present. */
    synchronized Parts add(String stream, AuditRecord record) {
        LinkedHashMap<String, Parts> open = byStream.computeIfAbsent(stream, s -> new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Parts> eldest) {
                return size() > PER_STREAM;
            }
        });
        String key = record.eventKey();
        Parts parts = open.computeIfAbsent(key, k -> new Parts());
        if ("SYSCALL".equals(record.type())) {
            parts.syscall = record;
        } else {
            parts.execve = record;
        }
        if (parts.syscall != null && parts.execve != null) {
            open.remove(key);
            return parts;
        }
        return null;
    }

    /** The event ended (EOE) without both halves: forget it. */
    synchronized void end(String stream, AuditRecord record) {
        Map<String, Parts> open = byStream.get(stream);
        if (open != null) {
            open.remove(record.eventKey());
        }
    }

    /** How many events are open, over all streams (for tests of the bound). */
    synchronized int size() {
        int n = 0;
        for (Map<String, Parts> m : byStream.values()) {
            n += m.size();
        }
        return n;
    }
}
