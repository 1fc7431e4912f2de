package dev.vigil.jobs.synthetic;

import dev.vigil.connectors.RawRecord;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.AvroJson;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Turns an index of a {@link PartitionedSequence} into the synthetic event it stands for, encoded as a source
 * would deliver it. Each partition's traffic is generated once, in order; an index further on (after a restore)
 * skips ahead, an earlier one regenerates, so an index always yields the same record.
 */
final class SyntheticRecordGenerator implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;

    /** One partition's traffic and the position of the event it hands out next. */
    private static final class Cursor {
        final SyntheticTraffic traffic;
        final String origin;
        long position;

        Cursor(SyntheticTraffic traffic, int partition) {
            this.traffic = traffic;
            this.origin = "synthetic/" + partition + "/";
        }
    }

    private final long seed;
    private final TrafficProfile profile;
    private final String format;
    private transient Map<Long, Cursor> cursors;

    SyntheticRecordGenerator(long seed, TrafficProfile profile, String format) {
        this.seed = seed;
        this.profile = profile;
        this.format = format;
    }

    @Override
    public void open(SourceReaderContext readerContext) {
        cursors = new HashMap<>();
    }

    @Override
    public RawRecord map(Long index) throws Exception {
        long i = index;
        int partitions = PartitionedSequence.partitions(i);
        int partition = PartitionedSequence.partition(i);
        long position = PartitionedSequence.position(i);
        long key = ((long) partitions << 32) | partition;
        Cursor c = cursors.get(key);
        if (c == null || c.position > position) {
            c = new Cursor(new SyntheticTraffic(seed, profile, partition, partitions).withoutTruth(), partition);
            cursors.put(key, c);
        }
        while (c.position < position) {
            c.traffic.next();
            c.position++;
        }
        PrivilegedEvent event = c.traffic.next();
        c.position++;
        return new RawRecord(c.origin + position, format, encode(event));
    }

    private byte[] encode(PrivilegedEvent event) throws java.io.IOException {
        if (format.equals(SyntheticSource.AVRO)) {
            ByteBuffer buf = event.toByteBuffer();
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            return bytes;
        }
        return AvroJson.toJsonBytes(event);
    }
}
