package dev.vigil.connectors.normalize.cyberark;

import static dev.vigil.connectors.normalize.support.ProductJson.first;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.normalize.Normalizer;
import dev.vigil.connectors.normalize.text.JsonErrors;
import dev.vigil.connectors.normalize.text.CefRecord;
import dev.vigil.connectors.normalize.support.EventIds;
import dev.vigil.connectors.normalize.text.SyslogLine;
import dev.vigil.connectors.normalize.text.SyslogYear;
import dev.vigil.connectors.normalize.text.Timestamps;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * CyberArk PAS Vault audit records as the Vault's syslog sends them, in CEF or JSON: password retrievals
 * (SECRET CHECKOUT), PSM sessions (SESSION START/END), PSM keystroke and SQL command logging (SESSION COMMAND)
 * and CPM credential management (SECRET ROTATE). Logons, safe administration and PTA messages are skipped.
 */
public final class CyberArkNormalizer implements Normalizer {
    public static final String FORMAT = "cyberark";
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SyslogYear year;

    public CyberArkNormalizer() {
        this(SyslogYear.fromConfiguration());
    }

    public CyberArkNormalizer(SyslogYear year) {
        this.year = year;
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<PrivilegedEvent> normalize(RawRecord record) throws InvalidRecordException {
        String line = new String(record.payload, StandardCharsets.UTF_8).strip();
        Long headerTime = null;
        String host = null;
        String message = line;
        if (!line.startsWith("{") && !line.startsWith("CEF:")) {
            SyslogLine syslog = SyslogLine.parse(line, year);
            headerTime = syslog.time();
            host = syslog.host();
            message = syslog.message();
            if (syslog.tag() != null && !message.startsWith("CEF:") && !message.startsWith("{")) {
                // Some forwarders put a program tag before the payload.
                int cef = message.indexOf("CEF:");
                int json = message.indexOf('{');
                message = cef >= 0 ? message.substring(cef) : json >= 0 ? message.substring(json) : message;
            }
        }
        VaultAuditRecord r;
        if (message.startsWith("CEF:")) {
            CefRecord cef = CefRecord.parse(message);
            if (!cef.vendor().toLowerCase(Locale.ROOT).replace("-", "").contains("cyberark")) {
                throw new InvalidRecordException("not a CyberArk CEF message (vendor '" + cef.vendor() + "')");
            }
            r = VaultAuditRecord.fromCef(cef);
        } else if (message.startsWith("{")) {
            r = VaultAuditRecord.fromJson(auditRecord(message));
        } else {
            throw new InvalidRecordException("not a CyberArk Vault message (neither CEF nor JSON)");
        }
        if (r.product() == null || !r.product().toLowerCase(Locale.ROOT).contains("vault")) {
            // PTA, PSM health and other components' messages: not vault audit records.
            return List.of();
        }
        VaultActivity activity = VaultActivity.of(r.messageId(), r.action());
        if (activity == null) {
            return List.of();
        }
        long time = eventTime(r, headerTime);
        if (r.issuer() == null) {
            throw new InvalidRecordException("Vault audit record " + r.messageId() + " without an issuer (suser)");
        }
        String eventId = "cyberark:" + EventIds.digest(line);
        PrivilegedEvent.Builder e = PrivilegedEvent.newBuilder()
                .setEventId(eventId)
                .setEventTime(time)
                .setSource(FORMAT)
                .setType(activity.type())
                .setAction(activity.action())
                .setPrincipal(Principal.newBuilder().setId("cyberark:" + r.issuer()).setKind(kindOf(r.issuer()))
                        .setSourceIp(ip(r.station())).build());
        if (r.requestId() != null) {
            e.setRequestIds(List.of("cyberark:" + r.requestId()));
        }
        if (activity.action() != Action.ROTATE) {
            // A user's stated reason and ticket for using the account; CPM records put its own notes in these fields.
            e.setReason(r.reason()).setTicket(r.ticketId());
        }
        if (activity.type() == EventType.SECRET) {
            if (r.file() == null && r.safe() == null) {
                throw new InvalidRecordException("Vault audit record " + r.messageId() + " without safe or account object");
            }
            e.setSecretId(r.file()).setStore(r.safe()).setSessionId(sessionId(r, false));
        } else {
            e.setSessionId(sessionId(r, true))
                    .setTarget(first(r.extra("DstHost"), r.property("Address"), r.extra("Address")))
                    .setAccount(first(r.targetUser(), r.property("UserName"), r.extra("User")))
                    .setProtocol(protocol(r))
                    .setInteractive(true);
            if (activity.action() == Action.COMMAND) {
                String command = first(r.extra("Command"), r.extra("Query"),
                        r.message() != null && r.message().indexOf('=') < 0 ? r.message() : null);
                if (command == null) {
                    throw new InvalidRecordException("PSM command record without a command");
                }
                e.setCommand(command).setRecorded(true);
            }
        }
        return List.of(e.build());
    }

    private static JsonNode auditRecord(String message) throws InvalidRecordException {
        JsonNode root;
        try {
            root = JSON.readTree(message);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(JsonErrors.reason(e));
        }
        JsonNode r = root.path("syslog").path("audit_record");
        if (r.isMissingNode()) {
            r = root.path("audit_record");
        }
        if (r.isMissingNode()) {
            r = root;
        }
        if (!r.isObject() || !r.has("MessageID")) {
            throw new InvalidRecordException("not a CyberArk audit record (no MessageID)");
        }
        return r;
    }

    private static long eventTime(VaultAuditRecord r, Long headerTime) throws InvalidRecordException {
        String iso = r.isoTimestamp();
        if (iso != null) {
            if (iso.matches("\\d{12,14}")) {
                return Long.parseLong(iso);
            }
            try {
                return Timestamps.parse(iso, "IsoTimestamp");
            } catch (InvalidRecordException e) {
                if (headerTime == null) {
                    throw e;
                }
            }
        }
        if (headerTime == null) {
            throw new InvalidRecordException("Vault audit record without a time (no syslog header, IsoTimestamp or rt)");
        }
        return headerTime;
    }

    /**
     * PSM's own session id when it reports one; otherwise the issuer, target and account, which is what ties a
     * connect to its disconnect. Secret use outside a PSM session has none.
     */
    private static String sessionId(VaultAuditRecord r, boolean required) {
        String id = first(r.extra("SessionID"), r.extra("SessionGUID"), r.extra("PSMID"));
        if (id != null) {
            return "cyberark:" + id;
        }
        if (!required) {
            return null;
        }
        return "cyberark:" + r.issuer() + "@" + first(r.extra("DstHost"), r.property("Address"), "?")
                + "/" + first(r.targetUser(), r.property("UserName"), "?");
    }

    private static String protocol(VaultAuditRecord r) {
        String p = r.extra("Protocol");
        if (p != null) {
            return p.toLowerCase(Locale.ROOT);
        }
        return "359".equals(r.messageId()) ? "db" : null;
    }

    /**
     * CyberArk's component users are services: the CPM (PasswordManager...), credential providers (Prov_...), the
     * PSM and PVWA application and gateway users, and the Vault's own batch and backup users.
     */
    static PrincipalKind kindOf(String issuer) {
        String i = issuer.toLowerCase(Locale.ROOT);
        boolean component = i.startsWith("passwordmanager") || i.startsWith("prov_") || i.startsWith("psmapp_")
                || i.startsWith("psmgw_") || i.startsWith("pvwaapp") || i.startsWith("pvwagw")
                || i.equals("batch") || i.equals("backup") || i.equals("dr") || i.startsWith("aimwebservice");
        return component ? PrincipalKind.SERVICE : PrincipalKind.HUMAN;
    }

    private static String ip(String station) {
        if (station == null || station.isBlank() || "0.0.0.0".equals(station)) {
            return null;
        }
        return station;
    }

    /** A CEF line of the CyberArk Vault (with or without a syslog header), or its JSON audit_record. */
    @Override
    public boolean recognizes(String firstRecord) {
        String t = firstRecord.strip();
        int cef = t.indexOf("CEF:");
        if (cef >= 0) {
            String header = t.substring(cef, Math.min(t.length(), cef + 64)).toLowerCase(java.util.Locale.ROOT).replace("-", "");
            return header.contains("|cyberark|");
        }
        return t.startsWith("{") && t.contains("\"audit_record\"");
    }
}
