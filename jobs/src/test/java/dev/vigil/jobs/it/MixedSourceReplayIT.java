package dev.vigil.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.jobs.cli.VigilCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil replay --input DIR --identities FILE} over Teleport, Vault and CloudTrail exports in the products' own
 * formats (src/test/resources/mixed, hand-written). alice's Teleport user, Vault OIDC token and AWS role sessions are
 * one person: her approved access request, the SSH session it covers, her Vault reads and the secret she reads with
 * the AWS credentials she assumed all land under principal {@code alice}, and work inside the grants raises nothing.
 * The same acts without or after a grant raise PUM-001, PUM-002 and PUM-007 for the person who did them.
 */
class MixedSourceReplayIT {
    private static final Path FIXTURES = Path.of("src", "test", "resources", "mixed");
    private static final Path IDENTITIES = FIXTURES.resolve("identities.yaml");
    private static final String REQUEST = "5b1f7c2e-8a3d-4e6f-9b0c-1d2e3f4a5b60";
    private static final String SESSION = "a7c3e9d1-2b4f-4a6c-8e0d-1f3b5d7e9a20";
    private static final String AWS_KEY = "ASIAQNZGKIQY7RTN4B2X";

    @TempDir
    Path dir;

    @Test
    void workInsideTheGrantJoinsUnderOnePrincipalAndRaisesNothing() throws Exception {
        Path out = dir.resolve("in-grant");
        String summary = replay(FIXTURES.resolve("in-grant"), out);

        // Every file is detected as its product's format; Vault's request halves are skipped (the responses carry them).
        assertThat(summary)
                .containsPattern("cloudtrail\\s+2\\s+2\\s+0\\s+0")
                .containsPattern("teleport\\s+9\\s+9\\s+0\\s+0")
                .containsPattern("vault\\s+4\\s+2\\s+2\\s+0")
                .contains("dead letters 0")
                .contains("identities: 11 events resolved to a directory principal, 2 unmapped")
                .contains("unmapped (top 10): teleport:requester-of:" + REQUEST + " 2")
                .contains("findings 0");
        assertThat(ReplayOutput.documents(out.resolve("findings.ndjson"))).isEmpty();
        assertThat(ReplayOutput.documents(out.resolve("dead-letters.ndjson"))).isEmpty();

        List<JsonNode> evidence = ReplayOutput.documents(out.resolve("evidence.ndjson"));
        JsonNode teleportGrant = grant(evidence, REQUEST, "alice");
        assertThat(teleportGrant.path("request").path("requester").asText()).isEqualTo("alice");
        assertThat(teleportGrant.path("request").path("ticket").asText()).isEqualTo("CHG-2291");
        assertThat(teleportGrant.path("request").path("activated_at").asText()).isEqualTo("2026-11-10T09:04:10.007Z");
        assertThat(teleportGrant.path("sessions")).hasSize(1);
        JsonNode session = teleportGrant.path("sessions").get(0);
        assertThat(session.path("session_id").asText()).isEqualTo(SESSION);
        assertThat(session.path("target").asText()).isEqualTo("db-prod-2");
        assertThat(session.path("command_count").asInt()).isEqualTo(3);
        assertThat(session.path("label").asText()).isEqualTo("IN_GRANT");

        // The AWS credentials are a grant of their own: the GetSecretValue made with their key sits under it.
        JsonNode awsGrant = grant(evidence, AWS_KEY, "alice");
        assertThat(awsGrant.path("request").path("role").asText()).isEqualTo("arn:aws:iam::111122223333:role/PaymentsSecretsAdmin");
        assertThat(awsGrant.path("request").path("window_end").asText()).isEqualTo("2026-11-10T10:08:15Z");
        assertThat(eventIds(awsGrant)).contains("cloudtrail:4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f60702");

        // Across alice's records: the session's acts and the reads in all three products, every one in grant.
        List<JsonNode> alices = evidence.stream().filter(e -> e.path("principal").path("id").asText().equals("alice")).toList();
        assertThat(alices).hasSize(2);
        List<JsonNode> behaviour = new ArrayList<>();
        alices.forEach(e -> e.path("behaviour").forEach(behaviour::add));
        assertThat(behaviour).allSatisfy(b -> assertThat(b.path("label").asText()).isEqualTo("IN_GRANT"));
        assertThat(behaviour).extracting(b -> b.path("event_id").asText()).containsExactlyInAnyOrder(
                "teleport:c0a80001-0001-4a55-8f0e-000000000004", "teleport:c0a80001-0001-4a55-8f0e-000000000005",
                "teleport:c0a80001-0001-4a55-8f0e-000000000006", "teleport:c0a80001-0001-4a55-8f0e-000000000007",
                "teleport:c0a80001-0001-4a55-8f0e-000000000008",
                "vault:9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c501", "vault:9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c502",
                "cloudtrail:4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f60702");
        assertThat(behaviour).filteredOn(b -> b.path("type").asText().equals("SECRET"))
                .extracting(b -> b.path("secret_id").asText())
                .containsExactlyInAnyOrder("secret/payments/db-admin", "secret/payments/pgbouncer", "prod/payments/db-admin");

        // Teleport writes no requester on a review: the approval is kept apart, under the request id, with bob
        // resolved as its approver (docs/sources/teleport.md, Limits).
        JsonNode approval = grant(evidence, REQUEST, "teleport:requester-of:" + REQUEST);
        assertThat(approval.path("request").path("approver").asText()).isEqualTo("bob");
        assertThat(approval.path("request").path("end_action").asText()).isEqualTo("EXPIRED");
        assertThat(evidence).hasSize(3);
    }

