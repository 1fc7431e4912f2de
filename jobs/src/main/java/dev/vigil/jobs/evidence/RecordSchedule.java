package dev.vigil.jobs.evidence;

/**
 * When an evidence record is next due out, and when its state may go (a Flink POJO kept in keyed state,
 * small so that every timer can look at all of a principal's records cheaply).
 */
public class RecordSchedule {

    /** Changed since it was last emitted. */
    public boolean dirty;
    /** Event time at which the record's state is cleared. */
    public long expiresAt = Long.MIN_VALUE;
    /** Window end of a grant that has not ended by an event; its passing changes residency. */
    public Long windowEnd;
    /** Watermark at the last emission. */
    public long lastEmittedAsOf = Long.MIN_VALUE;

    public RecordSchedule() {
    }

    /** Whether the record is to be emitted with the watermark at {@code watermark}. */
    public boolean dueAt(long watermark) {
        return dirty || (windowEnd != null && lastEmittedAsOf < windowEnd && windowEnd <= watermark);
    }
}
