package dev.vigil.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.connectors.normalize.FormatDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --format auto} on the products' own files: every sample export of a product is detected as that product,
 * whatever its layout (lines, a pretty-printed document, a Records wrapper), so a directory may mix them.
 */
class SampleExportDetectionTest {
    private static final Path SAMPLES = Path.of("src/test/resources/samples");

    /** Product sample folders and the format each must be detected as. */
    static Stream<Arguments> sampleFiles() throws IOException {
        List<String[]> products = List.of(
                new String[] {"teleport", "teleport"}, new String[] {"vault", "vault"},
                new String[] {"cloudtrail", "cloudtrail"}, new String[] {"entra", "entra"},
                new String[] {"cyberark", "cyberark"}, new String[] {"sudo", "sudo"},
                new String[] {"auditd", "auditd"}, new String[] {"k8s", "k8s"});
        Stream.Builder<Arguments> out = Stream.builder();
        for (String[] p : products) {
            try (Stream<Path> files = Files.list(SAMPLES.resolve(p[0]))) {
                files.filter(SampleExportDetectionTest::isExport).sorted()
                        .forEach(f -> out.add(Arguments.of(p[1], SAMPLES.relativize(f).toString())));
            }
        }
        return out.build();
    }

    /**
     * Files as a product writes them. Left out: attribution, the sample sources' rule metadata, malformed test
     * files, and test-data files of other tools that only carry raw lines inside them (yaml, golden, expected output).
     */
    private static boolean isExport(Path f) {
        String n = f.getFileName().toString();
        return !n.endsWith(".md") && !n.contains(".meta.") && !n.contains("malformed") && !n.endsWith(".yaml")
                && !n.endsWith(".golden") && !n.endsWith(".out.ok");
    }

    @ParameterizedTest(name = "{1} is {0}")
    @MethodSource("sampleFiles")
    void everySampleExportIsDetectedAsItsProduct(String format, String file) throws IOException {
        List<dev.vigil.connectors.RawRecord> records = LineFormatTest.read(SAMPLES.resolve(file), FormatDetector.AUTO, 0);
        assertThat(records).isNotEmpty();
        assertThat(records).extracting(r -> r.format).containsOnly(format);
    }
}
