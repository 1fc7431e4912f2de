package dev.vigil.connectors.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.normalize.support.GoldenRun;
import dev.vigil.schema.json.InvalidRecordException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /**
     * A record cut anywhere (a truncated write, a forwarder's size limit), or with any field, or any field of an
     * object inside it, missing, null, a number or an empty object, is read or refused with a one-line reason: it
     * never fails the normalizer.
     */
    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("samples")
    void damagedRecordsAreRefusedNeverCrashTheNormalizer(String format, String file) throws IOException {
        Normalizer normalizer = Normalizers.forFormat(format);
        for (String line : Files.readAllLines(SAMPLES.resolve(format).resolve(file), StandardCharsets.UTF_8)) {
            List<String> variants = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                variants.add(line.substring(0, line.length() * i / 11));
            }
            JsonNode root;
            try {
                root = JSON.readTree(line);
            } catch (IOException e) {
                root = null;
            }
            if (root instanceof ObjectNode object) {
                damage(object, object, variants);
            }
            for (String variant : variants) {
                try {
                    normalizer.normalize(new RawRecord("t", format, variant.getBytes(StandardCharsets.UTF_8)));
                } catch (InvalidRecordException e) {
                    assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
                } catch (RuntimeException e) {
                    throw new AssertionError(format + " normalizer failed on: " + variant, e);
                }
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every field of {@code node} (and of the objects in it, one level down) removed or replaced, as JSON lines. */
    private static void damage(ObjectNode root, ObjectNode node, List<String> out) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode original = node.get(name);
            node.remove(name);
            out.add(root.toString());
            for (JsonNode replacement : List.of(NullNode.getInstance(), IntNode.valueOf(7), JSON.createObjectNode(),
                    JSON.createArrayNode(), TextNode.valueOf(""))) {
                node.set(name, replacement);
                out.add(root.toString());
            }
            node.set(name, original);
            if (original instanceof ObjectNode child && node == root) {
                damage(root, child, out);
            }
        }
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
