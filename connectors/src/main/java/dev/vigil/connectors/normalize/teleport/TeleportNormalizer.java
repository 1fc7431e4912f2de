package dev.vigil.connectors.normalize.teleport;

import static dev.vigil.connectors.normalize.support.ProductJson.at;
import static dev.vigil.connectors.normalize.support.ProductJson.bool;
import static dev.vigil.connectors.normalize.support.ProductJson.firstText;
import static dev.vigil.connectors.normalize.support.ProductJson.integer;
import static dev.vigil.connectors.normalize.support.ProductJson.strings;
import static dev.vigil.connectors.normalize.support.ProductJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.normalize.Normalizer;
import dev.vigil.connectors.normalize.support.EventIds;
import dev.vigil.connectors.normalize.support.EventTimes;
import dev.vigil.connectors.normalize.support.ProductJson;
import dev.vigil.connectors.normalize.support.SourceAddresses;
import dev.vigil.connectors.normalize.support.Tickets;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.InvalidRecordException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Teleport audit events (one JSON object a line, as the audit log, the event handler plugin and {@code tctl}
 * export them): access requests become ELEVATION, certificates issued with active requests become their
 * activation, SSH, Kubernetes and database sessions, commands and execs become SESSION. Everything else
 * (logins, resource changes, network and disk events) is skipped.
 */
public final class TeleportNormalizer implements Normalizer {
    public static final String FORMAT = "teleport";
    static final String SOURCE = "teleport";
    /** Teleport's {@code user_kind} for a Machine ID bot (1 is a human). */
    private static final int USER_KIND_BOT = 2;

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<PrivilegedEvent> normalize(RawRecord record) throws InvalidRecordException {
        JsonNode e = ProductJson.parseObject(record.payload, "Teleport");
        String event = text(e, "event");
        if (event == null) {
            throw new InvalidRecordException("not a Teleport audit event: no 'event' field");
        }
        String id = EventIds.of(SOURCE, text(e, "uid"), record.payload);
        return switch (event) {
            case "access_request.create" -> requestCreated(e, id);
            case "access_request.review" -> requestReviewed(e, id);
            case "access_request.update" -> requestUpdated(e, id);
            case "access_request.expire" -> requestExpired(e, id);
            case "cert.create" -> certificateIssued(e, id);
            case "session.start", "session.join" -> List.of(session(e, id, Action.START).build());
            case "session.end", "session.leave" -> List.of(session(e, id, Action.END).build());
            case "session.command" -> List.of(enhancedCommand(e, id));
            case "exec" -> List.of(exec(e, id));
            case "db.session.start" -> List.of(dbSession(e, id, Action.START).build());
            case "db.session.end" -> List.of(dbSession(e, id, Action.END).build());
            case "db.session.query" -> List.of(dbQuery(e, id));
            default -> List.of();
        };
    }

    /** A JSON object with Teleport's {@code event} name and its event {@code code} (T1000I, TC000I, T5002I, ...). */
    @Override
    public boolean recognizes(String firstRecord) {
        String t = firstRecord.strip();
        if (!t.startsWith("{") || !t.contains("\"event\"") || !t.contains("\"code\"")) {
            return false;
        }
        JsonNode e = ProductJson.tryParseObject(t);
        String code = text(e, "code");
        return text(e, "event") != null && text(e, "time") != null && code != null
                && code.matches("(?i)T[A-Z0-9]{3,6}[IWE]");
    }

    // --- access requests -------------------------------------------------------------------------------------

    private List<PrivilegedEvent> requestCreated(JsonNode e, String id) throws InvalidRecordException {
        String state = upper(text(e, "state"));
        Action action = "DENIED".equals(state) ? Action.DENIED : Action.REQUESTED;
        String reason = text(e, "reason");
        PrivilegedEvent.Builder b = elevation(e, id, action, requestPrincipal(e))
                .setRole(joined(strings(e, "roles")))
                .setScope(scope(e))
                .setReason(reason)
                .setTicket(Tickets.find(reason));
        return List.of(b.build());
    }

