package dev.vigil.connectors.normalize.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.connectors.normalize.FormatDetector;
import dev.vigil.connectors.normalize.Normalizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --format auto} finds Teleport, Vault and CloudTrail exports, and claims no other product's records. */
class ProductFormatDetectionTest {
    private static final Path SAMPLES = Path.of("src", "test", "resources", "samples");

    private static List<byte[]> firstRecords(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                .limit(FormatDetector.SAMPLE).map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static List<Path> files(String dir) throws IOException {
        try (Stream<Path> s = Files.list(SAMPLES.resolve(dir))) {
            return s.filter(p -> !p.getFileName().toString().endsWith(".md")).sorted().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"teleport", "vault", "cloudtrail"})
    void eachSampleExportIsDetectedAsItsProduct(String format) throws IOException {
        for (Path file : files(format)) {
            if (file.getFileName().toString().contains("malformed")) {
                continue;
            }
            assertThat(FormatDetector.detect(firstRecords(file))).as(file.toString()).isEqualTo(format);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"teleport", "vault", "cloudtrail"})
    void noOtherProductsRecordIsClaimed(String format) throws IOException {
        try (Stream<Path> dirs = Files.list(SAMPLES)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                String other = dir.getFileName().toString();
                if (other.equals(format)) {
                    continue;
                }
                for (Path file : files(other)) {
                    if (file.getFileName().toString().contains("malformed")) {
                        continue; // holds wrong-product lines on purpose
                    }
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        assertThat(Normalizers.forFormat(format).recognizes(line.getBytes(StandardCharsets.UTF_8)))
                                .as("%s claims a line of %s", format, file).isFalse();
                    }
                }
            }
        }
    }
}
