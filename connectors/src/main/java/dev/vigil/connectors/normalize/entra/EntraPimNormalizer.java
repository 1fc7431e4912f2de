package dev.vigil.connectors.normalize.entra;

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
import dev.vigil.connectors.normalize.text.Timestamps;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Microsoft Entra ID audit records (Graph directoryAudit, the Azure Monitor / Event Hub export, Log Analytics rows)
 * to ELEVATION events: the PIM life cycle of a role assignment, requested to expired. Every other audit activity
 * is skipped. A line may hold one record or an Event Hub batch ({@code {"records":[...]}}) or a Graph page
 * ({@code {"value":[...]}}).
 */
public final class EntraPimNormalizer implements Normalizer {
    public static final String FORMAT = "entra";
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<PrivilegedEvent> normalize(RawRecord record) throws InvalidRecordException {
        JsonNode root;
        try {
            root = JSON.readTree(new String(record.payload, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(JsonErrors.reason(e));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRecordException("not an Entra audit record (expected a JSON object)");
        }
        JsonNode batch = root.has("records") ? root.get("records") : root.get("value");
        List<PrivilegedEvent> out = new ArrayList<>();
        if (batch != null) {
            if (!batch.isArray()) {
                throw new InvalidRecordException("'records' is not an array");
            }
            for (JsonNode r : batch) {
                if (!r.isObject()) {
                    throw new InvalidRecordException("a batch element is not a JSON object");
                }
                normalizeOne(new EntraRecord(r), out);
            }
            return out;
        }
        normalizeOne(new EntraRecord(root), out);
        return out;
    }

    private static void normalizeOne(EntraRecord r, List<PrivilegedEvent> out) throws InvalidRecordException {
        String activity = r.text("activityDisplayName");
        if (activity == null) {
            activity = r.text("operationName");
        }
        if (activity == null) {
            throw new InvalidRecordException("not an Entra audit record (no activityDisplayName or operationName)");
        }
        Action action = PimActivity.action(activity, r.text("loggedByService"));
        if (action == null) {
            return;
        }
        String result = r.text("result");
        if (result != null && !"success".equalsIgnoreCase(result) && action != Action.DENIED) {
            // A PIM step that failed changed no privilege.
            return;
        }
        String time = r.text("activityDateTime");
        if (time == null) {
            time = r.text("time");
        }
        long eventTime = Timestamps.parse(time, "activityDateTime");
        Map<String, String> details = r.details();

        JsonNode initiatedBy = r.node("initiatedBy");
        Actor actor = Actor.of(initiatedBy);
        Actor subject = targetUser(r.node("targetResources"));
        // The principal is whoever gets the privilege: the target user, who is also the actor when activating for
        // oneself; an approver, an administrator assigning the role, or PIM itself acts on the target's behalf.
        Actor requester = subject != null ? subject : actor;
        if (requester == null) {
            throw new InvalidRecordException("PIM record without initiatedBy or target user");
        }
        String approver = null;
        boolean grantedByActor = action == Action.APPROVED || action == Action.DENIED
                || (action == Action.ACTIVATED && PimActivity.isAssignment(activity));
        if (grantedByActor && actor != null && !actor.platform()) {
            approver = actor.id();
        }
        String role = targetOfType(r.node("targetResources"), "Role");
        String requestId = first(details.get("requestid"), details.get("roleassignmentrequestid"),
                targetIdOfType(r.node("targetResources"), "Request"), r.text("correlationId"), r.text("id"));
        if (requestId == null) {
            throw new InvalidRecordException("PIM record without a request id or correlationId");
        }
        String id = r.text("id");
        boolean selfAction = actor != null && requester.id().equals(actor.id());
        String sourceIp = selfAction ? first(actor.ip(), details.get("ipaddr"), r.text("callerIpAddress")) : null;

        PrivilegedEvent.Builder e = PrivilegedEvent.newBuilder()
                .setEventId("entra:" + (id != null ? id : requestId) + ":" + action.name().toLowerCase(Locale.ROOT)
                        + (out.isEmpty() ? "" : ":" + out.size()))
                .setEventTime(eventTime)
                .setSource(FORMAT)
                .setType(EventType.ELEVATION)
                .setAction(action)
                .setPrincipal(Principal.newBuilder().setId(requester.id()).setKind(requester.kind())
                        .setSourceIp(sourceIp).build())
                .setRequestId(requestId)
                .setRole(role)
                .setApprover(approver)
                .setReason(first(details.get("justification"), r.text("resultReason")))
                .setTicket(ticket(details));
        String tenant = first(r.text("tenantId"), targetIdOfType(r.node("targetResources"), "Directory"));
        if (tenant != null) {
            e.setScope(List.of("entra:" + tenant));
        }
        if (action == Action.APPROVED || action == Action.ACTIVATED) {
            Long start = optionalTime(details.get("starttime"));
            Long end = optionalTime(details.get("expirationtime"));
            if (start != null && end != null && end <= start) {
                throw new InvalidRecordException("ExpirationTime is not after StartTime");
            }
            e.setWindowStart(start != null ? start : eventTime).setWindowEnd(end);
        }
        out.add(e.build());
    }

    private static String ticket(Map<String, String> details) {
        String number = details.get("ticketnumber");
        if (number == null) {
            return null;
        }
        String system = details.get("ticketsystem");
        return system == null ? number : system + ":" + number;
    }

    private static Long optionalTime(String text) throws InvalidRecordException {
        return text == null ? null : Timestamps.parse(text, "PIM window time");
    }

    private static Actor targetUser(JsonNode targets) {
        for (JsonNode t : targets) {
            String type = t.path("type").asText("");
            if ("User".equalsIgnoreCase(type)) {
                String upn = first(text(t, "userPrincipalName"), text(t, "displayName"), text(t, "id"));
                return upn == null ? null : new Actor("entra:" + upn, PrincipalKind.HUMAN, null, false);
            }
            if ("ServicePrincipal".equalsIgnoreCase(type)) {
                String name = first(text(t, "id"), text(t, "displayName"));
                return name == null ? null : new Actor("entra:app:" + name, PrincipalKind.SERVICE, null, false);
            }
        }
        return null;
    }

    private static String targetOfType(JsonNode targets, String type) {
        for (JsonNode t : targets) {
            if (type.equalsIgnoreCase(t.path("type").asText(""))) {
                return first(text(t, "displayName"), text(t, "id"));
            }
        }
        return null;
    }

    private static String targetIdOfType(JsonNode targets, String type) {
        for (JsonNode t : targets) {
            if (type.equalsIgnoreCase(t.path("type").asText(""))) {
                return text(t, "id");
            }
        }
        return null;
    }



    /** Who initiated a record: a user, an application, or PIM itself (a platform identity, never an approver). */
    record Actor(String id, PrincipalKind kind, String ip, boolean platform) {
        static Actor of(JsonNode initiatedBy) {
            JsonNode user = initiatedBy.path("user");
            if (user.isObject()) {
                String upn = first(text(user, "userPrincipalName"), text(user, "id"), text(user, "displayName"));
                if (upn != null) {
                    return new Actor("entra:" + upn, PrincipalKind.HUMAN, text(user, "ipAddress"), false);
                }
            }
            JsonNode app = initiatedBy.path("app");
            if (app.isObject()) {
                String name = first(text(app, "displayName"), text(app, "servicePrincipalId"), text(app, "appId"));
                if (name != null) {
                    boolean platform = name.equalsIgnoreCase("MS-PIM") || name.toLowerCase(Locale.ROOT).contains("azure ad pim");
                    String id = first(text(app, "servicePrincipalId"), name);
                    return new Actor("entra:app:" + id, PrincipalKind.SERVICE, null, platform);
                }
            }
            return null;
        }
    }

    /** Graph directoryAudit records, Azure Monitor records of category AuditLogs and Log Analytics AuditLogs rows. */
    @Override
    public boolean recognizes(String firstRecord) {
        String t = firstRecord.strip();
        return t.startsWith("{") && (t.contains("\"activityDisplayName\"") || t.contains("\"loggedByService\"")
                || t.contains("\"LoggedByService\"") || (t.contains("\"operationName\"") && t.contains("\"AuditLogs\"")));
    }
}
