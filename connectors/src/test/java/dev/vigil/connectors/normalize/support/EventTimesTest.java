package dev.vigil.connectors.normalize.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schema.json.InvalidRecordException;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventTimesTest {
    @ParameterizedTest
    @CsvSource({
        "2026-11-03T07:10:00.118004567Z, 2026-11-03T07:10:00.118Z",
        "2026-11-03T07:10:00Z,           2026-11-03T07:10:00Z",
        "2026-11-03T09:10:00.5+02:00,    2026-11-03T07:10:00.500Z",
        "2023-09-17 21:00:00.000000,     2023-09-17T21:00:00Z",
        "2023-09-18 11:22:33,            2023-09-18T11:22:33Z",
        "2020-08-17T17:40:37.491Z,       2020-08-17T17:40:37.491Z",
    })
    void readsTheTimestampsProductsWriteAsUtcMillisecondsTruncated(String raw, String expected) throws Exception {
        assertThat(EventTimes.parse(raw, "time")).isEqualTo(Instant.parse(expected).toEpochMilli());
    }

    @ParameterizedTest
    @CsvSource({"yesterday", "14/11/2026 07:30", "2026-13-01T00:00:00Z"})
    void refusesWhatIsNotATimestampNamingTheField(String raw) {
        assertThatThrownBy(() -> EventTimes.parse(raw, "eventTime"))
                .isInstanceOf(InvalidRecordException.class).hasMessageStartingWith("eventTime '");
    }

    @org.junit.jupiter.api.Test
    void refusesAMissingTime() {
        assertThatThrownBy(() -> EventTimes.parse(null, "time")).hasMessage("missing time");
    }
}
