package dev.vigil.connectors.file;

import dev.vigil.schema.json.AvroJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes the final version of every record of a bounded run as one NDJSON file, one line per id, ordered by id.
 *
 * <p>The graph emits a case or evidence record again each time it changes; Elasticsearch keeps the last version
 * by id, and so does this sink, so a replay's files hold exactly what the index would. It must run at parallelism
 * 1 and writes at end of input (atomically, through a temporary file): a replay either completes or writes
 * nothing.
 */
public final class NdjsonFileSink<T extends SpecificRecord> implements Sink<T> {
    private final String file;
    private final SerializableFunction<T, String> id;

    public NdjsonFileSink(Path file, SerializableFunction<T, String> id) {
        this.file = file.toAbsolutePath().toString();
        this.id = id;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        if (context.getTaskInfo().getNumberOfParallelSubtasks() != 1) {
            throw new IllegalStateException("NdjsonFileSink for " + file + " must run at parallelism 1");
        }
        return new Writer();
    }

    private final class Writer implements SinkWriter<T> {
        private final Map<String, byte[]> latest = new TreeMap<>();

        @Override
        public void write(T element, Context context) {
            latest.put(id.apply(element), AvroJson.toJsonBytes(element));
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            if (!endOfInput) {
                return;
            }
            Path target = Path.of(file);
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.createDirectories(target.toAbsolutePath().getParent());
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                for (byte[] line : latest.values()) {
                    out.write(line);
                    out.write('\n');
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        public void close() {
            latest.clear();
        }
    }
}
