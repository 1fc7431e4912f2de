package dev.vigil.connectors.file;

import dev.vigil.connectors.RawRecord;
import java.util.List;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.Path;

/** Bounded file input for {@code replay}: every file under the given paths, line by line. */
public final class FileSources {
    /** Longest line kept whole; a longer one is cut and then rejected by the parser as oversize. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    private FileSources() {}

    public static FileSource<RawRecord> lines(List<java.nio.file.Path> inputs, String format) {
        Path[] paths = inputs.stream().map(p -> new Path(p.toAbsolutePath().toUri())).toArray(Path[]::new);
        InputFiles filter = new InputFiles();
        java.util.Set<String> named = new java.util.HashSet<>();
        inputs.stream().filter(java.nio.file.Files::isRegularFile).forEach(p -> named.add(p.toAbsolutePath().toString()));
        // A file named explicitly is read whatever its name; inside directories only event exports are.
        return FileSource.forBulkFileFormat(new LineFormat(format, DEFAULT_MAX_LINE_BYTES), paths)
                .setFileEnumerator(() -> new NonSplittingRecursiveEnumerator(
                        p -> named.contains(p.toUri().getPath()) || filter.test(p)))
                .build();
    }
}
