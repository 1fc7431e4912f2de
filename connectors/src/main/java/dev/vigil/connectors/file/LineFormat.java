package dev.vigil.connectors.file;

import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.normalize.FormatDetector;
import dev.vigil.connectors.normalize.Normalizers;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.ArrayResultIterator;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.Path;

/**
 * Reads files as records, one {@link RawRecord} each with {@code file:line} as its origin, so that a dead letter
 * points at the exact line of an export. Files ending in {@code .gz} are decompressed. Most files hold a record per
 * line; JSON documents (a top-level array, pretty-printed objects, {@code {"Records":[...]}} wrappers) are split
 * into their records ({@link FileLayout}), whose origin is {@code file:line#n}; files of Avro single-object
 * records are split by decoding them, origin {@code file:#n}. With format
 * {@value FormatDetector#AUTO} the format is detected per file from its first records ({@link FormatDetector}),
 * so one directory may mix formats.
 *
 * <p>Files are not split: positions count from the top. The checkpointed position is the number of records
 * already emitted, so a restored reader skips exactly those.
 */
public final class LineFormat implements BulkFormat<RawRecord, FileSourceSplit> {
    private static final int BATCH = 256;
    /** Lines longer than this are cut; the parser then rejects them as oversize with their origin. */
    private final int maxLineBytes;
    private final String format;

    public LineFormat(String format, int maxLineBytes) {
        this.format = format;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public Reader<RawRecord> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return new RecordReader(split, 0);
    }

    @Override
    public Reader<RawRecord> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        long skip = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        return new RecordReader(split, skip);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }

    /** Opens a file for reading, decompressing {@code .gz}. */
    static InputStream open(Path path) throws IOException {
        InputStream raw = path.getFileSystem().open(path);
        return path.getName().endsWith(".gz") ? new GZIPInputStream(raw, 64 * 1024) : raw;
    }

    /** The records of a file in its layout, whatever format they are in. */
    static InputRecords records(Path path, int maxLineBytes) throws IOException {
        FileLayout layout = FileLayout.of(open(path));
        if (layout == FileLayout.LINES) {
            return new LineRecords(open(path), maxLineBytes);
        }
        if (layout == FileLayout.AVRO_OBJECTS) {
            return new AvroObjectRecords(open(path));
        }
        return new JsonDocumentRecords(open(path), layout == FileLayout.WRAPPED_DOCUMENTS, () -> open(path), maxLineBytes);
    }

    private record Pending(byte[] payload, String position, String rejection) {}

    private final class RecordReader implements Reader<RawRecord> {
        private final InputRecords records;
        private final String name;
        /** Records read ahead to detect the format; emitted before the rest. */
        private final Deque<Pending> ahead = new ArrayDeque<>();
        private final String fileFormat;
        private final String unrecognized;
        private long emitted;

        RecordReader(FileSourceSplit split, long skip) throws IOException {
            Path path = split.path();
            this.name = path.toUri().getPath();
            this.records = records(path, maxLineBytes);
            if (FormatDetector.AUTO.equals(format)) {
                List<byte[]> sample = new ArrayList<>();
                while (sample.size() < FormatDetector.SAMPLE) {
                    Pending p = read();
                    if (p == null) {
                        break;
                    }
                    ahead.add(p);
                    if (p.rejection() == null && !isBlank(p.payload())) {
                        sample.add(p.payload());
                    }
                }
                String detected = FormatDetector.detect(sample);
                this.fileFormat = detected == null ? FormatDetector.AUTO : detected;
                this.unrecognized = detected == null
                        ? "format not recognized: none of " + String.join(", ", Normalizers.formats())
                          + " recognizes the first records of this file; name its format with --format"
                        : null;
            } else {
                this.fileFormat = format;
                this.unrecognized = null;
            }
            for (long i = 0; i < skip && next() != null; i++) {
                emitted++;
            }
        }

        private Pending read() throws IOException {
            byte[] payload = records.next();
            return payload == null ? null : new Pending(payload, records.position(), records.rejection());
        }

        private Pending next() throws IOException {
            return ahead.isEmpty() ? read() : ahead.poll();
        }

        @Override
        public RecordIterator<RawRecord> readBatch() throws IOException {
            RawRecord[] batch = new RawRecord[BATCH];
            long before = emitted;
            int n = 0;
            Pending p;
            while (n < BATCH && (p = next()) != null) {
                emitted++;
                String origin = name + ":" + p.position();
                String reason = p.rejection() != null ? p.rejection() : unrecognized;
                batch[n++] = reason == null || isBlank(p.payload()) && p.rejection() == null
                        ? new RawRecord(origin, fileFormat, p.payload())
                        : RawRecord.rejected(origin, fileFormat, p.payload(), reason);
            }
            if (n == 0) {
                return null;
            }
            ArrayResultIterator<RawRecord> it = new ArrayResultIterator<>();
            it.set(batch, n, CheckpointedPosition.NO_OFFSET, before);
            return it;
        }

        @Override
        public void close() throws IOException {
            records.close();
        }
    }

    static boolean isBlank(byte[] payload) {
        for (byte b : payload) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
