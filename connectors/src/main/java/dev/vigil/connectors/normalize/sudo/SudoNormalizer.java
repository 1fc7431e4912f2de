package dev.vigil.connectors.normalize.sudo;

import static dev.vigil.connectors.normalize.support.ProductJson.text;
import static dev.vigil.connectors.normalize.support.ProductJson.first;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.normalize.Normalizer;
import dev.vigil.connectors.normalize.text.JsonErrors;
import dev.vigil.connectors.normalize.support.EventIds;
import dev.vigil.connectors.normalize.text.SyslogLine;
import dev.vigil.connectors.normalize.text.SyslogYear;
import dev.vigil.connectors.normalize.text.Timestamps;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * sudo's own records of host elevation, from syslog (classic lines and {@code @cee:} JSON) or sudo's JSON event log
 * (log_format=json, sudo_logsrvd). An accepted command is a short privileged session on its host: SESSION START as
 * the run-as account, the COMMAND, and an END when sudo reports the exit. A refused one (not in sudoers, wrong
 * password, command not allowed) is an ELEVATION DENIED. Other lines of the log are skipped.
 */
public final class SudoNormalizer implements Normalizer {
    public static final String FORMAT = "sudo";
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CEE = "@cee:";

    private final SyslogYear year;

    public SudoNormalizer() {
        this(SyslogYear.fromConfiguration());
    }

