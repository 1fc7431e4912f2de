package dev.vigil.schema.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
    private static final String SESSION_START = """
            {"event_id":"e1","event_time":"2026-01-05T08:00:00.250Z","source":"teleport","type":"SESSION",
             "principal":{"id":"alice","kind":"HUMAN","source_ip":"10.1.2.3"},"action":"START",
             "session_id":"s1","target":"db-prod-1","account":"root","protocol":"ssh","interactive":true,
             "recorded":false,"request_ids":["r1"],"unknown_field":{"nested":[1,2]}}""";

    @Test
    void parsesEveryCanonicalField() throws Exception {
        PrivilegedEvent e = CanonicalJson.parse(SESSION_START);
        assertThat(e.getEventId()).isEqualTo("e1");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2026-01-05T08:00:00.250Z").toEpochMilli());
        assertThat(e.getType()).isEqualTo(EventType.SESSION);
        assertThat(e.getAction()).isEqualTo(Action.START);
        assertThat(e.getPrincipal().getKind()).isEqualTo(PrincipalKind.HUMAN);
        assertThat(e.getPrincipal().getSourceIp()).isEqualTo("10.1.2.3");
        assertThat(e.getInteractive()).isTrue();
        assertThat(e.getRecorded()).isFalse();
        assertThat(e.getRequestIds()).containsExactly("r1");
        assertThat(e.getScope()).isEmpty();
        assertThat(e.getCommand()).isNull();
    }

    @Test
    void writesWhatItReads() throws Exception {
        PrivilegedEvent e = CanonicalJson.parse(SESSION_START);
        String json = CanonicalJson.toJson(e);
        assertThat(json).contains("\"event_time\":\"2026-01-05T08:00:00.250Z\"").doesNotContain("null").doesNotContain("scope");
        assertThat(CanonicalJson.parse(json)).isEqualTo(e);
    }

    @Test
    void acceptsEpochMillisAndOffsetTimesAndLowerCaseEnums() throws Exception {
        PrivilegedEvent e = CanonicalJson.parse("""
                {"event_id":"e2","event_time":1767600000000,"source":"vault","type":"secret",
                 "principal":{"id":"svc","kind":"SERVICE"},"action":"read","secret_id":"kv/db","window_end":"2026-01-05T10:00:00+02:00"}""");
        assertThat(e.getEventTime()).isEqualTo(1767600000000L);
        assertThat(e.getWindowEnd()).isEqualTo(Instant.parse("2026-01-05T08:00:00Z").toEpochMilli());
        assertThat(e.getType()).isEqualTo(EventType.SECRET);
    }

    @Test
    void takesASingleScopeAsAList() throws Exception {
        PrivilegedEvent e = CanonicalJson.parse("""
                {"event_id":"e3","event_time":"2026-01-05T08:00:00Z","source":"entra","type":"ELEVATION",
                 "principal":{"id":"bob","kind":"HUMAN"},"action":"APPROVED","request_id":"r9","scope":"db-*"}""");
        assertThat(e.getScope()).isEqualTo(List.of("db-*"));
    }

    @Test
    void namesWhatIsWrong() {
        assertThatThrownBy(() -> CanonicalJson.parse("{\"event_id\":\"x\""))
                .isInstanceOf(InvalidRecordException.class).hasMessageStartingWith("malformed JSON");
        assertThatThrownBy(() -> CanonicalJson.parse(SESSION_START.replace("\"SESSION\"", "\"LOGIN\"")))
                .hasMessageStartingWith("unknown type 'LOGIN'");
        assertThatThrownBy(() -> CanonicalJson.parse(SESSION_START.replace("\"event_time\":\"2026-01-05T08:00:00.250Z\",", "")))
                .hasMessage("missing event_time");
        assertThatThrownBy(() -> CanonicalJson.parse(SESSION_START.replace("\"kind\":\"HUMAN\",", "")))
                .hasMessage("missing principal.kind");
        assertThatThrownBy(() -> CanonicalJson.parse(SESSION_START.replace("2026-01-05T08:00:00.250Z", "yesterday")))
                .hasMessage("event_time is not an ISO-8601 time: 'yesterday'");
        assertThatThrownBy(() -> CanonicalJson.parse("[1,2]")).hasMessage("not a JSON object");
        assertThatThrownBy(() -> CanonicalJson.parse(SESSION_START + " {}")).hasMessageContaining("trailing content");
    }
}