    @Test
    void theSameActsWithoutOrAfterAGrantRaiseFindingsForThePersonWhoDidThem() throws Exception {
        Path out = dir.resolve("outside-grant");
        String summary = replay(FIXTURES.resolve("outside-grant"), out);
        assertThat(summary).contains("dead letters 0")
                .contains("identities: 14 events resolved to a directory principal, 2 unmapped");

        List<JsonNode> findings = ReplayOutput.documents(out.resolve("findings.ndjson"));
        Map<String, List<String>> byRule = findings.stream().collect(Collectors.groupingBy(f -> f.path("rule_id").asText(),
                Collectors.mapping(f -> f.path("principal").path("id").asText(), Collectors.toList())));
        assertThat(byRule).containsOnlyKeys("PUM-001", "PUM-002", "PUM-007");

        // carol's Teleport session names no access request and none is in force.
        assertThat(byRule.get("PUM-001")).containsExactly("carol");
        JsonNode noGrant = only(findings, "PUM-001");
        assertThat(noGrant.path("target").asText()).isEqualTo("db-prod-3");
        assertThat(noGrant.path("label").asText()).isEqualTo("NO_GRANT");

        // alice's session went on after her request expired at 13:30: one finding for the session, not per command.
        assertThat(byRule.get("PUM-002")).containsExactly("alice");
        JsonNode afterExpiry = only(findings, "PUM-002");
        assertThat(afterExpiry.path("request_id").asText()).isEqualTo("e4d3c2b1-0a9f-4e8d-b7c6-5a4b3c2d1e02");
        assertThat(afterExpiry.path("session_id").asText()).isEqualTo("b8d4f0e2-3c5a-4b7d-9f1e-2a4c6e8f0b31");
        assertThat(afterExpiry.path("event_ids").get(0).asText()).isEqualTo("teleport:d1b90002-0002-4b66-9a1f-000000000010");
        assertThat(afterExpiry.path("explanation").asText()).contains("pg_dump payments", "ended at 2026-11-10T13:30:00Z");

        // Reads no session and no grant covers, one finding a person: alice's Vault read after her request
        // expired (Vault names no session, so the ended grant is not its context), dave's Vault read with his LDAP
        // token (his GetSecretValue with his IAM user's key follows within the suppression window), and erin's
        // GetSecretValue with Identity Center credentials.
        assertThat(byRule.get("PUM-007")).containsExactlyInAnyOrder("alice", "dave", "erin");
        assertThat(findings).filteredOn(f -> f.path("rule_id").asText().equals("PUM-007"))
                .allSatisfy(f -> assertThat(f.path("label").asText()).isEqualTo("NO_GRANT"))
                .extracting(f -> f.path("event_ids").get(0).asText())
                .containsExactlyInAnyOrder("vault:9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c601",
                        "vault:9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c602", "cloudtrail:5f6a7b8c-9d0e-4f1a-b2c3-d4e5f6a70802");

        // dave's reads in two products are one person's: one evidence record holds both.
        List<JsonNode> evidence = ReplayOutput.documents(out.resolve("evidence.ndjson"));
        JsonNode daves = evidence.stream().filter(e -> e.path("principal").path("id").asText().equals("dave"))
                .findFirst().orElseThrow();
        assertThat(daves.path("kind").asText()).isEqualTo("UNGRANTED_SECRET");
        assertThat(eventIds(daves)).containsExactly("vault:9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c602",
                "cloudtrail:5f6a7b8c-9d0e-4f1a-b2c3-d4e5f6a70801");
    }

    /** {@code vigil replay --input DIR --out OUT --identities FILE}, in process; returns what it printed. */
    private static String replay(Path input, Path out) {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int code = VigilCli.execute(new PrintWriter(stdout, true), new PrintWriter(stderr, true),
                "replay", "--input", input.toString(), "--out", out.toString(), "--identities", IDENTITIES.toString(),
                "--parallelism", "1");
        assertThat(code).as(stderr.toString()).isZero();
        return stdout.toString();
    }

    private static JsonNode grant(List<JsonNode> evidence, String requestId, String principal) {
        return evidence.stream()
                .filter(e -> e.path("request").path("request_id").asText().equals(requestId)
                        && e.path("principal").path("id").asText().equals(principal))
                .findFirst().orElseThrow(() -> new AssertionError("no evidence record of " + principal + " for " + requestId));
    }

    private static JsonNode only(List<JsonNode> findings, String ruleId) {
        List<JsonNode> of = findings.stream().filter(f -> f.path("rule_id").asText().equals(ruleId)).toList();
        assertThat(of).hasSize(1);
        return of.get(0);
    }

    private static List<String> eventIds(JsonNode evidence) {
        List<String> ids = new ArrayList<>();
        evidence.path("behaviour").forEach(b -> ids.add(b.path("event_id").asText()));
        return ids;
    }
}
