package dev.vigil.jobs.cases;

import dev.vigil.output.EvidenceKind;
import dev.vigil.output.Finding;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static dev.vigil.jobs.cases.Findings.MINUTE;
import static dev.vigil.jobs.cases.Findings.T0;
import static dev.vigil.jobs.cases.Findings.finding;
import static dev.vigil.jobs.cases.Findings.human;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CaseKeysTest {

    @Test
    void caseIdIsTheDocumentedHashOfPrincipalAndGrant() throws Exception {
        Finding f = finding("f1", "PUM-002", 70).setRequestId("REQ-12").setSessionId("S-1").build();
        // The id is a published contract (documents are upserted by it): pin the formula, not just stability.
        byte[] digest = MessageDigest.getInstance("SHA-256").digest("alice|grant:REQ-12".getBytes(StandardCharsets.UTF_8));
        assertThat(CaseKeys.caseId(f)).isEqualTo("case-" + HexFormat.of().formatHex(digest).substring(0, 20));
    }

    @Test
    void findingsOfOneGrantShareACaseWhateverTheirSessionOrTime() {
        Finding a = finding("f1", "PUM-002", 70).setRequestId("REQ-12").setSessionId("S-1").build();
        Finding b = finding("f2", "PUM-003", 60).setRequestId("REQ-12").setSessionId("S-2")
                .setEventTime(T0 + 3 * 24 * 60 * MINUTE).build();
        assertThat(CaseKeys.caseId(a)).isEqualTo(CaseKeys.caseId(b));
    }

    @Test
    void groupsBySessionWithoutAGrantAndByUtcDayWithoutEither() {
        Finding s1 = finding("f1", "PUM-001", 60).setSessionId("S-1").build();
        Finding s1Later = finding("f2", "PUM-009", 60).setSessionId("S-1").setEventTime(T0 + 90 * MINUTE).build();
        Finding s2 = finding("f3", "PUM-001", 60).setSessionId("S-2").build();
        assertThat(CaseKeys.caseKey(s1)).isEqualTo("session:S-1");
        assertThat(CaseKeys.caseId(s1)).isEqualTo(CaseKeys.caseId(s1Later)).isNotEqualTo(CaseKeys.caseId(s2));

        Finding morning = finding("f4", "PUM-007", 50).build();
        Finding evening = finding("f5", "PUM-007", 50).setEventTime(T0 + 13 * 60 * MINUTE).build();
        Finding nextDay = finding("f6", "PUM-007", 50).setEventTime(T0 + 14 * 60 * MINUTE).build();
        assertThat(CaseKeys.caseKey(morning)).isEqualTo("day:2024-05-01");
        assertThat(CaseKeys.caseKey(nextDay)).isEqualTo("day:2024-05-02");
        assertThat(CaseKeys.caseId(morning)).isEqualTo(CaseKeys.caseId(evening)).isNotEqualTo(CaseKeys.caseId(nextDay));
    }

    @Test
    void blankIdsCountAsAbsent() {
        Finding f = finding("f1", "PUM-001", 60).setRequestId(" ").setSessionId("S-1").build();
        assertThat(CaseKeys.caseKey(f)).isEqualTo("session:S-1");
    }

    @Test
    void differentPrincipalsNeverShareACase() {
        Finding alice = finding("f1", "PUM-002", 70).setRequestId("REQ-12").build();
        Finding bob = finding("f1", "PUM-002", 70).setRequestId("REQ-12").setPrincipal(human("bob")).build();
        assertThat(CaseKeys.caseId(alice)).isNotEqualTo(CaseKeys.caseId(bob));
    }

    @Test
    void evidenceIdsAreDeterministicAndDistinguishKinds() {
        String grant = CaseKeys.evidenceId("alice", EvidenceKind.GRANT, "X-1");
        assertThat(grant).startsWith("evidence-").hasSize("evidence-".length() + 20);
        assertThat(CaseKeys.evidenceId("alice", EvidenceKind.GRANT, "X-1")).isEqualTo(grant);
        assertThat(CaseKeys.evidenceId("alice", EvidenceKind.UNGRANTED_SESSION, "X-1")).isNotEqualTo(grant);
        assertThat(CaseKeys.evidenceId("bob", EvidenceKind.GRANT, "X-1")).isNotEqualTo(grant);
        assertThatThrownBy(() -> CaseKeys.evidenceId(null, EvidenceKind.GRANT, "X-1"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
