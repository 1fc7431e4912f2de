package dev.vigil.connectors.normalize.text;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.MonthDay;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Gives a year to BSD-syslog timestamps ({@code Feb 21 21:54:44}), which have none.
 *
 * <p>The rule: the year is the reference date's year, unless that puts the line more than 31 days after the
 * reference, in which case it is the year before (a December line read in January belongs to last year). The
 * reference is {@code vigil.syslog.reference} (system property) or {@code VIGIL_SYSLOG_REFERENCE} (environment),
 * an ISO date such as {@code 2024-03-01}, set when replaying an old export; without it, today's date (UTC), which
 * is right for live forwarding. The local time is read in {@code vigil.syslog.zone} / {@code VIGIL_SYSLOG_ZONE}
 * (default UTC), the zone of the hosts that wrote the lines.
 */
public final class SyslogYear implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int FUTURE_TOLERANCE_DAYS = 31;

    private final LocalDate reference;
    private final ZoneId zone;

    public SyslogYear(LocalDate reference, ZoneId zone) {
        this.reference = reference;
        this.zone = zone;
    }

    /** The configured rule; a null reference means today. */
    public static SyslogYear fromConfiguration() {
        String ref = setting("vigil.syslog.reference", "VIGIL_SYSLOG_REFERENCE");
        String zone = setting("vigil.syslog.zone", "VIGIL_SYSLOG_ZONE");
        return new SyslogYear(ref == null ? null : LocalDate.parse(ref.trim()),
                zone == null ? ZoneOffset.UTC : ZoneId.of(zone.trim()));
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v;
    }

    /** Epoch milliseconds of a month-day and time without a year. */
    public long resolve(MonthDay day, LocalTime time) {
        LocalDate ref = reference != null ? reference : LocalDate.now(ZoneOffset.UTC);
        int year = ref.getYear();
        if (day.equals(MonthDay.of(2, 29)) && !java.time.Year.isLeap(year)) {
            year = year - 1;
            while (!java.time.Year.isLeap(year)) {
                year--;
            }
        }
        LocalDate date = day.atYear(year);
        if (date.isAfter(ref.plusDays(FUTURE_TOLERANCE_DAYS))) {
            date = day.isValidYear(year - 1) ? day.atYear(year - 1) : date.minusYears(1);
        }
        return LocalDateTime.of(date, time).atZone(zone).toInstant().toEpochMilli();
    }

    public ZoneId zone() {
        return zone;
    }
}
