package dev.vigil.connectors.normalize.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schema.json.InvalidRecordException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SyslogLineTest {
    private static final SyslogYear MARCH_2024 = new SyslogYear(LocalDate.of(2024, 3, 1), ZoneOffset.UTC);

    private static long utc(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void theYearIsTheReferencesUnlessThatPutsTheLineMoreThanAMonthAhead() {
        assertThat(MARCH_2024.resolve(MonthDay.of(2, 21), LocalTime.of(21, 54, 44))).isEqualTo(utc("2024-02-21T21:54:44Z"));
        assertThat(MARCH_2024.resolve(MonthDay.of(3, 31), LocalTime.NOON)).isEqualTo(utc("2024-03-31T12:00:00Z"));
        assertThat(MARCH_2024.resolve(MonthDay.of(12, 31), LocalTime.NOON)).as("December read in March")
                .isEqualTo(utc("2023-12-31T12:00:00Z"));
        assertThat(new SyslogYear(LocalDate.of(2025, 3, 1), ZoneOffset.UTC).resolve(MonthDay.of(2, 29), LocalTime.NOON))
                .as("29 February exists only in a leap year").isEqualTo(utc("2024-02-29T12:00:00Z"));
        assertThat(new SyslogYear(LocalDate.of(2024, 3, 1), ZoneId.of("Europe/Berlin")).resolve(MonthDay.of(2, 21), LocalTime.NOON))
                .as("hosts' zone").isEqualTo(utc("2024-02-21T11:00:00Z"));
    }

    @Test
    void theReferenceComesFromConfiguration() {
        System.setProperty("vigil.syslog.reference", "2019-06-30");
        System.setProperty("vigil.syslog.zone", "UTC");
        try {
            assertThat(SyslogYear.fromConfiguration().resolve(MonthDay.of(6, 1), LocalTime.MIDNIGHT))
                    .isEqualTo(utc("2019-06-01T00:00:00Z"));
        } finally {
            System.clearProperty("vigil.syslog.reference");
            System.clearProperty("vigil.syslog.zone");
        }
    }

    @Test
    void readsBsdRfc5424AndRfc3339Headers() throws InvalidRecordException {
        SyslogLine bsd = SyslogLine.parse("<86>Feb  3 04:05:06 web01 sudo[123]: alice : TTY=pts/0", MARCH_2024);
        assertThat(bsd).isEqualTo(new SyslogLine(utc("2024-02-03T04:05:06Z"), "web01", "sudo", "123", "alice : TTY=pts/0"));

        SyslogLine rfc5424 = SyslogLine.parse("<38>1 2024-02-03T04:05:06.123+01:00 web01 sudo 123 - [meta x=\"]\"] hello", MARCH_2024);
        assertThat(rfc5424).isEqualTo(new SyslogLine(utc("2024-02-03T03:05:06.123Z"), "web01", "sudo", "123", "hello"));

        SyslogLine rfc3339 = SyslogLine.parse("2024-02-03T04:05:06.123456+00:00 web01 sudo: x", MARCH_2024);
        assertThat(rfc3339.time()).isEqualTo(utc("2024-02-03T04:05:06.123Z"));
        assertThat(rfc3339.tag()).isEqualTo("sudo");

        SyslogLine cef = SyslogLine.parse("<5>1 2020-01-24T22:53:03Z VAULT CEF:0|a|b|c|d|e|f|", MARCH_2024);
        assertThat(cef.tag()).isNull();
        assertThat(cef.message()).startsWith("CEF:0|");
    }

    @Test
    void refusesWhatIsNoSyslog() {
        assertThatThrownBy(() -> SyslogLine.parse("hello world", MARCH_2024)).hasMessageStartingWith("not a syslog line");
        assertThatThrownBy(() -> SyslogLine.parse("Feb 30 04:05:06 h x: y", MARCH_2024))
                .hasMessageStartingWith("unreadable syslog timestamp");
    }
}
