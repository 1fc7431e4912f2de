package dev.vigil.connectors.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.connectors.normalize.support.GoldenRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden pairs for the product normalizers: every file under {@code samples/<format>/} normalizes to exactly the
 * committed {@code golden/<format>/<file>.ndjson} (canonical events) and {@code .outcomes} (what became of each
 * line). After an intended change of mapping, regenerate with {@code -Dvigil.golden.update=true} and review the diff.
 */
class NormalizerGoldenTest {
    private static final Path RESOURCES = Path.of("src", "test", "resources");
    private static final Path SAMPLES = RESOURCES.resolve("samples");
    private static final Path GOLDEN = RESOURCES.resolve("golden");
    private static final List<String> FORMATS = List.of("teleport", "vault", "cloudtrail");

    static Stream<Arguments> samples() throws IOException {
        Stream.Builder<Arguments> all = Stream.builder();
        for (String format : FORMATS) {
            try (Stream<Path> files = Files.list(SAMPLES.resolve(format))) {
                files.filter(NormalizerGoldenTest::isSample).sorted()
                        .forEach(f -> all.add(Arguments.of(format, f.getFileName().toString())));
            }
        }
        return all.build();
    }

    private static boolean isSample(Path p) {
        String name = p.getFileName().toString();
        return Files.isRegularFile(p) && !name.endsWith(".md");
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("samples")
    void normalizesToTheGolden(String format, String file) throws IOException {
        GoldenRun run = GoldenRun.of(Normalizers.forFormat(format), SAMPLES.resolve(format).resolve(file));
        Path events = GOLDEN.resolve(format).resolve(file + ".ndjson");
        Path outcomes = GOLDEN.resolve(format).resolve(file + ".outcomes");
        if (Boolean.getBoolean("vigil.golden.update")) {
            Files.createDirectories(events.getParent());
            Files.writeString(events, run.eventsNdjson(), StandardCharsets.UTF_8);
            Files.writeString(outcomes, run.outcomesTsv(), StandardCharsets.UTF_8);
        }
        assertThat(events).as("golden file; create it with -Dvigil.golden.update=true").exists();
        assertThat(run.eventsNdjson()).isEqualTo(Files.readString(events, StandardCharsets.UTF_8));
        assertThat(run.outcomesTsv()).isEqualTo(Files.readString(outcomes, StandardCharsets.UTF_8));
    }

    /** No record is lost: every line is accounted for once, as events, skipped or dead-lettered with a reason. */
    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("samples")
    void accountsForEveryLine(String format, String file) throws IOException {
        GoldenRun run = GoldenRun.of(Normalizers.forFormat(format), SAMPLES.resolve(format).resolve(file));
        assertThat(run.outcomes).hasSize(run.lines);
        for (int i = 0; i < run.outcomes.size(); i++) {
            GoldenRun.Outcome o = run.outcomes.get(i);
            assertThat(o.line()).isEqualTo(i + 1);
            int ways = (o.events() > 0 ? 1 : 0) + (o.skipped() ? 1 : 0) + (o.deadLetter() != null ? 1 : 0);
            assertThat(ways).as("line %d has exactly one outcome", o.line()).isEqualTo(1);
            if (o.deadLetter() != null) {
                assertThat(o.deadLetter()).as("line %d: a one-line reason, not a normalizer failure", o.line())
                        .isNotBlank().doesNotContain("\n").doesNotStartWith("normalizer ");
            }
        }
        assertThat(run.outcomes.stream().mapToInt(GoldenRun.Outcome::events).sum()).isEqualTo(run.events.size());
        if (file.startsWith("handwritten_")) {
            // Only our own records: some third-party fixtures reuse the product's event ids (see ATTRIBUTION.md).
            assertThat(run.events).extracting(e -> e.getEventId()).doesNotHaveDuplicates();
        }
    }
}
