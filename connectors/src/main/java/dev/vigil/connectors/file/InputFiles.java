package dev.vigil.connectors.file;

import java.io.Serializable;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.flink.core.fs.Path;

/**
 * Which files of an input directory are read: event exports ({@code .ndjson}, {@code .jsonl}, {@code .json},
 * {@code .log}, {@code .txt}, {@code .avro}, optionally {@code .gz}), not the notes, metadata and fixtures
 * expectations that often sit beside them. Hidden files ({@code .x}, {@code _x}) are skipped, as Flink does.
 * A file named explicitly on the command line is always read.
 */
final class InputFiles implements Predicate<Path>, Serializable {
    static final Set<String> EXTENSIONS = Set.of("ndjson", "jsonl", "json", "log", "txt", "avro");

    @Override
    public boolean test(Path path) {
        String name = path.getName();
        if (name.startsWith(".") || name.startsWith("_")) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".gz")) {
            lower = lower.substring(0, lower.length() - 3);
        }
        int dot = lower.lastIndexOf('.');
        // No extension: a directory (the enumerator asks about those too) or an extensionless export.
        return dot < 0 || EXTENSIONS.contains(lower.substring(dot + 1));
    }
}
