package dev.vigil.connectors.normalize.cyberark;

import static dev.vigil.connectors.normalize.support.ProductJson.text;
import static dev.vigil.connectors.normalize.support.ProductJson.first;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.connectors.normalize.text.CefRecord;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One Vault audit record, read from either syslog rendering the Vault's XSL translators produce: CEF (the fields
 * under their CEF names) or JSON (the audit_record's own names). Both come down to the same handful of facts.
 */
record VaultAuditRecord(String messageId, String action, String issuer, String station, String safe, String file,
                        String targetUser, String sourceUser, String requestId, String ticketId, String reason,
                        String message, Map<String, String> extraDetails, Map<String, String> properties,
                        String isoTimestamp, String product) {

    static VaultAuditRecord fromCef(CefRecord cef) {
        Map<String, String> labelled = new HashMap<>();
        // csN/cnN carry their meaning in csNLabel; CyberArk's labels are fixed but read them rather than assume.
        for (Map.Entry<String, String> e : cef.extension().entrySet()) {
            String key = e.getKey();
            if (isCustomField(key) && cef.get(key) != null) {
                String label = cef.extension().get(key + "Label");
                labelled.put(label == null ? key : label.toLowerCase(Locale.ROOT), cef.get(key));
            }
        }
        String msg = cef.get("msg");
        return new VaultAuditRecord(cef.signatureId(), first(cef.get("act"), cef.name()), cef.get("suser"),
                first(cef.get("shost"), cef.get("src"), cef.get("sourceip")), labelled.get("safe name"), cef.get("fname"),
                cef.get("duser"), labelled.get("affected user name"), labelled.get("request id"),
                labelled.get("ticket id"), cef.get("reason"), msg, merged(extraDetails(msg), extraDetails(labelled.get("other info"))),
                Map.of("Address", nullToEmpty(cef.get("dhost")), "DeviceType", nullToEmpty(labelled.get("device type")),
                        "Database", nullToEmpty(labelled.get("database"))),
                cef.get("rt"), cef.product());
    }

    static VaultAuditRecord fromJson(JsonNode r) {
        Map<String, String> props = new HashMap<>();
        JsonNode ca = r.path("CAProperties");
        JsonNode list = ca.path("CAProperty");
        if (list.isArray()) {
            for (JsonNode p : list) {
                props.put(p.path("Name").asText(), p.path("Value").asText());
            }
        } else if (list.isObject()) {
            props.put(list.path("Name").asText(), list.path("Value").asText());
        } else if (ca.isObject()) {
            ca.fields().forEachRemaining(f -> props.put(f.getKey(), f.getValue().asText()));
        }
        String extra = text(r, "ExtraDetails");
        return new VaultAuditRecord(text(r, "MessageID"), first(text(r, "Action"), text(r, "Desc"), text(r, "Message")),
                text(r, "Issuer"), first(text(r, "Station"), text(r, "GatewayStation")), text(r, "Safe"), text(r, "File"),
                text(r, "TargetUser"), text(r, "SourceUser"), text(r, "RequestId"), null, text(r, "Reason"),
                text(r, "Message"), extraDetails(extra), props,
                first(text(r, "IsoTimestamp"), text(r, "Timestamp")), first(text(r, "Product"), "Vault"));
    }

    /** cs1..cs6 and cn1..cn3: CEF's custom string and number fields. */
    private static boolean isCustomField(String key) {
        return key.length() == 3 && key.charAt(0) == 'c' && (key.charAt(1) == 's' || key.charAt(1) == 'n')
                && Character.isDigit(key.charAt(2));
    }

    /** {@code k=v;k=v;} pairs (PSM's session facts: SessionID, DstHost, Protocol, PSMID, Command, ...). */
    static Map<String, String> extraDetails(String text) {
        Map<String, String> out = new HashMap<>();
        if (text == null || text.indexOf('=') < 0) {
            return out;
        }
        for (String pair : text.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                String v = pair.substring(eq + 1).trim();
                if (!v.isEmpty()) {
                    out.put(pair.substring(0, eq).trim().toLowerCase(Locale.ROOT), v);
                }
            }
        }
        return out;
    }

    private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
        a.putAll(b);
        return a;
    }

    String extra(String key) {
        return extraDetails.get(key.toLowerCase(Locale.ROOT));
    }

    String property(String key) {
        String v = properties.get(key);
        return v == null || v.isBlank() ? null : v;
    }


    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

}
