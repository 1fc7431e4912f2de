package dev.vigil.connectors.normalize.text;

import dev.vigil.schema.json.InvalidRecordException;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One syslog line split into time, host, program tag and message. Reads RFC 3164 ({@code <190>Jul 27 23:31:58 host
 * tag[pid]: msg}, priority optional, as files written by rsyslog hold it), RFC 5424 ({@code <5>1 2020-01-24T22:53:03Z
 * host app procid msgid sd msg}) and the RFC 3339 timestamps of rsyslog's high-precision template. A message
 * without a tag (CEF and JSON payloads straight after the host) has a null tag.
 */
public record SyslogLine(long time, String host, String tag, String pid, String message) {
    private static final Pattern RFC5424 = Pattern.compile(
            "^<(\\d{1,3})>1 (\\S+) (\\S+) (.*)$");
    private static final Pattern RFC3164 = Pattern.compile(
            "^(?:<(\\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\\d{1,2}) (\\d{2}:\\d{2}:\\d{2}) (\\S+) (.*)$");
    private static final Pattern RFC3339 = Pattern.compile(
            "^(?:<(\\d{1,3})>)?(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:\\d{2})) (\\S+) (.*)$");
    private static final Pattern TAG = Pattern.compile("^([^\\s:\\[]+)(?:\\[(\\d+)\\])?: ?(.*)$", Pattern.DOTALL);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM", Locale.ENGLISH);

    /** @throws InvalidRecordException when the line has no syslog header */
    public static SyslogLine parse(String line, SyslogYear year) throws InvalidRecordException {
        Matcher m = RFC5424.matcher(line);
        if (m.matches()) {
            long t = Timestamps.parse(m.group(2), "syslog timestamp");
            return withRfc5424Body(t, m.group(3), m.group(4));
        }
        m = RFC3339.matcher(line);
        if (m.matches()) {
            return withTag(Timestamps.parse(m.group(2), "syslog timestamp"), m.group(3), m.group(4));
        }
        m = RFC3164.matcher(line);
        if (m.matches()) {
            MonthDay day;
            LocalTime time;
            try {
                int month = MONTH.parse(m.group(2)).get(java.time.temporal.ChronoField.MONTH_OF_YEAR);
                day = MonthDay.of(month, Integer.parseInt(m.group(3)));
                time = LocalTime.parse(m.group(4));
            } catch (java.time.DateTimeException e) {
                throw new InvalidRecordException("unreadable syslog timestamp '" + m.group(2) + " " + m.group(3) + " " + m.group(4) + "'");
            }
            return withTag(year.resolve(day, time), m.group(5), m.group(6));
        }
        throw new InvalidRecordException("not a syslog line (no RFC 3164 or RFC 5424 header)");
    }

    private static SyslogLine withTag(long time, String host, String rest) {
        if (rest.startsWith("CEF:") || rest.startsWith("LEEF:") || rest.startsWith("{")) {
            return new SyslogLine(time, host, null, null, rest);
        }
        Matcher t = TAG.matcher(rest);
        if (t.matches()) {
            return new SyslogLine(time, host, t.group(1), t.group(2), t.group(3));
        }
        return new SyslogLine(time, host, null, null, rest);
    }

    /** After the host: either the payload itself (some senders omit the rest of the header) or app procid msgid sd msg. */
    private static SyslogLine withRfc5424Body(long time, String host, String rest) {
        if (rest.startsWith("CEF:") || rest.startsWith("LEEF:") || rest.startsWith("{")) {
            return new SyslogLine(time, host, null, null, rest);
        }
        String[] parts = rest.split(" ", 4);
        if (parts.length < 4) {
            return new SyslogLine(time, host, null, null, rest);
        }
        String app = "-".equals(parts[0]) ? null : parts[0];
        String pid = "-".equals(parts[1]) ? null : parts[1];
        String sdAndMsg = parts[3];
        String msg;
        if (sdAndMsg.startsWith("-")) {
            msg = sdAndMsg.length() > 1 ? sdAndMsg.substring(1).stripLeading() : "";
        } else if (sdAndMsg.startsWith("[")) {
            msg = skipStructuredData(sdAndMsg);
        } else {
            msg = sdAndMsg;
        }
        if (msg.startsWith("\uFEFF")) {
            msg = msg.substring(1);
        }
        return new SyslogLine(time, host, app, pid, msg);
    }

    private static String skipStructuredData(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '[') {
            boolean quoted = false;
            i++;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length()) {
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == ']' && !quoted) {
                    i++;
                    break;
                }
                i++;
            }
        }
        return s.substring(Math.min(i, s.length())).stripLeading();
    }
}
