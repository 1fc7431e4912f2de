package dev.vigil.jobs.anomaly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.schema.json.AvroJson;
import dev.vigil.schema.json.InvalidRecordException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Reads evidence records for training and evaluation: {@code evidence.ndjson} files (or directories holding them,
 * {@code .gz} too) as {@code vigil replay} writes them, or the {@code pum-evidence} index of an Elasticsearch URL.
 * When a record appears more than once (an NDJSON of updates, several files) the one with the latest
 * {@code last_event_at} wins. A line that is not an evidence record is an error naming file and line.
 */
public final class EvidenceInput {
    public static final String INDEX = "pum-evidence";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 1000;

    private EvidenceInput() {}

    /** Every record of every input, one per evidence id. */
    public static List<EvidenceRecord> read(List<String> inputs) throws IOException {
        Map<String, EvidenceRecord> latest = new TreeMap<>();
        for (String input : inputs) {
            List<EvidenceRecord> records = input.startsWith("http://") || input.startsWith("https://")
                    ? fromElasticsearch(input) : fromFiles(Path.of(input));
            for (EvidenceRecord r : records) {
                latest.merge(r.getEvidenceId(), r, (a, b) -> b.getLastEventAt() >= a.getLastEventAt() ? b : a);
            }
        }
        return new ArrayList<>(latest.values());
    }

    static List<EvidenceRecord> fromFiles(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("input not found: " + path);
        }
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.walk(path)) {
                s.filter(Files::isRegularFile)
                        .filter(p -> p.getFileName().toString().startsWith("evidence"))
                        .sorted().forEach(files::add);
            }
            if (files.isEmpty()) {
                throw new IOException("no evidence*.ndjson file in " + path);
            }
        } else {
            files.add(path);
        }
        List<EvidenceRecord> out = new ArrayList<>();
        for (Path f : files) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    f.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f),
                    StandardCharsets.UTF_8))) {
                String line;
                int n = 0;
                while ((line = in.readLine()) != null) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        out.add(AvroJson.fromJson(line, EvidenceRecord.class));
                    } catch (InvalidRecordException e) {
                        throw new IOException(f + ":" + n + ": not an evidence record (" + e.getMessage() + ")");
                    }
                }
            }
        }
        return out;
    }

    /** Pages through the index sorted by evidence id with search_after. */
    static List<EvidenceRecord> fromElasticsearch(String url) throws IOException {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        String index = base.endsWith("/" + INDEX) ? base : base + "/" + INDEX;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<EvidenceRecord> out = new ArrayList<>();
        JsonNode after = null;
        while (true) {
            ObjectNode body = JSON.createObjectNode();
            body.put("size", PAGE);
            body.putArray("sort").addObject().put("evidence_id", "asc");
            if (after != null) {
                body.set("search_after", after);
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(index + "/_search"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading " + index);
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException("cannot reach " + index + ": " + e.getMessage());
            }
            if (response.statusCode() != 200) {
                String text = response.body();
                throw new IOException(index + " answered HTTP " + response.statusCode() + ": "
                        + text.substring(0, Math.min(200, text.length())));
            }
            ArrayNode hits = (ArrayNode) JSON.readTree(response.body()).path("hits").path("hits");
            for (JsonNode hit : hits) {
                try {
                    out.add(AvroJson.fromJson(hit.path("_source").toString(), EvidenceRecord.class));
                } catch (InvalidRecordException e) {
                    throw new IOException(index + " document " + hit.path("_id").asText()
                            + " is not an evidence record (" + e.getMessage() + ")");
                }
            }
            if (hits.size() < PAGE) {
                return out;
            }
            after = hits.get(hits.size() - 1).path("sort");
        }
    }
}