    /**
     * A review names its reviewer but not the requester (Teleport writes no {@code user} on it). It is emitted
     * only once it decided the request: a review that leaves the request pending is one vote, not an approval.
     */
    private List<PrivilegedEvent> requestReviewed(JsonNode e, String id) throws InvalidRecordException {
        String state = upper(firstText(text(e, "state"), text(e, "proposed_state")));
        Action action = decision(state);
        if (action == null) {
            return List.of();
        }
        String reviewer = text(e, "reviewer");
        PrivilegedEvent.Builder b = elevation(e, id, action, requestPrincipal(e))
                .setApprover(reviewer == null ? null : SOURCE + ":" + reviewer)
                .setReason(text(e, "reason"))
                .setTicket(Tickets.find(text(e, "reason")));
        if (action == Action.APPROVED) {
            window(b, e);
        }
        return List.of(b.build());
    }

    private List<PrivilegedEvent> requestUpdated(JsonNode e, String id) throws InvalidRecordException {
        Action action = decision(upper(text(e, "state")));
        if (action == null) {
            return List.of();
        }
        // A plugin (Slack, PagerDuty, Jira) updates as its own bot user on behalf of the person who decided.
        String by = firstText(text(e, "delegator"), text(e, "updated_by"));
        PrivilegedEvent.Builder b = elevation(e, id, action, requestPrincipal(e))
                .setApprover(by == null ? null : SOURCE + ":" + by)
                .setRole(joined(strings(e, "roles")))
                .setReason(text(e, "reason"));
        if (action == Action.APPROVED) {
            window(b, e);
        }
        return List.of(b.build());
    }

    private List<PrivilegedEvent> requestExpired(JsonNode e, String id) throws InvalidRecordException {
        return List.of(elevation(e, id, Action.EXPIRED, requestPrincipal(e)).build());
    }

    /**
     * A user certificate that carries active access requests is the moment the requester assumed them: one
     * ACTIVATED per request, valid until the certificate expires. Certificates without requests are routine.
     */
    private List<PrivilegedEvent> certificateIssued(JsonNode e, String id) throws InvalidRecordException {
        JsonNode identity = at(e, "identity");
        List<String> requests = strings(identity, "active_requests");
        String user = firstText(text(identity, "user"), text(e, "user"));
        if (requests.isEmpty() || user == null) {
            return List.of();
        }
        long t = time(e);
        Long expires = optionalTime(text(identity, "expires"), "identity.expires");
        Principal principal = principal(user, kindOf(e, identity, user), text(identity, "client_ip"));
        List<PrivilegedEvent> out = new ArrayList<>(requests.size());
        for (String requestId : requests) {
            out.add(PrivilegedEvent.newBuilder()
                    .setEventId(requests.size() == 1 ? id : id + "#" + requestId)
                    .setEventTime(t)
                    .setSource(SOURCE)
                    .setType(EventType.ELEVATION)
                    .setAction(Action.ACTIVATED)
                    .setPrincipal(principal)
                    .setRequestId(requestId)
                    .setWindowStart(t)
                    .setWindowEnd(expires != null && expires > t ? expires : null)
                    .build());
        }
        return out;
    }

    private static Action decision(String state) {
        if ("APPROVED".equals(state)) {
            return Action.APPROVED;
        }
        if ("DENIED".equals(state)) {
            return Action.DENIED;
        }
        return null;
    }

    /** The approved window: from the decision until the access expiry Teleport writes as {@code expires}. */
    private void window(PrivilegedEvent.Builder b, JsonNode e) throws InvalidRecordException {
        Long expires = optionalTime(text(e, "expires"), "expires");
        b.setWindowStart(b.getEventTime());
        if (expires != null && expires > b.getEventTime()) {
            b.setWindowEnd(expires);
        }
    }

    /**
     * The requester, when the event names one ({@code user} on create; some exports add it to the others).
     * Reviews, updates and expiries written by Teleport name only the request: they are attributed to a
     * principal standing for "the requester of this request", never to the reviewer, so an approval can never
     * put a grant in the reviewer's name; a {@code user} that is the reviewer or updater is not taken for the
     * requester either.
     */
    private PrincipalSpec requestPrincipal(JsonNode e) {
        String user = text(e, "user");
        boolean isDecider = user != null && !"access_request.create".equals(text(e, "event"))
                && (user.equals(text(e, "reviewer")) || user.equals(text(e, "updated_by"))
                        || user.equals(text(e, "delegator")));
        if (user != null && !isDecider) {
            return new PrincipalSpec(user, kindOf(e, at(e, "identity"), user), null);
        }
        return new PrincipalSpec("requester-of:" + text(e, "id"), PrincipalKind.HUMAN, null);
    }

