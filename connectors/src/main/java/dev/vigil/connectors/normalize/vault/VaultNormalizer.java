package dev.vigil.connectors.normalize.vault;

import static dev.vigil.connectors.normalize.support.ProductJson.at;
import static dev.vigil.connectors.normalize.support.ProductJson.firstText;
import static dev.vigil.connectors.normalize.support.ProductJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.normalize.Normalizer;
import dev.vigil.connectors.normalize.support.EventIds;
import dev.vigil.connectors.normalize.support.EventTimes;
import dev.vigil.connectors.normalize.support.ProductJson;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.InvalidRecordException;
import java.util.List;
import java.util.Locale;

/**
 * HashiCorp Vault audit device entries (file, socket or syslog device; one JSON object a line). Only responses
 * are read: each carries its request and its outcome, so no request has to be held until its response comes.
 * Key/value reads and lists, dynamic credential checkouts (any response with a lease), lease revocations and
 * "permission denied" answers become SECRET events; everything else is skipped.
 *
 * <p>Values in the entry are HMAC'd by the audit device ({@code hmac-sha256:...}); Vigil reads only what Vault
 * leaves in clear: paths, operations, mounts, display names, metadata, policies, addresses and times.
 */
public final class VaultNormalizer implements Normalizer {
    public static final String FORMAT = "vault";
    static final String SOURCE = "vault";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<PrivilegedEvent> normalize(RawRecord record) throws InvalidRecordException {
        JsonNode e = ProductJson.parseObject(record.payload, "Vault audit");
        String type = text(e, "type");
        JsonNode request = at(e, "request");
        if (type == null || !request.isObject()) {
            throw new InvalidRecordException("not a Vault audit entry: no 'type' or 'request'");
        }
        if (!type.equals("response")) {
            // The request half (and KMIP entries): the response that follows carries the same request.
            return List.of();
        }
        String path = text(request, "path");
        String operation = lower(text(request, "operation"));
        if (path == null || operation == null) {
            throw new InvalidRecordException("Vault response without request.path or request.operation");
        }
        String error = text(e, "error");
        if (error != null) {
            return isPermissionDenied(error) ? List.of(denied(e, request, path, record.payload)) : List.of();
        }
        String mountPoint = text(request, "mount_point");
        String mountType = lower(firstText(text(request, "mount_type"), text(e, "response", "mount_type")));
        String leaseId = text(e, "response", "secret", "lease_id");

        if (path.startsWith("sys/leases/revoke/") || path.startsWith("sys/revoke/")) {
            return revocation(e, request, path, record.payload);
        }
        if (leaseId != null && (operation.equals("read") || operation.equals("update") || operation.equals("create"))) {
            return List.of(checkout(e, request, path, mountPoint, record.payload));
        }
        if ("kv".equals(mountType) || "generic".equals(mountType)) {
            return keyValue(e, request, path, operation, mountPoint, record.payload);
        }
        return List.of();
    }

    /** A JSON object shaped like an audit device entry: {@code type} request or response, a {@code request} with a path. */
    @Override
    public boolean recognizes(String firstRecord) {
        String t = firstRecord.strip();
        if (!t.startsWith("{") || !t.contains("\"request\"")) {
            return false;
        }
        JsonNode e = ProductJson.tryParseObject(t);
        String type = text(e, "type");
        return ("request".equals(type) || "response".equals(type)) && text(e, "time") != null
                && at(e, "request").isObject() && text(e, "request", "id") != null;
    }

    /**
     * kv v2 keeps a secret's value under {@code <mount>data/<path>} and its versions under
     * {@code <mount>metadata/<path>}; both name the same secret, {@code <mount><path>}, which is what users call it.
     * Reading metadata reveals no value and is skipped; listing it is a LIST.
     */
    private List<PrivilegedEvent> keyValue(JsonNode e, JsonNode request, String path, String operation,
                                           String mountPoint, byte[] payload) throws InvalidRecordException {
        String mount = mountPoint == null ? "" : mountPoint;
        String rest = path.startsWith(mount) ? path.substring(mount.length()) : path;
        boolean v2Metadata = rest.startsWith("metadata/");
        String secretId = kvSecretId(path, mountPoint);
        Action action;
        if (operation.equals("list")) {
            action = Action.LIST;
        } else if (operation.equals("read") && !v2Metadata) {
            action = Action.READ;
        } else {
            return List.of();
        }
        return List.of(secret(e, request, action, secretId, storeOf(mountPoint, path), payload).build());
    }

    /**
     * A dynamic secret (database, AWS, any engine that leases what it hands out) is a checkout. The audit entry
     * keeps the lease id but not its duration; engines that report a {@code ttl} in their response (static
     * database roles, AWS STS) give the credential's expiry as the window end.
     */
    private PrivilegedEvent checkout(JsonNode e, JsonNode request, String path, String mountPoint, byte[] payload)
            throws InvalidRecordException {
        PrivilegedEvent.Builder b = secret(e, request, Action.CHECKOUT, path, storeOf(mountPoint, path), payload);
        Long ttl = seconds(at(e, "response", "data", "ttl"));
        if (ttl == null) {
            ttl = seconds(at(e, "response", "data", "lease_duration"));
        }
        if (ttl != null && ttl > 0) {
            b.setWindowStart(b.getEventTime());
            b.setWindowEnd(b.getEventTime() + ttl * 1000);
        }
        return b.build();
    }

