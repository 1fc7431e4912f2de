package dev.vigil.connectors.file;

import dev.vigil.connectors.normalize.AvroNormalizer;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;

/**
 * A file of canonical events in Avro single-object encoding, one after another (as {@code pum.events} carries them;
 * a newline between records is allowed). The encoding has no length prefix, and its bytes may hold any value,
 * newlines included, so records are found by decoding each body with the schema its fingerprint names (current
 * or earlier, {@link AvroNormalizer#writerSchema}); each is
 * handed on as its exact bytes. A record that cannot be decoded ends the file in one rejected record.
 */
final class AvroObjectRecords implements InputRecords {
    /** Peeks past newlines between records; {@link #recording} reads through it. */
    private final PushbackInputStream in;
    private final Recording recording;
    private long ordinal;
    private String rejection;
    private boolean done;

    AvroObjectRecords(InputStream in) {
        this.in = new PushbackInputStream(in, 1);
        this.recording = new Recording(this.in);
    }

    @Override
    public String position() {
        return "#" + ordinal;
    }

    @Override
    public String rejection() {
        return rejection;
    }

    @Override
    public byte[] next() throws IOException {
        rejection = null;
        if (done) {
            return null;
        }
        int b = in.read();
        while (b == '\n' || b == '\r') {
            b = in.read();
        }
        if (b < 0) {
            done = true;
            return null;
        }
        in.unread(b);
        recording.start();
        ordinal++;
        byte[] header = recording.readNBytes(10);
        if (header.length < 10 || header[0] != (byte) 0xC3 || header[1] != (byte) 0x01) {
            return reject(header, "not an Avro single-object record (bad marker or truncated header)");
        }
        long fingerprint = AvroNormalizer.fingerprint(header);
        Schema writer = AvroNormalizer.writerSchema(fingerprint);
        if (writer == null) {
            return reject(header, "Avro record of an unknown schema (fingerprint " + Long.toHexString(fingerprint) + ")");
        }
        try {
            new GenericDatumReader<>(writer).read(null, DecoderFactory.get().directBinaryDecoder(recording, null));
        } catch (EOFException e) {
            return reject(recording.stop(), "truncated Avro record");
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            return reject(recording.stop(), "malformed Avro record: " + e.getMessage());
        }
        return recording.stop();
    }

    private byte[] reject(byte[] bytes, String reason) {
        done = true;
        recording.stop();
        rejection = reason + "; the rest of the file was not read";
        return bytes;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Keeps a copy of the bytes read between {@link #start()} and {@link #stop()}. */
    private static final class Recording extends FilterInputStream {
        private ByteArrayOutputStream copy;

        Recording(InputStream in) {
            super(in);
        }

        void start() {
            copy = new ByteArrayOutputStream(256);
        }

        byte[] stop() {
            byte[] bytes = copy == null ? new byte[0] : copy.toByteArray();
            copy = null;
            return bytes;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && copy != null) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0 && copy != null) {
                copy.write(buf, off, n);
            }
            return n;
        }
    }
}