    private PrivilegedEvent.Builder elevation(JsonNode e, String id, Action action, PrincipalSpec p)
            throws InvalidRecordException {
        String requestId = text(e, "id");
        if (requestId == null) {
            throw new InvalidRecordException(text(e, "event") + " without request id ('id')");
        }
        return PrivilegedEvent.newBuilder()
                .setEventId(id)
                .setEventTime(time(e))
                .setSource(SOURCE)
                .setType(EventType.ELEVATION)
                .setAction(action)
                .setPrincipal(principal(p.user, p.kind, p.sourceIp))
                .setRequestId(requestId);
    }

    /**
     * A resource request covers the resources it names; a role request covers whatever the roles reach, which
     * Teleport decides and Vigil cannot see, so its scope is {@code *}.
     */
    private static List<String> scope(JsonNode e) {
        List<String> names = new ArrayList<>();
        JsonNode resources = at(e, "resource_ids");
        if (resources.isArray()) {
            for (JsonNode r : resources) {
                String name = text(r, "name");
                if (name != null) {
                    names.add(name);
                }
            }
        }
        return names.isEmpty() ? List.of("*") : names;
    }

    // --- sessions --------------------------------------------------------------------------------------------

    private PrivilegedEvent.Builder session(JsonNode e, String id, Action action) throws InvalidRecordException {
        String hostname = firstText(text(e, "server_hostname"), text(e, "kubernetes_cluster"));
        String target = action == Action.START ? firstText(hostname, text(e, "server_id")) : hostname;
        String recording = text(e, "session_recording");
        return sessionBase(e, id, action)
                .setTarget(target)
                .setAccount(firstText(text(e, "login"), text(e, "kubernetes_users", "0")))
                .setProtocol(protocol(e))
                .setInteractive(interactive(e))
                .setRecorded(recording == null ? null : !"off".equalsIgnoreCase(recording))
                .setRequestIds(strings(e, "access_requests"));
    }

    private PrivilegedEvent enhancedCommand(JsonNode e, String id) throws InvalidRecordException {
        List<String> argv = strings(e, "argv");
        String program = firstText(text(e, "path"), text(e, "program"));
        if (program == null) {
            throw new InvalidRecordException("session.command without path or program");
        }
        StringBuilder command = new StringBuilder(program);
        for (String arg : argv) {
            command.append(' ').append(arg);
        }
        return sessionBase(e, id, Action.COMMAND)
                .setTarget(text(e, "server_hostname"))
                .setAccount(text(e, "login"))
                .setCommand(command.toString())
                .setExitCode(integer(e, "return_code"))
                .setRequestIds(strings(e, "access_requests"))
                .build();
    }

    /** A command run without a shell ({@code tsh ssh host cmd}); older Teleport gives it no session id. */
    private PrivilegedEvent exec(JsonNode e, String id) throws InvalidRecordException {
        String command = text(e, "command");
        if (command == null) {
            throw new InvalidRecordException("exec without command");
        }
        return sessionBase(e, id, Action.COMMAND)
                .setSessionId(firstText(text(e, "sid"), "exec:" + id.substring(SOURCE.length() + 1)))
                .setTarget(firstText(text(e, "server_hostname"), text(e, "kubernetes_cluster")))
                .setAccount(text(e, "login"))
                .setProtocol(protocol(e))
                .setInteractive(Boolean.FALSE)
                .setCommand(command)
                .setExitCode(integer(e, "exitCode"))
                .setRequestIds(strings(e, "access_requests"))
                .build();
    }

    private PrivilegedEvent.Builder dbSession(JsonNode e, String id, Action action) throws InvalidRecordException {
        return sessionBase(e, id, action)
                .setTarget(firstText(text(e, "db_service"), text(e, "db_uri")))
                .setAccount(text(e, "db_user"))
                .setProtocol("db")
                .setInteractive(Boolean.TRUE)
                .setRequestIds(strings(e, "access_requests"));
    }