    /** Revoking a lease by its id in the path checks the credential back in: the id starts with the creds path. */
    private List<PrivilegedEvent> revocation(JsonNode e, JsonNode request, String path, byte[] payload)
            throws InvalidRecordException {
        String leaseId = path.substring(path.indexOf("revoke/") + "revoke/".length());
        int last = leaseId.lastIndexOf('/');
        if (last <= 0) {
            return List.of();
        }
        String secretId = leaseId.substring(0, last);
        int firstSlash = secretId.indexOf('/');
        String store = firstSlash < 0 ? secretId : secretId.substring(0, firstSlash + 1);
        return List.of(secret(e, request, Action.CHECKIN, secretId, store, payload).build());
    }

    private PrivilegedEvent denied(JsonNode e, JsonNode request, String path, byte[] payload)
            throws InvalidRecordException {
        String mountPoint = text(request, "mount_point");
        String mountType = lower(text(request, "mount_type"));
        String secretId = "kv".equals(mountType) || "generic".equals(mountType) ? kvSecretId(path, mountPoint) : path;
        return secret(e, request, Action.DENIED, secretId, storeOf(mountPoint, path), payload).build();
    }

    /** {@code <mount>data/<path>} and {@code <mount>metadata/<path>} (kv v2) both name {@code <mount><path>}. */
    private static String kvSecretId(String path, String mountPoint) {
        String mount = mountPoint == null ? "" : mountPoint;
        String rest = path.startsWith(mount) ? path.substring(mount.length()) : path;
        if (rest.startsWith("data/")) {
            return mount + rest.substring("data/".length());
        }
        if (rest.startsWith("metadata/")) {
            return mount + rest.substring("metadata/".length());
        }
        return path;
    }

    private PrivilegedEvent.Builder secret(JsonNode e, JsonNode request, Action action, String secretId, String store,
                                           byte[] payload) throws InvalidRecordException {
        // Paths and mounts in a namespace are written relative to it; the namespace makes them unique.
        String namespace = namespace(request);
        return PrivilegedEvent.newBuilder()
                .setEventId(EventIds.of(SOURCE, text(request, "id"), payload))
                .setEventTime(EventTimes.parse(text(e, "time"), "time"))
                .setSource(SOURCE)
                .setType(EventType.SECRET)
                .setAction(action)
                .setPrincipal(principal(e, request))
                .setSecretId(namespace + secretId)
                .setStore(namespace + store);
    }

    /**
     * The token's display name, qualified by namespace outside the root one; a request Vault could not tie to a
     * token (a missing or invalid one) is attributed to its address.
     */
    private static Principal principal(JsonNode e, JsonNode request) {
        JsonNode auth = at(e, "auth");
        String displayName = text(auth, "display_name");
        String remote = text(request, "remote_address");
        String namespace = namespace(request);
        String name = firstText(displayName, text(auth, "entity_id"));
        if (name == null) {
            return Principal.newBuilder().setId(SOURCE + ":unauthenticated@" + firstText(remote, "unknown"))
                    .setKind(PrincipalKind.SERVICE).setSourceIp(remote).build();
        }
        String roleName = text(auth, "metadata", "role_name");
        if (roleName != null && displayName != null && displayName.equals(VaultAuthMethods.method(displayName))) {
            // AppRole tokens are all displayed as "approle": the role tells one workload from another.
            name = displayName + "-" + roleName;
        }
        String qualified = namespace + name;
        return Principal.newBuilder()
                .setId(SOURCE + ":" + qualified)
                .setKind(VaultAuthMethods.kind(displayName, at(auth, "metadata")))
                .setSourceIp(remote)
                .build();
    }

    /** The namespace path with its trailing slash ({@code team-a/}), or empty in the root namespace. */
    private static String namespace(JsonNode request) {
        String path = text(request, "namespace", "path");
        if (path == null || path.equals("root") || path.equals("/")) {
            return "";
        }
        return path.endsWith("/") ? path : path + "/";
    }

    private static String storeOf(String mountPoint, String path) {
        if (mountPoint != null) {
            return mountPoint;
        }
        int slash = path.indexOf('/');
        return slash < 0 ? path : path.substring(0, slash + 1);
    }

    static boolean isPermissionDenied(String error) {
        String lower = error.toLowerCase(Locale.ROOT);
        return lower.contains("permission denied");
    }

    private static Long seconds(JsonNode n) {
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        if (n.isTextual() && n.textValue().matches("\\d{1,10}")) {
            return Long.valueOf(n.textValue());
        }
        return null;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
