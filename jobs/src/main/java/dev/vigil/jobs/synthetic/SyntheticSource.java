package dev.vigil.jobs.synthetic;

import dev.vigil.connectors.RawRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;

/**
 * A bounded Flink source of synthetic traffic as {@link RawRecord}s, for the benchmark, the demo and job tests:
 * each parallel reader generates its own {@link SyntheticTraffic} partition, so generation scales with the
 * parallelism. Records carry the origin {@code synthetic/<partition>/<position>} and the event as canonical JSON
 * ({@value #CANONICAL}) or Avro single-object bytes ({@value #AVRO}).
 *
 * <p>The count is split evenly over min(parallelism, principals) partitions, and a given (seed, profile, count,
 * parallelism) always yields the same multiset of records.
 */
public final class SyntheticSource {
    public static final String CANONICAL = "canonical";
    public static final String AVRO = "avro";

    private SyntheticSource() {}

    /** As fast as the readers can generate. */
    public static DataGeneratorSource<RawRecord> create(long seed, TrafficProfile profile, long count, String format) {
        return create(seed, profile, count, format, 0);
    }

    /**
     * @param count events in total, at least 1 and at most 2^40 - 1 per partition (for a demo that should run for
     *     ever, 10^12 is plenty)
     * @param format {@value #CANONICAL} or {@value #AVRO}
     * @param eventsPerSecond cap on the total rate across readers; 0 or less for none
     */
    public static DataGeneratorSource<RawRecord> create(long seed, TrafficProfile profile, long count, String format,
            double eventsPerSecond) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        if (!CANONICAL.equals(format) && !AVRO.equals(format)) {
            throw new IllegalArgumentException("format must be '" + CANONICAL + "' or '" + AVRO + "', got '" + format + "'");
        }
        RateLimiterStrategy<?> rate = eventsPerSecond > 0
                ? RateLimiterStrategy.perSecond(eventsPerSecond) : RateLimiterStrategy.noOp();
        return new DataGeneratorSource<>(
                new SyntheticRecordGenerator(seed, profile, format),
                new PartitionedSequence(count, profile.humans() + profile.services()),
                rate,
                TypeInformation.of(RawRecord.class));
    }
}