    private PrivilegedEvent dbQuery(JsonNode e, String id) throws InvalidRecordException {
        String query = text(e, "db_query");
        if (query == null) {
            throw new InvalidRecordException("db.session.query without db_query");
        }
        return sessionBase(e, id, Action.COMMAND)
                .setTarget(text(e, "db_service"))
                .setAccount(text(e, "db_user"))
                .setProtocol("db")
                .setCommand(query)
                .setRequestIds(strings(e, "access_requests"))
                .build();
    }

    private PrivilegedEvent.Builder sessionBase(JsonNode e, String id, Action action) throws InvalidRecordException {
        String user = text(e, "user");
        if (user == null) {
            throw new InvalidRecordException(text(e, "event") + " without user");
        }
        String remote = firstText(text(e, "addr.remote"), text(e, "addr_remote"), text(e, "addr", "remote"));
        return PrivilegedEvent.newBuilder()
                .setEventId(id)
                .setEventTime(time(e))
                .setSource(SOURCE)
                .setType(EventType.SESSION)
                .setAction(action)
                .setPrincipal(principal(user, kindOf(e, at(e, "identity"), user), SourceAddresses.hostOnly(remote)))
                .setSessionId(text(e, "sid"));
    }

    private static String protocol(JsonNode e) {
        String proto = text(e, "proto");
        if (proto == null) {
            return text(e, "kubernetes_cluster") != null ? "kubectl" : "ssh";
        }
        return proto.equalsIgnoreCase("kube") ? "kubectl" : proto.toLowerCase(Locale.ROOT);
    }

    /** Teleport writes {@code interactive} on newer sessions; older ones show a command given up front. */
    private static Boolean interactive(JsonNode e) {
        Boolean flag = bool(e, "interactive");
        if (flag != null) {
            return flag;
        }
        JsonNode initial = at(e, "initial_command");
        if (initial.isArray()) {
            return strings(e, "initial_command").isEmpty();
        }
        return null;
    }

    // --- principals and time ---------------------------------------------------------------------------------

    private record PrincipalSpec(String user, PrincipalKind kind, String sourceIp) {}

    private static Principal principal(String user, PrincipalKind kind, String sourceIp) {
        return Principal.newBuilder().setId(SOURCE + ":" + user).setKind(kind).setSourceIp(sourceIp).build();
    }

    /**
     * Machine ID bots are services: {@code user_kind} 2 (or USER_KIND_BOT) where Teleport writes it, else a
     * bot name, or Teleport's naming of bot users ({@code bot-<name>}) on the user or the impersonator.
     */
    static PrincipalKind kindOf(JsonNode e, JsonNode identity, String user) {
        String kind = text(e, "user_kind");
        if (kind != null) {
            if (kind.equals(String.valueOf(USER_KIND_BOT)) || kind.equalsIgnoreCase("USER_KIND_BOT")) {
                return PrincipalKind.SERVICE;
            }
            if (kind.equals("1") || kind.equalsIgnoreCase("USER_KIND_HUMAN")) {
                return PrincipalKind.HUMAN;
            }
        }
        if (text(e, "bot_name") != null || text(identity, "bot_name") != null) {
            return PrincipalKind.SERVICE;
        }
        String impersonator = firstText(text(e, "impersonator"), text(identity, "impersonator"));
        if ((user != null && user.startsWith("bot-")) || (impersonator != null && impersonator.startsWith("bot-"))) {
            return PrincipalKind.SERVICE;
        }
        return PrincipalKind.HUMAN;
    }

    private static long time(JsonNode e) throws InvalidRecordException {
        return EventTimes.parse(text(e, "time"), "time");
    }

    private static Long optionalTime(String value, String field) throws InvalidRecordException {
        return value == null ? null : EventTimes.parse(value, field);
    }

    private static String upper(String s) {
        return s == null ? null : s.toUpperCase(Locale.ROOT);
    }

    private static String joined(List<String> items) {
        return items.isEmpty() ? null : String.join(",", items);
    }
}
