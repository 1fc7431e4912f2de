package dev.vigil.connectors.normalize.auditd;

import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.normalize.Normalizer;
import dev.vigil.connectors.normalize.text.AuditRecord;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Raw Linux audit records (audit.log lines) to SESSION events: PAM sessions (USER_START / USER_END), the commands
 * sudo reports (USER_CMD), and programs executed under another identity than the one that logged in (an EXECVE
 * whose SYSCALL has {@code auid != uid}: su, sudo, setuid programs). A refused sudo command is an ELEVATION DENIED.
 * Every other record type is skipped.
 *
 * <p>An exec event spans several lines sharing one serial; this normalizer pairs the SYSCALL and EXECVE halves
 * itself (bounded state per input stream, see {@link PendingExecs}) and emits the command with the second half.
 * The other lines of the event are skipped.
 */
public final class AuditdNormalizer implements Normalizer {
    public static final String FORMAT = "auditd";
    private static final long serialVersionUID = 1L;

    private final String defaultHost;
    private transient PendingExecs pending;

    public AuditdNormalizer() {
        this(setting("vigil.auditd.host", "VIGIL_AUDITD_HOST"));
    }

    /** @param defaultHost the host records without {@code node=} come from; null = "localhost" */
    public AuditdNormalizer(String defaultHost) {
        this.defaultHost = defaultHost == null ? "localhost" : defaultHost;
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    @Override
    public String format() {
        return FORMAT;
    }

    private synchronized PendingExecs pending() {
        if (pending == null) {
            pending = new PendingExecs();
        }
        return pending;
    }

    @Override
    public List<PrivilegedEvent> normalize(RawRecord record) throws InvalidRecordException {
        AuditRecord r = AuditRecord.parse(new String(record.payload, StandardCharsets.UTF_8).strip());
        switch (r.type()) {
            case "SYSCALL", "EXECVE" -> {
                PendingExecs.Parts parts = pending().add(stream(record.origin), r);
                return parts == null ? List.of() : exec(parts.syscall, parts.execve);
            }
            case "EOE" -> {
                pending().end(stream(record.origin), r);
                return List.of();
            }
            case "USER_CMD" -> {
                return userCommand(r);
            }
            case "USER_START" -> {
                return pamSession(r, Action.START);
            }
            case "USER_END" -> {
                return pamSession(r, Action.END);
            }
            default -> {
                return List.of();
            }
        }
    }

    /** A command run as another user than the one who logged in. */
    private List<PrivilegedEvent> exec(AuditRecord syscall, AuditRecord execve) {
        String auid = syscall.raw("auid");
        String uid = syscall.raw("uid");
        String euid = syscall.raw("euid");
        if (auid == null || AuditRecord.UNSET.equals(auid) || (auid.equals(uid) && (euid == null || auid.equals(euid)))) {
            return List.of();
        }
        String command = arguments(execve);
        if (command == null) {
            return List.of();
        }
        String runAs = euid != null && !euid.equals(auid) ? euid : uid;
        String accountName = runAs.equals(euid) ? syscall.text("EUID") : syscall.text("UID");
        String tty = syscall.text("tty");
        return List.of(base(syscall, Action.COMMAND, ":exec")
                .setPrincipal(principal(syscall, null))
                .setAccount(account(runAs, accountName))
                .setCommand(command)
                .setInteractive(tty != null)
                .build());
    }

    /** sudo's own audit record of a command it ran (or refused). */
    private List<PrivilegedEvent> userCommand(AuditRecord r) {
        String command = r.text("cmd");
        if (command == null) {
            return List.of();
        }
        String res = r.text("res");
        if (res != null && (res.equals("failed") || res.equals("0"))) {
            return List.of(PrivilegedEvent.newBuilder()
                    .setEventId("auditd:" + r.eventKey() + ":denied")
                    .setEventTime(r.epochMillis())
                    .setSource(FORMAT)
                    .setType(EventType.ELEVATION)
                    .setAction(Action.DENIED)
                    .setPrincipal(principal(r, null))
                    .setRequestId("auditd:" + r.eventKey())
                    .setRole("sudo")
                    .setScope(List.of(host(r)))
                    .setReason("sudo refused: " + command)
                    .build());
        }
        String terminal = terminal(r.text("terminal"));
        return List.of(base(r, Action.COMMAND, ":cmd")
                .setPrincipal(principal(r, terminal))
                .setCommand(command)
                .setProtocol("sudo")
                .setInteractive(terminal != null && !"cron".equals(terminal))
                .build());
    }

    /** A PAM session opened or closed (sshd, login, su, sudo, cron). */
    private List<PrivilegedEvent> pamSession(AuditRecord r, Action action) {
        String res = r.text("res");
        if (res != null && !res.equals("success") && !res.equals("1")) {
            return List.of();
        }
        String terminal = terminal(r.text("terminal"));
        String addr = r.text("addr");
        PrivilegedEvent.Builder e = base(r, action, action == Action.START ? ":start" : ":end")
                .setPrincipal(principal(r, terminal, addr))
                .setAccount(r.text("acct"))
                .setProtocol(protocol(r.text("exe"), terminal))
                .setInteractive(terminal != null && !"cron".equals(terminal));
        return List.of(e.build());
    }

    private PrivilegedEvent.Builder base(AuditRecord r, Action action, String suffix) {
        return PrivilegedEvent.newBuilder()
                .setEventId("auditd:" + r.eventKey() + suffix)
                .setEventTime(r.epochMillis())
                .setSource(FORMAT)
                .setType(EventType.SESSION)
                .setAction(action)
                .setPrincipal(principal(r, null))
                .setSessionId(sessionId(r))
                .setTarget(host(r));
    }

    private String host(AuditRecord r) {
        return r.node() != null ? r.node() : defaultHost;
    }

    /** The login session (ses) on its host; a process outside any login session stands alone by pid. */
    private String sessionId(AuditRecord r) {
        String ses = r.raw("ses");
        if (ses != null && !AuditRecord.UNSET.equals(ses)) {
            return "auditd:" + host(r) + ":ses:" + ses;
        }
        return "auditd:" + host(r) + ":pid:" + r.raw("pid") + ":" + r.serial();
    }

    private static Principal principal(AuditRecord r, String terminal) {
        return principal(r, terminal, null);
    }

    /**
     * The login user (auid), by name when auditd enriched the record (AUID="alice"), else by number. A record with
     * no login user (daemons) or from cron is a service acting, named by its uid.
     */
    private static Principal principal(AuditRecord r, String terminal, String addr) {
        String auid = r.raw("auid");
        boolean loggedIn = auid != null && !AuditRecord.UNSET.equals(auid);
        String number = loggedIn ? auid : r.raw("uid");
        String name = loggedIn ? r.text("AUID") : r.text("UID");
        String id = "auditd:" + (name != null && !name.equals("unset") ? name : number == null ? "unknown" : "uid/" + number);
        PrincipalKind kind = loggedIn && !"cron".equals(terminal) ? PrincipalKind.HUMAN : PrincipalKind.SERVICE;
        return Principal.newBuilder().setId(id).setKind(kind).setSourceIp(ip(addr)).build();
    }

    private static String account(String uid, String name) {
        if (name != null) {
            return name;
        }
        return "0".equals(uid) ? "root" : "uid/" + uid;
    }

    /** EXECVE's a0..a(argc-1), each decoded; null when the record carries none. */
    static String arguments(AuditRecord execve) {
        Long argc = execve.number("argc");
        StringBuilder b = new StringBuilder();
        int n = argc == null ? Integer.MAX_VALUE : argc.intValue();
        for (int i = 0; i < n; i++) {
            String a = execve.text("a" + i);
            if (a == null) {
                if (argc == null) {
                    break;
                }
                continue;
            }
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(a);
        }
        return b.length() == 0 ? null : b.toString();
    }

    private static String terminal(String t) {
        if (t == null || t.equals("?") || t.equals("(none)")) {
            return null;
        }
        return t.startsWith("/dev/") ? t.substring(5) : t;
    }

    private static String protocol(String exe, String terminal) {
        if ("ssh".equals(terminal)) {
            return "ssh";
        }
        if (exe == null) {
            return null;
        }
        String name = exe.substring(exe.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return switch (name) {
            case "sshd" -> "ssh";
            case "login", "gdm-session-worker", "lightdm" -> "console";
            case "cron", "crond" -> "cron";
            default -> name;
        };
    }

    private static String ip(String addr) {
        return addr == null || addr.equals("?") || addr.isBlank() ? null : addr;
    }

    /** The input stream a record came from: its file or partition, without the line or offset. */
    static String stream(String origin) {
        if (origin == null) {
            return "";
        }
        int cut = Math.max(origin.lastIndexOf(':'), origin.lastIndexOf('/'));
        if (cut > 0 && origin.substring(cut + 1).chars().allMatch(Character::isDigit)) {
            return origin.substring(0, cut);
        }
        return origin;
    }

    /** A raw audit.log line: {@code type=... msg=audit(<time>:<serial>): ...}, possibly behind a node= or syslog prefix. */
    @Override
    public boolean recognizes(String firstRecord) {
        String t = firstRecord.strip();
        return t.contains("type=") && t.contains("msg=audit(");
    }
}
