package dev.vigil.connectors.normalize.support;

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
 * One sample file run through a normalizer the way the detection graph's parser does it (blank lines skipped,
 * every event validated, commands redacted, the raw reference set to {@code file:line}), with the outcome of
 * every line kept: how many events it gave, that it was skipped, or why it was dead-lettered.
 */
public final class GoldenRun {
    /** What became of one input line. */
    public record Outcome(int line, int events, boolean skipped, String deadLetter) {
        String describe() {
            if (deadLetter != null) {
                return line + "\tdead-letter\t" + deadLetter.replace('\n', ' ').replace('\t', ' ');
            }
            return skipped ? line + "\tskipped" : line + "\tevents\t" + events;
        }
    }

    public final List<Outcome> outcomes = new ArrayList<>();
    public final List<PrivilegedEvent> events = new ArrayList<>();
    public final int lines;

    private GoldenRun(int lines) {
        this.lines = lines;
    }

    public static GoldenRun of(Normalizer normalizer, Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        GoldenRun run = new GoldenRun(lines.size());
        EventValidator validator = EventValidator.defaults();
        String name = file.getFileName().toString();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i);
            if (line.isBlank()) {
                run.outcomes.add(new Outcome(lineNo, 0, true, null));
                continue;
            }
            RawRecord record = new RawRecord(name + ":" + lineNo, normalizer.format(), line.getBytes(StandardCharsets.UTF_8));
            List<PrivilegedEvent> events;
            try {
                events = normalizer.normalize(record);
                for (PrivilegedEvent e : events) {
                    validator.validate(e);
                }
            } catch (InvalidRecordException e) {
                run.outcomes.add(new Outcome(lineNo, 0, false, e.getMessage()));
                continue;
            } catch (RuntimeException e) {
                run.outcomes.add(new Outcome(lineNo, 0, false, "normalizer " + normalizer.format() + " failed: " + e));
                continue;
            }
            if (events.isEmpty()) {
                run.outcomes.add(new Outcome(lineNo, 0, true, null));
                continue;
            }
            for (PrivilegedEvent e : events) {
                if (e.getCommand() != null) {
                    e.setCommand(CommandRedactor.redact(e.getCommand()));
                }
                if (e.getRawRef() == null) {
                    e.setRawRef(record.origin);
                }
                run.events.add(e);
            }
            run.outcomes.add(new Outcome(lineNo, events.size(), false, null));
        }
        return run;
    }

    /** The events as canonical JSON lines. */
    public String eventsNdjson() {
        StringBuilder b = new StringBuilder();
        for (PrivilegedEvent e : events) {
            b.append(CanonicalJson.toJson(e)).append('\n');
        }
        return b.toString();
    }

    /** One line per input line: {@code N<TAB>events<TAB>k}, {@code N<TAB>skipped} or {@code N<TAB>dead-letter<TAB>reason}. */
    public String outcomesTsv() {
        StringBuilder b = new StringBuilder();
        for (Outcome o : outcomes) {
            b.append(o.describe()).append('\n');
        }
        return b.toString();
    }
}
