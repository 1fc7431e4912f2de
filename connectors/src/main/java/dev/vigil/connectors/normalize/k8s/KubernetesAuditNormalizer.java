package dev.vigil.connectors.normalize.k8s;

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
import dev.vigil.connectors.normalize.text.Timestamps;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.InvalidRecordException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Kubernetes API server audit events (audit.k8s.io/v1, one per line, or an EventList) to canonical events: exec
 * and attach into pods (SESSION START with the command, END when the stream closes), reads of secrets (SECRET
 * READ/LIST, DENIED when refused), and bindings of cluster-admin (ELEVATION ACTIVATED for each subject, DENIED when
 * the API server refused the binding). Everything else is skipped.
 */
public final class KubernetesAuditNormalizer implements Normalizer {
    public static final String FORMAT = "k8s";
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CLUSTER_ADMIN = "cluster-admin";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<PrivilegedEvent> normalize(RawRecord record) throws InvalidRecordException {
        String text = new String(record.payload, StandardCharsets.UTF_8);
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(JsonErrors.reason(e));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRecordException("not a Kubernetes audit event (expected a JSON object)");
        }
        List<PrivilegedEvent> out = new ArrayList<>();
        if ("EventList".equals(root.path("kind").asText())) {
            for (JsonNode item : root.path("items")) {
                normalizeOne(item, EventIds.digest(item.toString()), out);
            }
            return out;
        }
        normalizeOne(root, EventIds.digest(text), out);
        return out;
    }

    private static void normalizeOne(JsonNode ev, String digest, List<PrivilegedEvent> out) throws InvalidRecordException {
        if (!ev.has("verb") || !ev.path("objectRef").isObject() && !ev.has("requestURI")) {
            throw new InvalidRecordException("not a Kubernetes audit event (no verb or objectRef)");
        }
        String stage = text(ev, "stage");
        if ("RequestReceived".equals(stage) || "Panic".equals(stage)) {
            // The decision and outcome come with the later stages.
            return;
        }
        JsonNode ref = ev.path("objectRef");
        String resource = text(ref, "resource");
        String subresource = text(ref, "subresource");
        String verb = text(ev, "verb");
        if (resource == null || verb == null) {
            return;
        }
        int code = ev.path("responseStatus").path("code").asInt(0);
        if ("pods".equals(resource) && ("exec".equals(subresource) || "attach".equals(subresource))) {
            podSession(ev, digest, stage, code, subresource, out);
        } else if ("secrets".equals(resource) && (verb.equals("get") || verb.equals("list") || verb.equals("watch"))) {
            if (!"ResponseStarted".equals(stage)) {
                secretAccess(ev, digest, stage, verb, code, out);
            }
        } else if (("clusterrolebindings".equals(resource) || "rolebindings".equals(resource)) && verb.equals("create")) {
            if (!"ResponseStarted".equals(stage)) {
                binding(ev, digest, stage, code, resource, out);
            }
        }
    }

    /** kubectl exec/attach: the API server logs 101 Switching Protocols at ResponseStarted and again when it ends. */
    private static void podSession(JsonNode ev, String digest, String stage, int code, String kind,
                                   List<PrivilegedEvent> out) throws InvalidRecordException {
        if (!allowed(code)) {
            return;
        }
        JsonNode ref = ev.path("objectRef");
        String ns = text(ref, "namespace");
        String pod = text(ref, "name");
        QueryString q = QueryString.of(text(ev, "requestURI"));
        String command = q.all("command").isEmpty() ? null : String.join(" ", q.all("command"));
        boolean tty = "true".equals(q.first("tty"));
        boolean stdin = "true".equals(q.first("stdin"));
        String sessionId = "k8s:" + first(text(ev, "auditID"), digest);
        boolean end = "ResponseComplete".equals(stage);
        PrivilegedEvent.Builder e = base(ev, digest, EventType.SESSION, end ? Action.END : Action.START, stage)
                .setSessionId(sessionId)
                .setTarget(target(ns, pod))
                .setProtocol("kubectl " + kind)
                .setInteractive(tty || stdin)
                .setCommand(end ? null : command);
        if (end && text(ev, "stageTimestamp") != null) {
            // The stream closed when the API server logged the request complete, not when it arrived.
            e.setEventTime(Timestamps.parse(text(ev, "stageTimestamp"), "stageTimestamp"));
        }
        out.add(e.build());
        if (!end && command != null) {
            out.add(base(ev, digest, EventType.SESSION, Action.COMMAND, stage)
                    .setSessionId(sessionId)
                    .setTarget(target(ns, pod))
                    .setProtocol("kubectl " + kind)
                    .setInteractive(tty || stdin)
                    .setCommand(command)
                    .build());
        }
    }

    private static void secretAccess(JsonNode ev, String digest, String stage, String verb, int code,
                                     List<PrivilegedEvent> out) throws InvalidRecordException {
        JsonNode ref = ev.path("objectRef");
        String ns = text(ref, "namespace");
        String name = text(ref, "name");
        Action action = !allowed(code) ? Action.DENIED : verb.equals("get") ? Action.READ : Action.LIST;
        out.add(base(ev, digest, EventType.SECRET, action, stage)
                .setSecretId(name == null ? null : (ns == null ? "" : ns + "/") + name)
                .setStore("k8s:" + (ns == null ? "*" : ns))
                .build());
    }

    /** A binding to cluster-admin elevates each of its subjects; whoever created it granted that. */
    private static void binding(JsonNode ev, String digest, String stage, int code, String resource,
                                List<PrivilegedEvent> out) throws InvalidRecordException {
        JsonNode obj = ev.path("requestObject");
        if (!obj.isObject()) {
            obj = ev.path("responseObject");
        }
        JsonNode roleRef = obj.path("roleRef");
        if (!CLUSTER_ADMIN.equals(text(roleRef, "name"))) {
            // Needs audit level Request or higher to see the roleRef; without it there is nothing to judge.
            return;
        }
        JsonNode ref = ev.path("objectRef");
        String ns = text(ref, "namespace");
        String bindingName = first(text(ref, "name"), text(obj.path("metadata"), "name"));
        boolean cluster = "clusterrolebindings".equals(resource);
        Principal granter = actor(ev);
        int i = 0;
        for (JsonNode s : obj.path("subjects")) {
            String subject = subjectId(s);
            if (subject == null) {
                continue;
            }
            String requestId = "k8s:" + first(text(ev, "auditID"), digest) + (i == 0 ? "" : ":" + i);
            out.add(base(ev, digest, EventType.ELEVATION, allowed(code) ? Action.ACTIVATED : Action.DENIED, stage)
                    .setEventId("k8s:" + first(text(ev, "auditID"), digest) + ":" + stageName(stage) + ":binding:" + i)
                    .setPrincipal(Principal.newBuilder().setId(subject)
                            .setKind("ServiceAccount".equals(text(s, "kind")) || subject.startsWith("k8s:system:")
                                    ? PrincipalKind.SERVICE : PrincipalKind.HUMAN).build())
                    .setRequestId(requestId)
                    .setRole(CLUSTER_ADMIN)
                    .setScope(List.of(cluster || ns == null ? "*" : ns + "/*"))
                    .setApprover(granter.getId())
                    .setReason((cluster ? "clusterrolebinding " : "rolebinding ") + (ns == null ? "" : ns + "/") + first(bindingName, "?")
                            + " created by " + granter.getId())
                    .setWindowStart(allowed(code) ? timeOf(ev) : null)
                    .build());
            i++;
        }
    }

    private static String subjectId(JsonNode s) {
        String kind = text(s, "kind");
        String name = text(s, "name");
        if (name == null) {
            return null;
        }
        if ("ServiceAccount".equals(kind)) {
            return "k8s:system:serviceaccount:" + first(text(s, "namespace"), "default") + ":" + name;
        }
        if ("Group".equals(kind)) {
            return "k8s:group:" + name;
        }
        return "k8s:" + name;
    }

    private static PrivilegedEvent.Builder base(JsonNode ev, String digest, EventType type, Action action, String stage)
            throws InvalidRecordException {
        return PrivilegedEvent.newBuilder()
                .setEventId("k8s:" + first(text(ev, "auditID"), digest) + ":" + stageName(stage) + ":"
                        + action.name().toLowerCase(Locale.ROOT))
                .setEventTime(timeOf(ev))
                .setSource(FORMAT)
                .setType(type)
                .setAction(action)
                .setPrincipal(actor(ev));
    }

    /**
     * The user the API server authenticated. {@code system:serviceaccount:*}, nodes and the control plane's own
     * {@code system:} users are services; anonymous and people are not.
     */
    static Principal actor(JsonNode ev) throws InvalidRecordException {
        String user = text(ev.path("user"), "username");
        if (user == null) {
            throw new InvalidRecordException("Kubernetes audit event without user.username");
        }
        PrincipalKind kind = user.startsWith("system:") && !user.equals("system:anonymous")
                ? PrincipalKind.SERVICE : PrincipalKind.HUMAN;
        JsonNode ips = ev.path("sourceIPs");
        String ip = ips.isArray() && !ips.isEmpty() ? ips.get(0).asText() : null;
        return Principal.newBuilder().setId("k8s:" + user).setKind(kind).setSourceIp(ip).build();
    }

    private static long timeOf(JsonNode ev) throws InvalidRecordException {
        String t = first(text(ev, "requestReceivedTimestamp"), text(ev, "stageTimestamp"), text(ev, "timestamp"));
        if (t == null) {
            throw new InvalidRecordException("Kubernetes audit event without requestReceivedTimestamp or stageTimestamp");
        }
        return Timestamps.parse(t, "requestReceivedTimestamp");
    }

    private static boolean allowed(int code) {
        return code == 0 || code == 101 || (code >= 200 && code < 300);
    }

    private static String stageName(String stage) {
        return stage == null ? "event" : stage.toLowerCase(Locale.ROOT);
    }

    private static String target(String ns, String pod) {
        return (ns == null ? "" : ns + "/") + (pod == null ? "?" : pod);
    }



    /** The query string of a request URI: exec's command arrives as repeated {@code command=} parameters. */
    record QueryString(List<String[]> pairs) {
        static QueryString of(String uri) {
            List<String[]> pairs = new ArrayList<>();
            if (uri != null && uri.indexOf('?') >= 0) {
                for (String p : uri.substring(uri.indexOf('?') + 1).split("&")) {
                    int eq = p.indexOf('=');
                    String k = eq < 0 ? p : p.substring(0, eq);
                    String v = eq < 0 ? "" : p.substring(eq + 1);
                    pairs.add(new String[] {decode(k), decode(v)});
                }
            }
            return new QueryString(pairs);
        }

        private static String decode(String s) {
            try {
                return URLDecoder.decode(s, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return s;
            }
        }

        List<String> all(String key) {
            List<String> out = new ArrayList<>();
            for (String[] p : pairs) {
                if (p[0].equals(key)) {
                    out.add(p[1]);
                }
            }
            return out;
        }

        String first(String key) {
            for (String[] p : pairs) {
                if (p[0].equals(key)) {
                    return p[1];
                }
            }
            return null;
        }
    }

    /** An event of the Kubernetes API server's audit log (audit.k8s.io). */
    @Override
    public boolean recognizes(String firstRecord) {
        String t = firstRecord.strip();
        return t.startsWith("{") && t.contains("\"verb\"") && (t.contains("\"auditID\"") || t.contains("audit.k8s.io"))
                && t.replace(" ", "").contains("\"kind\":\"Event\"");
    }
}
