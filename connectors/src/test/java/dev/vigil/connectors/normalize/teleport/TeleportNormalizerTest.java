package dev.vigil.connectors.normalize.teleport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.RawRecord;
import dev.vigil.event.Action;
import dev.vigil.event.PrivilegedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TeleportNormalizerTest {
    private final TeleportNormalizer normalizer = new TeleportNormalizer();

    private List<PrivilegedEvent> normalize(String json) throws Exception {
        return normalizer.normalize(new RawRecord("t:1", "teleport", json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anApprovalNamesTheReviewerAsApproverAndNeverMakesTheReviewerThePrincipal() throws Exception {
        PrivilegedEvent e = normalize("""
                {"event":"access_request.review","uid":"u1","time":"2026-11-03T07:05:40Z","id":"r1",
                 "reviewer":"bob","proposed_state":"APPROVED","state":"APPROVED","expires":"2026-11-03T15:00:00Z"}""").get(0);
        assertThat(e.getAction()).isEqualTo(Action.APPROVED);
        assertThat(e.getApprover()).isEqualTo("teleport:bob");
        assertThat(e.getPrincipal().getId()).isEqualTo("teleport:requester-of:r1").doesNotContain("bob");
        assertThat(e.getWindowEnd()).isEqualTo(Instant.parse("2026-11-03T15:00:00Z").toEpochMilli());
    }

    @Test
    void aReviewOrUpdateWhoseUserIsTheDeciderStillNeverCreditsTheDecider() throws Exception {
        PrivilegedEvent review = normalize("""
                {"event":"access_request.review","uid":"u6","time":"2026-11-03T07:05:40Z","id":"r1","user":"bob",
                 "reviewer":"bob","proposed_state":"APPROVED","state":"APPROVED"}""").get(0);
        assertThat(review.getPrincipal().getId()).isEqualTo("teleport:requester-of:r1");
        PrivilegedEvent update = normalize("""
                {"event":"access_request.update","uid":"u7","time":"2026-11-03T07:05:40Z","id":"r1","user":"alice",
                 "updated_by":"slack-plugin","delegator":"carol","state":"APPROVED"}""").get(0);
        assertThat(update.getPrincipal().getId()).isEqualTo("teleport:alice");
        assertThat(update.getApprover()).isEqualTo("teleport:carol");
    }

    @Test
    void aReviewThatLeavesTheRequestPendingIsNotAnApproval() throws Exception {
        assertThat(normalize("""
                {"event":"access_request.review","uid":"u2","time":"2026-11-03T07:05:40Z","id":"r1",
                 "reviewer":"bob","proposed_state":"APPROVED","state":"PENDING"}""")).isEmpty();
    }

    @Test
    void aCertificateWithActiveRequestsActivatesEachUntilItExpires() throws Exception {
        List<PrivilegedEvent> events = normalize("""
                {"event":"cert.create","uid":"u3","time":"2026-11-03T07:06:00Z","cert_type":"user",
                 "identity":{"user":"alice","active_requests":["r1","r2"],"expires":"2026-11-03T15:00:00Z",
                             "client_ip":"198.51.100.23"}}""");
        assertThat(events).extracting(PrivilegedEvent::getRequestId).containsExactly("r1", "r2");
        assertThat(events).extracting(PrivilegedEvent::getEventId).containsExactly("teleport:u3#r1", "teleport:u3#r2");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getAction()).isEqualTo(Action.ACTIVATED);
            assertThat(e.getPrincipal().getId()).isEqualTo("teleport:alice");
            assertThat(e.getPrincipal().getSourceIp()).isEqualTo("198.51.100.23");
        });
    }

    @Test
    void aSessionCarriesItsLinkedRequestsItsRecordingAndABotIsAService() throws Exception {
        PrivilegedEvent e = normalize("""
                {"event":"session.start","uid":"u4","time":"2026-11-03T07:06:30Z","user":"bot-deployer","user_kind":2,
                 "sid":"s1","server_hostname":"web-2","server_id":"id-2","login":"root","proto":"ssh",
                 "session_recording":"off","access_requests":["r9"],"addr.remote":"10.0.0.8:4000"}""").get(0);
        assertThat(e.getPrincipal().getKind()).isEqualTo(PrincipalKind.SERVICE);
        assertThat(e.getRecorded()).isFalse();
        assertThat(e.getRequestIds()).containsExactly("r9");
        assertThat(e.getTarget()).isEqualTo("web-2");
        assertThat(e.getPrincipal().getSourceIp()).isEqualTo("10.0.0.8");
    }

    @Test
    void userKindOneIsAPersonEvenWithABotLikeName() throws Exception {
        PrivilegedEvent e = normalize("""
                {"event":"session.start","uid":"u5","time":"2026-11-03T07:06:30Z","user":"bot-ann","user_kind":1,
                 "sid":"s1","server_hostname":"web-2","session_recording":"node"}""").get(0);
        assertThat(e.getPrincipal().getKind()).isEqualTo(PrincipalKind.HUMAN);
        assertThat(e.getRecorded()).isTrue();
    }
}
