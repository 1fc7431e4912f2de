package dev.vigil.jobs.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The label of one episode of synthetic traffic: what it is, who acts, and which detection it must raise (none for
 * normal work). Detection tests and the anomaly-model evaluation compare Vigil's findings against these.
 *
 * @param scenario what the episode is
 * @param variant which form of the scenario (e.g. {@code no-ticket}, {@code renewals}), or null when it has one form
 * @param ruleId the detection it must raise (e.g. {@code PUM-009}), or null for normal traffic
 * @param principalId who acts
 * @param requestId the grant involved, or null (the first grant when there are several)
 * @param sessionId the session involved, or null (the offending session; for normal work the first one; none for a
 *     long grant, whose violation is the approval or the run of renewals)
 * @param eventIds the events that constitute the violation (empty for normal traffic)
 * @param partition the traffic partition the episode belongs to
 * @param episode the episode number within its partition
 * @param startTime event time of the episode's first event, epoch ms
 * @param endTime event time of the episode's last event, epoch ms
 */
public record ScenarioTruth(
        Scenario scenario,
        String variant,
        String ruleId,
        String principalId,
        String requestId,
        String sessionId,
        List<String> eventIds,
        int partition,
        long episode,
        long startTime,
        long endTime) implements Serializable {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ScenarioTruth {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(principalId, "principalId");
        eventIds = List.copyOf(eventIds);
    }

    public boolean isAttack() {
        return ruleId != null;
    }

    /** One JSON object: snake_case field names, times as ISO-8601 UTC, null fields left out. */
    public String toJson() {
        return toNode().toString();
    }

    public static ScenarioTruth fromJson(String json) throws IOException {
        return fromNode(JSON.readTree(json));
    }

    /** Writes a JSON array with one truth per line, so the file diffs and greps well. */
    public static void writeJson(Path file, List<ScenarioTruth> truths) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("[");
            for (int i = 0; i < truths.size(); i++) {
                out.write(i == 0 ? "\n" : ",\n");
                out.write(truths.get(i).toJson());
            }
            out.write("\n]\n");
        }
    }

    public static List<ScenarioTruth> readJson(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        if (!root.isArray()) {
            throw new IOException(file + " is not a JSON array of scenario truths");
        }
        List<ScenarioTruth> truths = new ArrayList<>(root.size());
        for (JsonNode node : root) {
            truths.add(fromNode(node));
        }
        return truths;
    }

    private ObjectNode toNode() {
        ObjectNode o = JSON.createObjectNode();
        o.put("scenario", scenario.name());
        putIfPresent(o, "variant", variant);
        putIfPresent(o, "rule_id", ruleId);
        o.put("principal_id", principalId);
        putIfPresent(o, "request_id", requestId);
        putIfPresent(o, "session_id", sessionId);
        if (!eventIds.isEmpty()) {
            ArrayNode ids = o.putArray("event_ids");
            eventIds.forEach(ids::add);
        }
        o.put("partition", partition);
        o.put("episode", episode);
        o.put("start_time", Instant.ofEpochMilli(startTime).toString());
        o.put("end_time", Instant.ofEpochMilli(endTime).toString());
        return o;
    }

    private static void putIfPresent(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static ScenarioTruth fromNode(JsonNode n) throws IOException {
        try {
            List<String> ids = new ArrayList<>();
            n.path("event_ids").forEach(id -> ids.add(id.asText()));
            return new ScenarioTruth(
                    Scenario.valueOf(n.path("scenario").asText()),
                    text(n, "variant"),
                    text(n, "rule_id"),
                    n.path("principal_id").asText(),
                    text(n, "request_id"),
                    text(n, "session_id"),
                    ids,
                    n.path("partition").asInt(),
                    n.path("episode").asLong(),
                    Instant.parse(n.path("start_time").asText()).toEpochMilli(),
                    Instant.parse(n.path("end_time").asText()).toEpochMilli());
        } catch (RuntimeException e) {
            throw new IOException("not a scenario truth: " + e.getMessage() + " in " + n, e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
