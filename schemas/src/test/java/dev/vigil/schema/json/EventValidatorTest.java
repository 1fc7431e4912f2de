package dev.vigil.schema.json;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.PrivilegedEvent;
import org.junit.jupiter.api.Test;

class EventValidatorTest {
    private final EventValidator validator = EventValidator.defaults();

    private static PrivilegedEvent event(String json) throws InvalidRecordException {
        return CanonicalJson.parse(json);
    }

    private static final String START = """
            {"event_id":"e1","event_time":"2026-01-05T08:00:00Z","source":"teleport","type":"SESSION",
             "principal":{"id":"alice","kind":"HUMAN"},"action":"START","session_id":"s1","target":"db-1"}""";

    @Test
    void acceptsAWellFormedSession() throws Exception {
        assertThatCode(() -> validator.validate(event(START))).doesNotThrowAnyException();
    }

    @Test
    void refusesActionsOfAnotherType() throws Exception {
        assertThatThrownBy(() -> validator.validate(event(START.replace("\"START\"", "\"READ\""))))
                .hasMessage("action READ is not a SESSION action");
    }

    @Test
    void refusesAbsurdTimes() throws Exception {
        assertThatThrownBy(() -> validator.validate(event(START.replace("2026-01-05", "1970-01-01"))))
                .hasMessageContaining("is before 2000");
        assertThatThrownBy(() -> validator.validate(event(START.replace("2026-01-05", "2090-01-01"))))
                .hasMessageContaining("is in the future");
    }

    @Test
    void refusesMissingIds() throws Exception {
        assertThatThrownBy(() -> validator.validate(event(START.replace("\"session_id\":\"s1\",", ""))))
                .hasMessage("SESSION without session_id");
        assertThatThrownBy(() -> validator.validate(event(START.replace("\"event_id\":\"e1\"", "\"event_id\":\" \""))))
                .hasMessage("missing event_id");
        assertThatThrownBy(() -> validator.validate(event("""
                {"event_id":"e","event_time":"2026-01-05T08:00:00Z","source":"entra","type":"ELEVATION",
                 "principal":{"id":"a","kind":"HUMAN"},"action":"APPROVED"}""")))
                .hasMessage("ELEVATION without request_id");
    }

    @Test
    void refusesInvertedWindowsAndOversizeCommands() throws Exception {
        assertThatThrownBy(() -> validator.validate(event("""
                {"event_id":"e","event_time":"2026-01-05T08:00:00Z","source":"entra","type":"ELEVATION",
                 "principal":{"id":"a","kind":"HUMAN"},"action":"APPROVED","request_id":"r",
                 "window_start":"2026-01-05T09:00:00Z","window_end":"2026-01-05T08:00:00Z"}""")))
                .hasMessage("window_end is not after window_start");
        String longCommand = "x".repeat(20_000);
        assertThatThrownBy(() -> validator.validate(event(START.replace("\"START\"", "\"COMMAND\"")
                .replace("\"target\":\"db-1\"", "\"command\":\"" + longCommand + "\""))))
                .hasMessageContaining("exceeds");
    }
}
