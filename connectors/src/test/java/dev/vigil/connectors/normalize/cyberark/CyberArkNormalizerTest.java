package dev.vigil.connectors.normalize.cyberark;

import static dev.vigil.connectors.normalize.text.GoldenSamples.SAMPLES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.normalize.Normalizers;
import dev.vigil.connectors.normalize.text.GoldenSamples;
import dev.vigil.connectors.normalize.text.GoldenSamples.Outcome;
import dev.vigil.connectors.normalize.text.SyslogYear;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CyberArkNormalizerTest {
    /** The samples' BSD-syslog lines have no year; replaying them as of this date gives them one. */
    private static final CyberArkNormalizer NORMALIZER =
            new CyberArkNormalizer(new SyslogYear(LocalDate.of(2026, 11, 30), ZoneOffset.UTC));

    private static List<Outcome> run(String file) throws IOException {
        return GoldenSamples.normalize(NORMALIZER, GoldenSamples.lines(SAMPLES.resolve("cyberark").resolve(file)));
    }

    private static List<PrivilegedEvent> events(String file) throws IOException {
        return run(file).stream().flatMap(o -> o.events().stream()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sc4s_cyberark_vault_cef_samples.log", "handwritten_vault_activity.log", "handwritten_malformed.log"})
    void everySampleMatchesItsGoldenAndLosesNothing(String file) throws IOException {
        var records = GoldenSamples.lines(SAMPLES.resolve("cyberark").resolve(file));
        List<Outcome> outcomes = GoldenSamples.normalize(NORMALIZER, records);
        GoldenSamples.assertNothingLost(records, outcomes);
        GoldenSamples.assertGolden("cyberark", file, outcomes);
    }

    @Test
    void registeredUnderItsFormatName() {
        assertThat(Normalizers.forFormat("cyberark")).isInstanceOf(CyberArkNormalizer.class);
    }

    @Test
    void theRealCpmVerifyIsARotationByAComponentUserAndLogonAndPtaAreSkipped() throws IOException {
        List<Outcome> outcomes = run("sc4s_cyberark_vault_cef_samples.log");
        PrivilegedEvent verify = outcomes.get(0).events().get(0);
        assertThat(verify.getType()).isEqualTo(EventType.SECRET);
        assertThat(verify.getAction()).isEqualTo(Action.ROTATE);
        assertThat(verify.getPrincipal().getId()).isEqualTo("cyberark:PasswordManager");
        assertThat(verify.getPrincipal().getKind()).isEqualTo(PrincipalKind.SERVICE);
        assertThat(verify.getSecretId()).isEqualTo("Root\\Operating System-OBO-ISSO-Windows-Domain-Account-redacted");
        assertThat(verify.getStore()).isEqualTo("re-dact-ted");
        assertThat(verify.getEventTime()).isEqualTo(Instant.parse("2020-01-24T22:53:03Z").toEpochMilli());
        assertThat(outcomes.get(1).skipped()).as("Logon").isTrue();
        assertThat(outcomes.get(2).skipped()).as("PTA").isTrue();
    }

    @Test
    void aPsmSessionLinksConnectKeystrokesAndDisconnectByPsmSessionId() throws IOException {
        List<PrivilegedEvent> events = events("handwritten_vault_activity.log");
        List<PrivilegedEvent> session = events.stream()
                .filter(e -> "cyberark:8f6c0b2e-4d2a-4c4c-9a51-0e7e1d3b9c11".equals(e.getSessionId())).toList();
        assertThat(session).extracting(PrivilegedEvent::getAction).containsExactly(Action.START, Action.COMMAND, Action.END);
        PrivilegedEvent start = session.get(0);
        assertThat(start.getTarget()).isEqualTo("web01.corp.example.com");
        assertThat(start.getAccount()).isEqualTo("root");
        assertThat(start.getProtocol()).isEqualTo("ssh");
        assertThat(start.getRequestIds()).containsExactly("cyberark:418");
        assertThat(start.getTicket()).isEqualTo("CHG0099");
        assertThat(start.getPrincipal().getSourceIp()).isEqualTo("10.20.0.15");
        assertThat(session.get(1).getCommand()).isEqualTo("useradd -o -u 0 backdoor");
    }

    @Test
    void retrievalsAreCheckoutsWithSafeRequestAndTicket() throws IOException {
        List<PrivilegedEvent> checkouts = events("handwritten_vault_activity.log").stream()
                .filter(e -> e.getAction() == Action.CHECKOUT).toList();
        assertThat(checkouts).hasSize(2);
        PrivilegedEvent human = checkouts.get(0);
        assertThat(human.getPrincipal().getKind()).isEqualTo(PrincipalKind.HUMAN);
        assertThat(human.getStore()).isEqualTo("Windows-Servers");
        assertThat(human.getRequestIds()).containsExactly("cyberark:417");
        assertThat(human.getTicket()).isEqualTo("INC0012345");
        assertThat(human.getReason()).isEqualTo("Monthly patching");
        PrivilegedEvent provider = checkouts.get(1);
        assertThat(provider.getPrincipal().getId()).isEqualTo("cyberark:Prov_APPSRV01");
        assertThat(provider.getPrincipal().getKind()).isEqualTo(PrincipalKind.SERVICE);
        assertThat(provider.getEventTime()).isEqualTo(Instant.parse("2026-11-02T11:00:00.250Z").toEpochMilli());
    }

    @Test
    void theJsonRenderingReadsLikeTheCef() throws IOException {
        PrivilegedEvent rdp = events("handwritten_vault_activity.log").stream()
                .filter(e -> "cyberark:carol".equals(e.getPrincipal().getId())).findFirst().orElseThrow();
        assertThat(rdp.getAction()).isEqualTo(Action.START);
        assertThat(rdp.getProtocol()).isEqualTo("rdp");
        assertThat(rdp.getTarget()).isEqualTo("ws042.corp.example.com");
        assertThat(rdp.getAccount()).isEqualTo("Administrator");
        assertThat(rdp.getRequestIds()).containsExactly("cyberark:520");
    }

    @Test
    void brokenRecordsAreRejectedWithTheirReason() throws IOException {
        List<String> reasons = run("handwritten_malformed.log").stream().map(Outcome::reason).toList();
        assertThat(reasons).doesNotContainNull();
        assertThat(reasons.get(0)).startsWith("truncated CEF header");
        assertThat(reasons.get(1)).contains("not a CyberArk CEF message");
        assertThat(reasons.get(2)).startsWith("not a syslog line");
        assertThat(reasons.get(3)).contains("no MessageID");
        assertThat(reasons.get(4)).contains("without an issuer");
        assertThat(reasons.get(5)).startsWith("malformed JSON");
    }
}
