package dev.vigil.connectors.file;

import dev.vigil.connectors.RawRecord;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.ArrayResultIterator;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.Path;

/**
 * Reads files as lines of bytes, one {@link RawRecord} per line with {@code file:line} as its origin, so that a
 * dead letter points at the exact line of an export. Files ending in {@code .gz} are decompressed.
 *
 * <p>Files are not split: line numbers must count from the top. The checkpointed position is the number of lines
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
        return new LineReader(split, 0);
    }

    @Override
    public Reader<RawRecord> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        long skip = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        return new LineReader(split, skip);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }

    private final class LineReader implements Reader<RawRecord> {
        private final InputStream in;
        private final String name;
        private final byte[] buf = new byte[64 * 1024];
        private int pos;
        private int limit;
        private long lineNo;
        private boolean eof;

        LineReader(FileSourceSplit split, long skipLines) throws IOException {
            Path path = split.path();
            InputStream raw = path.getFileSystem().open(path);
            this.in = path.getName().endsWith(".gz") ? new GZIPInputStream(raw, 64 * 1024) : raw;
            this.name = path.toUri().getPath();
            for (long i = 0; i < skipLines && nextLine() != null; i++) {
                lineNo++;
            }
        }

        @Override
        public RecordIterator<RawRecord> readBatch() throws IOException {
            RawRecord[] batch = new RawRecord[BATCH];
            long before = lineNo;
            int n = 0;
            byte[] line;
            while (n < BATCH && (line = nextLine()) != null) {
                lineNo++;
                batch[n++] = new RawRecord(name + ":" + lineNo, format, line);
            }
            if (n == 0) {
                return null;
            }
            ArrayResultIterator<RawRecord> it = new ArrayResultIterator<>();
            it.set(batch, n, CheckpointedPosition.NO_OFFSET, before);
            return it;
        }

        /** The next line without its terminator (LF or CRLF), at most maxLineBytes long; null at end of file. */
        private byte[] nextLine() throws IOException {
            java.io.ByteArrayOutputStream spill = null;
            int kept = 0;
            while (true) {
                if (pos == limit) {
                    if (eof || !fill()) {
                        if (spill == null) {
                            return null;
                        }
                        return trimCr(spill.toByteArray());
                    }
                }
                int start = pos;
                while (pos < limit && buf[pos] != '\n') {
                    pos++;
                }
                int len = pos - start;
                boolean newline = pos < limit;
                if (spill == null && newline) {
                    pos++;
                    return trimCr(java.util.Arrays.copyOfRange(buf, start, start + Math.min(len, maxLineBytes + 1)));
                }
                if (spill == null) {
                    spill = new java.io.ByteArrayOutputStream();
                }
                int room = Math.max(0, maxLineBytes + 1 - kept);
                spill.write(buf, start, Math.min(len, room));
                kept += Math.min(len, room);
                if (newline) {
                    pos++;
                    return trimCr(spill.toByteArray());
                }
            }
        }

        private boolean fill() throws IOException {
            int r = in.read(buf, 0, buf.length);
            if (r <= 0) {
                eof = true;
                return false;
            }
            pos = 0;
            limit = r;
            return true;
        }

        private byte[] trimCr(byte[] line) {
            if (line.length > 0 && line[line.length - 1] == '\r') {
                return java.util.Arrays.copyOf(line, line.length - 1);
            }
            return line;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
