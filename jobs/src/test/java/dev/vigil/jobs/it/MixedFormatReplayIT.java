package dev.vigil.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.connectors.identity.IdentityResolver;
import dev.vigil.connectors.identity.PrincipalDirectory;
import dev.vigil.connectors.normalize.FormatDetector;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.jobs.ingest.IngestReport.FormatCount;
import dev.vigil.jobs.replay.ReplayJob;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.schema.json.CanonicalJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil replay --format auto --identities FILE} over a directory that mixes formats and layouts: canonical
 * JSON lines, a pretty-printed canonical JSON array and Avro single-object records, plus a file no format
 * recognizes. Alice's Entra grant (by UPN), her Teleport session and her sudo commands on a database host (as the
 * Unix login amartin) are three products' names for one person: resolved, the grant covers the session; carol is
 * not in the directory and keeps her Teleport id.
 */
class MixedFormatReplayIT {
    @TempDir
    Path dir;

    private static final String ALICE_TP = "\"principal\":{\"id\":\"teleport:alice\",\"kind\":\"HUMAN\"}";
    private static final String CAROL_TP = "\"principal\":{\"id\":\"teleport:carol\",\"kind\":\"HUMAN\"}";

    @Test
    void aDirectoryOfMixedFormatsReplaysWithOnePrincipalPerPerson() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("teleport.ndjson"), String.join("\n",
                "{\"event_id\":\"tp-a1\",\"event_time\":\"2026-03-10T09:10:00Z\",\"source\":\"teleport\",\"type\":\"SESSION\"," + ALICE_TP
                        + ",\"action\":\"START\",\"session_id\":\"tp-s1\",\"target\":\"db-1\",\"account\":\"postgres\",\"protocol\":\"ssh\",\"interactive\":true,\"recorded\":true}",
                "{\"event_id\":\"tp-a2\",\"event_time\":\"2026-03-10T09:12:00Z\",\"source\":\"teleport\",\"type\":\"SESSION\"," + ALICE_TP
                        + ",\"action\":\"COMMAND\",\"session_id\":\"tp-s1\",\"target\":\"db-1\",\"account\":\"postgres\",\"command\":\"ls /var/lib\",\"exit_code\":0}",
                "{\"event_id\":\"tp-a3\",\"event_time\":\"2026-03-10T09:20:00Z\",\"source\":\"teleport\",\"type\":\"SESSION\"," + ALICE_TP
                        + ",\"action\":\"END\",\"session_id\":\"tp-s1\",\"target\":\"db-1\",\"account\":\"postgres\"}",
                "",
                "{\"event_id\":\"tp-c1\",\"event_time\":\"2026-03-10T09:30:00Z\",\"source\":\"teleport\",\"type\":\"SESSION\"," + CAROL_TP
                        + ",\"action\":\"START\",\"session_id\":\"tp-s2\",\"target\":\"db-2\",\"account\":\"postgres\",\"protocol\":\"ssh\",\"interactive\":true,\"recorded\":true}",
                "{\"event_id\":\"tp-c2\",\"event_time\":\"2026-03-10T09:35:00Z\",\"source\":\"teleport\",\"type\":\"SESSION\"," + CAROL_TP
                        + ",\"action\":\"END\",\"session_id\":\"tp-s2\",\"target\":\"db-2\",\"account\":\"postgres\"}",
                "{\"event_id\": \"tp-broken\", \"event_time\": "));
        Files.writeString(in.resolve("sudo-export.json"), """
                [
                  {
                    "event_id": "su-1", "event_time": "2026-03-10T09:40:00Z", "source": "sudo", "type": "SESSION",
                    "principal": {"id": "sudo:amartin", "kind": "HUMAN"},
                    "action": "START", "session_id": "su-s1", "target": "db-1.prod.example.com", "account": "root",
                    "protocol": "sudo", "interactive": true, "recorded": true
                  },
                  {
                    "event_id": "su-2", "event_time": "2026-03-10T09:41:00Z", "source": "sudo", "type": "SESSION",
                    "principal": {"id": "sudo:amartin", "kind": "HUMAN"},
                    "action": "COMMAND", "session_id": "su-s1", "target": "db-1.prod.example.com", "account": "root",
                    "command": "systemctl status postgresql", "exit_code": 0
                  },
                  {
                    "event_id": "su-3", "event_time": "2026-03-10T09:45:00Z", "source": "sudo", "type": "SESSION",
                    "principal": {"id": "sudo:amartin", "kind": "HUMAN"},
                    "action": "END", "session_id": "su-s1", "target": "db-1.prod.example.com", "account": "root"
                  }
                ]
                """);
        writeAvro(in.resolve("entra-grants.avro"),
                "{\"event_id\":\"en-req\",\"event_time\":\"2026-03-10T08:55:00Z\",\"source\":\"entra\",\"type\":\"ELEVATION\","
                        + "\"principal\":{\"id\":\"entra:alice@example.com\",\"kind\":\"HUMAN\"},\"action\":\"REQUESTED\","
                        + "\"request_id\":\"pim-77\",\"role\":\"db-admin\",\"scope\":[\"db-*\"],\"reason\":\"index rebuild\",\"ticket\":\"CHG-42\"}",
                "{\"event_id\":\"en-appr\",\"event_time\":\"2026-03-10T08:58:00Z\",\"source\":\"entra\",\"type\":\"ELEVATION\","
                        + "\"principal\":{\"id\":\"entra:alice@example.com\",\"kind\":\"HUMAN\"},\"action\":\"APPROVED\","
                        + "\"request_id\":\"pim-77\",\"approver\":\"bob@example.com\",\"role\":\"db-admin\",\"scope\":[\"db-*\"],"
                        + "\"window_start\":\"2026-03-10T09:00:00Z\",\"window_end\":\"2026-03-10T10:00:00Z\"}",
                "{\"event_id\":\"en-act\",\"event_time\":\"2026-03-10T09:01:00Z\",\"source\":\"entra\",\"type\":\"ELEVATION\","
                        + "\"principal\":{\"id\":\"entra:alice@example.com\",\"kind\":\"HUMAN\"},\"action\":\"ACTIVATED\","
                        + "\"request_id\":\"pim-77\",\"role\":\"db-admin\",\"scope\":[\"db-*\"],"
                        + "\"window_start\":\"2026-03-10T09:00:00Z\",\"window_end\":\"2026-03-10T10:00:00Z\"}");
        Files.writeString(in.resolve("notes.txt"), "exported by the night job\nsee the change calendar\n");

        IdentityResolver identities = new IdentityResolver(PrincipalDirectory.load(Path.of("..", "docs", "examples", "identities.yaml")));
        Path out = dir.resolve("out");
        ReplayJob.Summary s = ReplayJob.run(new ReplayJob.Request(List.of(in), FormatDetector.AUTO, out,
                RulePack.builtIn(), 2, null, identities));

        Map<String, FormatCount> formats = s.ingest().formats();
        assertThat(formats).containsOnlyKeys("canonical", "avro", FormatDetector.AUTO);
        assertThat(formats.get("canonical")).isEqualTo(new FormatCount(10, 8, 1, 1));
        assertThat(formats.get("avro")).isEqualTo(new FormatCount(3, 3, 0, 0));
        assertThat(formats.get(FormatDetector.AUTO)).as("the file no format recognizes").isEqualTo(new FormatCount(2, 0, 0, 2));
        assertThat(s.events()).isEqualTo(11);
        assertThat(s.deadLetters()).isEqualTo(3);
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.ingest().resolved()).isEqualTo(9);
        assertThat(s.ingest().unresolved()).isEqualTo(2);
        assertThat(s.ingest().topUnresolved()).containsExactly(Map.entry("teleport:carol", 2L));

        // One grant, one person: the Teleport session and the sudo commands sit in alice's Entra grant.
        List<JsonNode> findings = ReplayOutput.documents(out.resolve(ReplayJob.FINDINGS));
        assertThat(findings).extracting(f -> f.path("principal").path("id").asText()).containsOnly("teleport:carol");
        assertThat(findings).extracting(f -> f.path("rule_id").asText()).contains("PUM-001");
        List<JsonNode> evidence = ReplayOutput.documents(out.resolve(ReplayJob.EVIDENCE));
        JsonNode grant = evidence.stream().filter(e -> e.path("request").path("request_id").asText().equals("pim-77"))
                .findFirst().orElseThrow();
        assertThat(grant.path("principal").path("id").asText()).isEqualTo("alice");
        assertThat(grant.path("request").path("approver").asText()).isEqualTo("bob");
        List<String> sessions = new ArrayList<>();
        grant.path("sessions").forEach(x -> sessions.add(x.path("session_id").asText()));
        assertThat(sessions).containsExactlyInAnyOrder("tp-s1", "su-s1");

        // Without the directory the same files are three strangers: alice's session and commands have no grant.
        Path apart = dir.resolve("without-identities");
        ReplayJob.Summary without = ReplayJob.run(new ReplayJob.Request(List.of(in), FormatDetector.AUTO, apart,
                RulePack.builtIn(), 2, null));
        assertThat(without.ingest().identities()).isFalse();
        assertThat(ReplayOutput.documents(apart.resolve(ReplayJob.FINDINGS))).filteredOn(f -> f.path("rule_id").asText().equals("PUM-001"))
                .extracting(f -> f.path("principal").path("id").asText())
                .contains("teleport:alice", "sudo:amartin", "teleport:carol");

        List<JsonNode> dead = ReplayOutput.documents(out.resolve(ReplayJob.DEAD_LETTERS));
        assertThat(dead).extracting(d -> d.path("reason").asText())
                .anySatisfy(r -> assertThat(r).startsWith("format not recognized: none of canonical, avro"));
        assertThat(dead).extracting(d -> d.path("origin").asText()).anySatisfy(o -> assertThat(o).endsWith("teleport.ndjson:7"));
    }

    /** Avro single-object records one after another, as {@code pum.events} carries them. */
    private static void writeAvro(Path file, String... canonical) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String json : canonical) {
            PrivilegedEvent e = CanonicalJson.parse(json);
            ByteBuffer b = e.toByteBuffer();
            byte[] record = new byte[b.remaining()];
            b.get(record);
            bytes.write(record);
        }
        Files.write(file, bytes.toByteArray());
    }
}
