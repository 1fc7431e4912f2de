package dev.vigil.connectors.normalize.entra;

import static dev.vigil.connectors.normalize.text.GoldenSamples.SAMPLES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.normalize.Normalizers;
import dev.vigil.connectors.normalize.text.GoldenSamples;
import dev.vigil.connectors.normalize.text.GoldenSamples.Outcome;
import dev.vigil.event.Action;
import dev.vigil.event.PrivilegedEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EntraPimNormalizerTest {
    private static final EntraPimNormalizer NORMALIZER = new EntraPimNormalizer();

    private static List<Outcome> run(String file) throws IOException {
        return GoldenSamples.normalize(NORMALIZER, GoldenSamples.lines(SAMPLES.resolve("entra").resolve(file)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"panther_azure_audit_roles.jsonl", "otrf_goldensaml_AADAuditEvents.jsonl",
            "handwritten_pim_lifecycle.jsonl", "handwritten_malformed.jsonl"})
    void everySampleMatchesItsGoldenAndLosesNothing(String file) throws IOException {
        var records = GoldenSamples.lines(SAMPLES.resolve("entra").resolve(file));
        List<Outcome> outcomes = GoldenSamples.normalize(NORMALIZER, records);
        GoldenSamples.assertNothingLost(records, outcomes);
        GoldenSamples.assertGolden("entra", file, outcomes);
    }

    @Test
    void registeredUnderItsFormatName() {
        assertThat(Normalizers.forFormat("entra")).isInstanceOf(EntraPimNormalizer.class);
    }

    @Test
    void theWholeActivationLifecycleSharesOneRequestId() throws IOException {
        List<PrivilegedEvent> events = run("handwritten_pim_lifecycle.jsonl").stream()
                .flatMap(o -> o.events().stream()).toList();
        List<PrivilegedEvent> alice = events.stream()
                .filter(e -> "5d1f0a44-1111-4222-8333-444455556666".equals(e.getRequestId())).toList();
        assertThat(alice).extracting(PrivilegedEvent::getAction)
                .containsExactly(Action.REQUESTED, Action.APPROVED, Action.ACTIVATED, Action.REVOKED);
        assertThat(alice).allSatisfy(e -> assertThat(e.getPrincipal().getId()).isEqualTo("entra:alice@contoso.com"));

        PrivilegedEvent approved = alice.get(1);
        assertThat(approved.getApprover()).isEqualTo("entra:bob@contoso.com");
        assertThat(approved.getRole()).isEqualTo("Global Administrator");
        assertThat(approved.getTicket()).isEqualTo("ServiceNow:CHG0042");
        assertThat(approved.getReason()).isEqualTo("Patch rollout CHG0042");
        assertThat(approved.getWindowStart()).isEqualTo(Instant.parse("2026-11-02T09:00:00Z").toEpochMilli());
        assertThat(approved.getWindowEnd()).isEqualTo(Instant.parse("2026-11-02T13:00:00Z").toEpochMilli());

        PrivilegedEvent activated = alice.get(2);
        assertThat(activated.getEventTime()).isEqualTo(Instant.parse("2026-11-02T09:04:40.987Z").toEpochMilli());
        assertThat(activated.getWindowEnd()).isEqualTo(Instant.parse("2026-11-02T13:04:40Z").toEpochMilli());
        assertThat(activated.getScope()).containsExactly("entra:00000000-aaaa-bbbb-cccc-000000000000");
    }

    @Test
    void expiryByPimAndDenialByAnApproverNameTheRequesterNotTheActor() throws IOException {
        List<PrivilegedEvent> events = run("handwritten_pim_lifecycle.jsonl").stream()
                .flatMap(o -> o.events().stream()).toList();
        PrivilegedEvent expired = events.stream().filter(e -> e.getAction() == Action.EXPIRED).findFirst().orElseThrow();
        assertThat(expired.getPrincipal().getId()).isEqualTo("entra:erin@contoso.com");
        assertThat(expired.getApprover()).isNull();
        PrivilegedEvent denied = events.stream().filter(e -> e.getAction() == Action.DENIED).findFirst().orElseThrow();
        assertThat(denied.getPrincipal().getId()).isEqualTo("entra:carol@contoso.com");
        assertThat(denied.getApprover()).isEqualTo("entra:bob@contoso.com");
        assertThat(denied.getReason()).isEqualTo("need to look at alerts");
    }

    @Test
    void anApplicationRequestingFromLogAnalyticsIsAService() throws IOException {
        PrivilegedEvent app = run("handwritten_pim_lifecycle.jsonl").stream().flatMap(o -> o.events().stream())
                .filter(e -> "12ab34cd-0000-4000-8000-0000000000ef".equals(e.getRequestId())).findFirst().orElseThrow();
        assertThat(app.getPrincipal().getKind()).isEqualTo(PrincipalKind.SERVICE);
        assertThat(app.getPrincipal().getId()).isEqualTo("entra:app:0a0b0c0d-0000-4000-8000-00000000000d");
        assertThat(app.getRole()).isEqualTo("Application Administrator");
    }

    @Test
    void nonPimAuditRecordsAreSkippedAndCounted() throws IOException {
        List<Outcome> panther = run("panther_azure_audit_roles.jsonl");
        assertThat(GoldenSamples.count(panther, Outcome::skipped)).isEqualTo(12);
        assertThat(panther.stream().flatMap(o -> o.events().stream()).map(PrivilegedEvent::getAction))
                .containsExactly(Action.ACTIVATED, Action.REQUESTED);
        assertThat(GoldenSamples.count(run("otrf_goldensaml_AADAuditEvents.jsonl"), Outcome::skipped)).isEqualTo(4);
    }

    @Test
    void brokenRecordsAreRejectedWithTheirReason() throws IOException {
        List<String> reasons = run("handwritten_malformed.jsonl").stream().map(Outcome::reason).toList();
        assertThat(reasons).hasSize(8).doesNotContainNull();
        assertThat(reasons.get(0)).startsWith("malformed JSON");
        assertThat(reasons.get(2)).isEqualTo("missing activityDateTime");
        assertThat(reasons.get(5)).isEqualTo("ExpirationTime is not after StartTime");
        assertThat(reasons.get(6)).startsWith("unreadable activityDateTime");
    }
}
