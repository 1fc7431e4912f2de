package dev.vigil.connectors.file;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** One record per line (LF or CRLF), at most {@code maxLineBytes + 1} bytes each so oversize lines are detectable. */
final class LineRecords implements InputRecords {
    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private long lineNo;
    private boolean eof;

    LineRecords(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public String position() {
        return Long.toString(lineNo);
    }

    @Override
    public byte[] next() throws IOException {
        byte[] line = nextLine();
        if (line != null) {
            lineNo++;
        }
        return line;
    }

    private byte[] nextLine() throws IOException {
        ByteArrayOutputStream spill = null;
        int kept = 0;
        while (true) {
            if (pos == limit) {
                if (eof || !fill()) {
                    return spill == null ? null : trimCr(spill.toByteArray());
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
                return trimCr(Arrays.copyOfRange(buf, start, start + Math.min(len, maxLineBytes + 1)));
            }
            if (spill == null) {
                spill = new ByteArrayOutputStream();
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

    private static byte[] trimCr(byte[] line) {
        if (line.length > 0 && line[line.length - 1] == '\r') {
            return Arrays.copyOf(line, line.length - 1);
        }
        return line;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