    public SudoNormalizer(SyslogYear year) {
        this.year = year;
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<PrivilegedEvent> normalize(RawRecord record) throws InvalidRecordException {
        String text = new String(record.payload, StandardCharsets.UTF_8).strip();
        if (text.startsWith("{")) {
            return fromJson(text, null);
        }
        SyslogLine line = SyslogLine.parse(text, year);
        if (line.tag() == null || !line.tag().equals("sudo")) {
            return List.of();
        }
        String message = line.message().strip();
        if (message.startsWith(CEE)) {
            return fromJson(message.substring(CEE.length()), line.host());
        }
        int colon = message.indexOf(" : ");
        if (colon <= 0 || message.startsWith("pam_")) {
            // pam_unix session and auth notes, "unable to resolve host", ...: the command line says what matters.
            return List.of();
        }
        String user = message.substring(0, colon).strip();
        SudoLogFields f = SudoLogFields.parse(message.substring(colon + 3));
        String command = f.get("COMMAND");
        if (command == null || user.isEmpty() || user.contains(" ")) {
            return List.of();
        }
        String host = f.get("HOST") != null ? f.get("HOST") : line.host();
        String digest = EventIds.digest(text);
        Invocation inv = new Invocation(line.time(), user, PrincipalKind.HUMAN, host, f.get("USER"), tty(f.get("TTY")),
                command, exitCode(f.get("EXIT")), f.get("TSID") != null,
                f.get("TSID") != null ? "sudo:" + host + ":" + f.get("TSID") : "sudo:" + digest, "sudo:" + digest);
        if (!f.problems().isEmpty()) {
            return List.of(denied(inv, String.join("; ", f.problems())));
        }
        return accepted(inv, f.get("EXIT") != null);
    }

    /** One sudo invocation, whichever rendering it came from. */
    private record Invocation(long time, String user, PrincipalKind kind, String host, String runAs, String tty,
                              String command, Integer exitCode, boolean recorded, String sessionId, String eventId) {}

    private List<PrivilegedEvent> fromJson(String text, String syslogHost) throws InvalidRecordException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(JsonErrors.reason(e));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRecordException("not a sudo JSON event (expected an object)");
        }
        if (root.has("sudo") && root.get("sudo").isObject()) {
            root = root.get("sudo");
        }
        String kind = "accept";
        JsonNode ev = root;
        for (String k : new String[] {"accept", "reject", "exit", "alert", "reject", "error"}) {
            if (root.has(k) && root.get(k).isObject()) {
                kind = k;
                ev = root.get(k);
                break;
            }
        }
        if ("alert".equals(kind) || "error".equals(kind)) {
            return List.of();
        }
        String user = text(ev, "submituser");
        if (user == null) {
            throw new InvalidRecordException("sudo JSON event without submituser");
        }
        long time = time(ev);
        String host = first(text(ev, "submithost"), syslogHost);
        if (host == null) {
            throw new InvalidRecordException("sudo JSON event without submithost");
        }
        String uuid = text(ev, "uuid");
        String digest = uuid != null ? uuid : EventIds.digest(text);
        Long submitUid = ev.hasNonNull("submituid") && ev.get("submituid").canConvertToLong() ? ev.get("submituid").asLong() : null;
        // sudo's only hint that a machine account asked: a uid in the system range (below 1000).
        PrincipalKind principalKind = submitUid != null && submitUid > 0 && submitUid < 1000 ? PrincipalKind.SERVICE : PrincipalKind.HUMAN;
        Integer exit = ev.hasNonNull("exit_value") && ev.get("exit_value").canConvertToInt() ? ev.get("exit_value").asInt() : null;
        Invocation inv = new Invocation(time, user, principalKind, host, first(text(ev, "runuser"), text(ev, "runuid")),
                tty(text(ev, "ttyname")), command(ev), exit,
                ev.hasNonNull("iolog_path") || ev.hasNonNull("iolog_file"), "sudo:" + digest, "sudo:" + digest);
        switch (kind) {
            case "reject":
                return List.of(denied(inv, first(text(ev, "reason"), "rejected")));
            case "exit":
                return List.of(session(inv, Action.END, ":end").build());
            default:
                if (inv.command() == null) {
                    throw new InvalidRecordException("sudo JSON event without command");
                }
                return accepted(inv, exit != null);
        }
    }

    private static List<PrivilegedEvent> accepted(Invocation inv, boolean ended) {
        List<PrivilegedEvent> out = new ArrayList<>(3);
        out.add(session(inv, Action.START, ":start").build());
        out.add(session(inv, Action.COMMAND, ":command").setCommand(inv.command()).setExitCode(inv.exitCode()).build());
        if (ended) {
            out.add(session(inv, Action.END, ":end").build());
        }
        return out;
    }

    private static PrivilegedEvent.Builder session(Invocation inv, Action action, String suffix) {
        return PrivilegedEvent.newBuilder()
                .setEventId(inv.eventId() + suffix)
                .setEventTime(inv.time())
                .setSource(FORMAT)
                .setType(EventType.SESSION)
                .setAction(action)
                .setPrincipal(principal(inv))
                .setSessionId(inv.sessionId())
                .setTarget(inv.host())
                .setAccount(inv.runAs() == null ? "root" : inv.runAs())
                .setProtocol("sudo")
                .setInteractive(inv.tty() != null)
                .setRecorded(inv.recorded());
    }

    private static PrivilegedEvent denied(Invocation inv, String problem) {
        String runAs = inv.runAs() == null ? "root" : inv.runAs();
        return PrivilegedEvent.newBuilder()
                .setEventId(inv.eventId() + ":denied")
                .setEventTime(inv.time())
                .setSource(FORMAT)
                .setType(EventType.ELEVATION)
                .setAction(Action.DENIED)
                .setPrincipal(principal(inv))
                .setRequestId(inv.eventId())
                .setRole("sudo:" + runAs)
                .setScope(List.of(inv.host()))
                .setReason(inv.command() == null ? problem : problem + ": " + inv.command())
                .build();
    }

    private static Principal principal(Invocation inv) {
        return Principal.newBuilder().setId("sudo:" + inv.user()).setKind(inv.kind()).build();
    }

    /** submit_time (when the user ran sudo), else server_time or timestamp; {seconds, nanoseconds} or iso8601. */
    private static long time(JsonNode ev) throws InvalidRecordException {
        for (String k : new String[] {"submit_time", "timestamp", "server_time"}) {
            JsonNode t = ev.get(k);
            if (t == null || t.isNull()) {
                continue;
            }
            if (t.hasNonNull("seconds") && t.get("seconds").canConvertToLong()) {
                return Timestamps.ofEpoch(t.get("seconds").asLong(), t.path("nanoseconds").asLong(0));
            }
            if (t.hasNonNull("iso8601")) {
                String iso = t.get("iso8601").asText();
                if (iso.matches("\\d{14}Z")) {
                    iso = iso.substring(0, 4) + "-" + iso.substring(4, 6) + "-" + iso.substring(6, 8) + "T"
                            + iso.substring(8, 10) + ":" + iso.substring(10, 12) + ":" + iso.substring(12);
                }
                return Timestamps.parse(iso, k + ".iso8601");
            }
        }
        throw new InvalidRecordException("sudo JSON event without submit_time, timestamp or server_time");
    }

    /** The command path with its arguments (runargv[0] is the name the user typed; the path is what ran). */
    private static String command(JsonNode ev) {
        String path = text(ev, "command");
        JsonNode argv = ev.get("runargv");
        if (argv == null || !argv.isArray() || argv.isEmpty()) {
            return path;
        }
        StringBuilder b = new StringBuilder(path != null ? path : argv.get(0).asText());
        for (int i = 1; i < argv.size(); i++) {
            b.append(' ').append(argv.get(i).asText());
        }
        return b.toString().strip();
    }

    private static String tty(String tty) {
        if (tty == null || tty.isBlank() || "unknown".equals(tty) || "(none)".equals(tty)) {
            return null;
        }
        return tty.startsWith("/dev/") ? tty.substring(5) : tty;
    }

    private static Integer exitCode(String exit) {
        if (exit == null) {
            return null;
        }
        try {
            return Integer.parseInt(exit.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }



    /** A syslog line written by sudo, an {@code @cee:} record of sudo, or a record of sudo's JSON event log. */
    @Override
    public boolean recognizes(String firstRecord) {
        String t = firstRecord.strip();
        if (t.startsWith("{")) {
            return t.contains("\"submituser\"") && (t.contains("\"runuser\"") || t.contains("\"command\""));
        }
        return SUDO_LINE.matcher(t).find();
    }

    private static final java.util.regex.Pattern SUDO_LINE =
            java.util.regex.Pattern.compile("\\ssudo(\\[\\d+])?:\\s+\\S+\\s*:\\s*(TTY|PWD|USER|COMMAND|.*incorrect password)");
}
