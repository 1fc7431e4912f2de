package dev.vigil.jobs.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.schema.json.AvroJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Reads the NDJSON files {@code vigil replay} writes, line by line, for the replay tests. */
final class ReplayOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplayOutput() {}

    /** Each line as a record of {@code type}. */
    static <T extends SpecificRecord> List<T> records(Path file, Class<T> type) throws Exception {
        List<T> records = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            records.add(AvroJson.fromJson(line, type));
        }
        return records;
    }

    /** Each line as a JSON document. */
    static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }
}
