package dev.vigil.jobs.synthetic;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;

/**
 * The index sequence behind {@link SyntheticSource}: one split per traffic partition, each index encoding
 * (partitions, partition, position) so the generator knows which event an index stands for without asking which
 * reader it runs in. Whichever reader ends up with a split, after a restore or when one reader takes two, the events
 * of a given (seed, count, parallelism) are the same.
 */
final class PartitionedSequence extends NumberSequenceSource {
    private static final long serialVersionUID = 1L;
    static final int POSITION_BITS = 40;
    static final int PARTITION_BITS = 12;
    static final long MAX_POSITION = (1L << POSITION_BITS) - 1;
    /** Partition counts must fit the 11 bits left below the sign bit. */
    static final int MAX_PARTITIONS = (1 << (63 - POSITION_BITS - PARTITION_BITS)) - 1;

    private final int principals;

    /**
     * @param count events in total
     * @param principals principals in the profile: more partitions than that would leave some without anyone
     */
    PartitionedSequence(long count, int principals) {
        super(0, count - 1);
        this.principals = principals;
    }

    static long index(int partitions, int partition, long position) {
        return ((long) partitions << (POSITION_BITS + PARTITION_BITS)) | ((long) partition << POSITION_BITS) | position;
    }

    static int partitions(long index) {
        return (int) (index >>> (POSITION_BITS + PARTITION_BITS));
    }

    static int partition(long index) {
        return (int) ((index >>> POSITION_BITS) & ((1 << PARTITION_BITS) - 1));
    }

    static long position(long index) {
        return index & MAX_POSITION;
    }

    /** Splits the count evenly over min(parallelism, principals) partitions; a reader left without one idles. */
    @Override
    protected List<NumberSequenceSplit> splitNumberRange(long from, long to, int parallelism) {
        long count = to - from + 1;
        int partitions = Math.min(parallelism, principals);
        if (partitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException("synthetic traffic supports at most " + MAX_PARTITIONS
                    + " partitions, the source runs with " + partitions);
        }
        List<NumberSequenceSplit> splits = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            long size = count / partitions + (p < count % partitions ? 1 : 0);
            if (size > MAX_POSITION) {
                throw new IllegalArgumentException("at most " + MAX_POSITION + " events per partition, asked for " + size);
            }
            if (size > 0) {
                splits.add(new NumberSequenceSplit(Integer.toString(p), index(partitions, p, 0),
                        index(partitions, p, size - 1)));
            }
        }
        return splits;
    }
}
