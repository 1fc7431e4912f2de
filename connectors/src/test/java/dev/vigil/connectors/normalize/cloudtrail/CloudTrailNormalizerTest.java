package dev.vigil.connectors.normalize.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.normalize.support.GoldenRun;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloudTrailNormalizerTest {
    private static final Path SAMPLES = Path.of("src", "test", "resources", "samples", "cloudtrail");

    @Test
    void callsMadeWithAnAssumedRolesKeyNameItsGrantAndShareItsPrincipal() throws Exception {
        List<PrivilegedEvent> events = GoldenRun.of(new CloudTrailNormalizer(),
                SAMPLES.resolve("handwritten_role_grants_and_secrets.jsonl")).events;
        PrivilegedEvent grant = events.get(0);
        assertThat(grant.getType()).isEqualTo(EventType.ELEVATION);
        assertThat(grant.getAction()).isEqualTo(Action.ACTIVATED);
        assertThat(grant.getWindowEnd()).isEqualTo(Instant.parse("2026-11-03T08:30:00Z").toEpochMilli());
        PrivilegedEvent read = events.get(1);
        assertThat(read.getType()).isEqualTo(EventType.SECRET);
        assertThat(read.getRequestIds()).containsExactly(grant.getRequestId());
        assertThat(read.getPrincipal().getId()).isEqualTo(grant.getPrincipal().getId());
        // The key links the read to its grant; it is no session, which PUM-007 would take the read to be inside.
        assertThat(read.getSessionId()).isNull();
    }

    @Test
    void aWholeLogFileOnOneLineGivesTheSameEventsAsItsRecordsOneALine() throws Exception {
        List<PrivilegedEvent> wrapped = GoldenRun.of(new CloudTrailNormalizer(),
                SAMPLES.resolve("handwritten_log_file_records_wrapper.json")).events;
        List<PrivilegedEvent> lines = GoldenRun.of(new CloudTrailNormalizer(),
                SAMPLES.resolve("handwritten_role_grants_and_secrets.jsonl")).events.subList(0, wrapped.size());
        assertThat(wrapped).hasSize(4);
        for (int i = 0; i < wrapped.size(); i++) {
            assertThat(wrapped.get(i).getEventId()).isEqualTo(lines.get(i).getEventId());
            assertThat(wrapped.get(i).getSecretId()).isEqualTo(lines.get(i).getSecretId());
        }
    }

    @Test
    void stsExpirationsAreReadInBothOfTheFormsCloudTrailWrites() throws Exception {
        assertThat(CloudTrailNormalizer.expiration("Sep 14, 2020, 7:01:26 AM"))
                .isEqualTo(Instant.parse("2020-09-14T07:01:26Z").toEpochMilli());
        assertThat(CloudTrailNormalizer.expiration("Sep 14, 2020, 12:01:26 PM"))
                .isEqualTo(Instant.parse("2020-09-14T12:01:26Z").toEpochMilli());
        assertThat(CloudTrailNormalizer.expiration("2020-09-14T07:01:26Z"))
                .isEqualTo(Instant.parse("2020-09-14T07:01:26Z").toEpochMilli());
    }

    @Test
    void onlyDenialsBecomeDeniedAndParametersReadWithoutDecryptionAreSkipped() throws Exception {
        assertThat(CloudTrailNormalizer.isDenial("AccessDenied")).isTrue();
        assertThat(CloudTrailNormalizer.isDenial("AccessDeniedException")).isTrue();
        assertThat(CloudTrailNormalizer.isDenial("Client.UnauthorizedOperation")).isTrue();
        assertThat(CloudTrailNormalizer.isDenial("ExpiredToken")).isFalse();
        String plain = """
                {"eventSource":"ssm.amazonaws.com","eventName":"GetParameter","eventTime":"2026-11-03T07:40:00Z",
                 "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/a"},"requestParameters":{"name":"/x"},"eventID":"e"}""";
        assertThat(new CloudTrailNormalizer().normalize(new RawRecord("c:1", "cloudtrail", plain.getBytes()))).isEmpty();
    }
}
