package dev.vigil.connectors.normalize.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.normalize.CommandRedactor;
import dev.vigil.connectors.normalize.Normalizer;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.CanonicalJson;
import dev.vigil.schema.json.EventValidator;
import dev.vigil.schema.json.InvalidRecordException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Golden pairs for product normalizers: each raw record of a sample goes through the normalizer and the same checks
 * the job's parser applies (validation, redaction, raw_ref), and the outcome is one line per event, skip or
 * rejection, compared with a committed NDJSON file. {@code -Dvigil.golden.update=true} rewrites the goldens.
 */
public final class GoldenSamples {
    public static final Path SAMPLES = Path.of("src/test/resources/samples");
    public static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventValidator VALIDATOR = EventValidator.defaults();

    private GoldenSamples() {}

    /** One raw record with the name it is reported under ({@code file:line}). */
    public record Record(String origin, String text) {}

    /** What became of one record. */
    public record Outcome(Record record, List<PrivilegedEvent> events, boolean skipped, String reason) {}

    /** One record per non-blank line. */
    public static List<Record> lines(Path file) throws IOException {
        List<Record> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                out.add(new Record(file.getFileName() + ":" + (i + 1), lines.get(i)));
            }
        }
        return out;
    }

    /** The whole file as one record (a pretty-printed JSON document). */
    public static List<Record> document(Path file) throws IOException {
        return List.of(new Record(file.getFileName() + ":1", Files.readString(file, StandardCharsets.UTF_8)));
    }

    /** Runs each record through the normalizer, as the job's parser does. */
    public static List<Outcome> normalize(Normalizer normalizer, List<Record> records) {
        List<Outcome> out = new ArrayList<>();
        for (Record r : records) {
            try {
                List<PrivilegedEvent> events = normalizer.normalize(
                        new RawRecord(r.origin(), normalizer.format(), r.text().getBytes(StandardCharsets.UTF_8)));
                for (PrivilegedEvent e : events) {
                    VALIDATOR.validate(e);
                    if (e.getCommand() != null) {
                        e.setCommand(CommandRedactor.redact(e.getCommand()));
                    }
                    if (e.getRawRef() == null) {
                        e.setRawRef(r.origin());
                    }
                }
                out.add(new Outcome(r, events, events.isEmpty(), null));
            } catch (InvalidRecordException e) {
                out.add(new Outcome(r, List.of(), false, e.getMessage()));
            }
        }
        return out;
    }

    /** One line per event (canonical JSON), per skipped record and per rejected record with its reason. */
    public static List<String> render(List<Outcome> outcomes) {
        List<String> out = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.reason() != null) {
                ObjectNode n = JSON.createObjectNode().put("rejected", o.record().origin()).put("reason", o.reason());
                out.add(n.toString());
            } else if (o.skipped()) {
                out.add(JSON.createObjectNode().put("skipped", o.record().origin()).toString());
            } else {
                o.events().forEach(e -> out.add(CanonicalJson.toJson(e)));
            }
        }
        return out;
    }

    /**
     * Compares the rendering with {@code golden/<product>/<name>.ndjson}, or writes it there when
     * {@code vigil.golden.update} is set.
     */
    public static void assertGolden(String product, String name, List<Outcome> outcomes) throws IOException {
        List<String> actual = render(outcomes);
        Path golden = GOLDEN.resolve(product).resolve(name + ".ndjson");
        if (Boolean.getBoolean("vigil.golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.write(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(golden).as("golden file (run with -Dvigil.golden.update=true to create it)").exists();
        assertThat(actual).as(golden.toString()).containsExactlyElementsOf(Files.readAllLines(golden, StandardCharsets.UTF_8));
    }

    /**
     * Nothing is lost: every record either became events that point back at it, was skipped, or was rejected with
     * a one-line reason, and exactly one of these.
     */
    public static void assertNothingLost(List<Record> records, List<Outcome> outcomes) {
        assertThat(outcomes).hasSameSizeAs(records);
        for (int i = 0; i < records.size(); i++) {
            Outcome o = outcomes.get(i);
            assertThat(o.record()).isEqualTo(records.get(i));
            int fates = (o.events().isEmpty() ? 0 : 1) + (o.skipped() ? 1 : 0) + (o.reason() != null ? 1 : 0);
            assertThat(fates).as(o.record().origin()).isEqualTo(1);
            if (o.reason() != null) {
                assertThat(o.reason()).as(o.record().origin()).isNotBlank().doesNotContain("\n");
            }
            for (PrivilegedEvent e : o.events()) {
                assertThat(e.getRawRef()).as(o.record().origin()).isNotBlank();
            }
        }
    }

    public static long count(List<Outcome> outcomes, java.util.function.Predicate<Outcome> p) {
        return outcomes.stream().filter(p).count();
    }
}
