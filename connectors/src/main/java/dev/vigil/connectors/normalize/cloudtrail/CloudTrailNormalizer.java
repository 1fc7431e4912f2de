package dev.vigil.connectors.normalize.cloudtrail;

import static dev.vigil.connectors.normalize.support.ProductJson.at;
import static dev.vigil.connectors.normalize.support.ProductJson.bool;
import static dev.vigil.connectors.normalize.support.ProductJson.firstText;
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
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.InvalidRecordException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.DateTimeException;
import java.time.Month;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * AWS CloudTrail records, one a line, or a whole CloudTrail log file ({@code {"Records":[...]}}) on one line.
 * Role assumption and IAM Identity Center account assignments become ELEVATION, Secrets Manager and decrypted
 * Parameter Store reads become SECRET, console sign-ins become SESSION starts; denied attempts at any of these
 * become DENIED. Every other API call is skipped.
 */
public final class CloudTrailNormalizer implements Normalizer {
    public static final String FORMAT = "cloudtrail";
    static final String SOURCE = "cloudtrail";
    /**
     * How STS writes {@code credentials.expiration} in CloudTrail: "Sep 14, 2020, 1:45:40 AM", in UTC. Read
     * leniently (comma after the year optional, hour 0 or 12 for the first hour of a half-day) because exports
     * and re-serialized copies vary.
     */
    private static final Pattern STS_EXPIRATION =
            Pattern.compile("([A-Za-z]{3}) (\\d{1,2}), (\\d{4}),? (\\d{1,2}):(\\d{2}):(\\d{2}) ([AaPp][Mm])");
    private static final Pattern DENIED_RESOURCE = Pattern.compile("on resource: (\\S+)");
    private static final DateTimeFormatter MONTHS = DateTimeFormatter.ofPattern("MMM", Locale.ENGLISH);

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<PrivilegedEvent> normalize(RawRecord record) throws InvalidRecordException {
        JsonNode root = ProductJson.parseObject(record.payload, "CloudTrail");
        JsonNode records = root.path("Records");
        if (records.isArray()) {
            List<PrivilegedEvent> out = new ArrayList<>();
            int i = 0;
            for (JsonNode r : records) {
                try {
                    out.addAll(normalizeOne(r, null));
                } catch (InvalidRecordException e) {
                    throw new InvalidRecordException("Records[" + i + "]: " + e.getMessage());
                }
                i++;
            }
            return out;
        }
        return normalizeOne(root, record.payload);
    }

    /** A record (or a log file's {@code Records}) with an AWS {@code eventSource} and an {@code eventName}. */
    @Override
    public boolean recognizes(String firstRecord) {
        String t = firstRecord.strip();
        if (!t.startsWith("{") || !t.contains("\"eventSource\"")) {
            return false;
        }
        JsonNode root = ProductJson.tryParseObject(t);
        JsonNode r = root.path("Records").isArray() ? root.path("Records").path(0) : root;
        String source = text(r, "eventSource");
        return source != null && source.endsWith(".amazonaws.com") && text(r, "eventName") != null
                && (text(r, "eventTime") != null || text(r, "@timestamp") != null);
    }

    private List<PrivilegedEvent> normalizeOne(JsonNode r, byte[] payload) throws InvalidRecordException {
        if (!r.isObject()) {
            throw new InvalidRecordException("not a CloudTrail record: not a JSON object");
        }
        String source = text(r, "eventSource");
        String name = text(r, "eventName");
        if (source == null || name == null) {
            throw new InvalidRecordException("not a CloudTrail record: no eventSource or eventName");
        }
        String errorCode = text(r, "errorCode");
        if (errorCode != null && !isDenial(errorCode)) {
            // Throttling, validation, expired tokens, missing resources: nothing was granted, read or denied.
            return List.of();
        }
        return switch (source + " " + name) {
            case "sts.amazonaws.com AssumeRole", "sts.amazonaws.com AssumeRoleWithSAML",
                    "sts.amazonaws.com AssumeRoleWithWebIdentity" -> assumeRole(r, payload, errorCode != null);
            case "sso.amazonaws.com CreateAccountAssignment" -> accountAssignment(r, payload, errorCode != null, true);
            case "sso.amazonaws.com DeleteAccountAssignment" -> accountAssignment(r, payload, errorCode != null, false);
            case "secretsmanager.amazonaws.com GetSecretValue" ->
                    secretRead(r, payload, strings(r, "requestParameters", "secretId"), "secretsmanager");
            case "ssm.amazonaws.com GetParameter", "ssm.amazonaws.com GetParameters",
                    "ssm.amazonaws.com GetParametersByPath" -> parameterRead(r, payload);
            case "signin.amazonaws.com ConsoleLogin" -> consoleLogin(r, payload);
            default -> List.of();
        };
    }

    /**
     * A role assumption is a self-service activation: the trust policy is the approval, the credentials' expiry
     * is the window's end. The grant belongs to the role session it creates (the principal every later call with
     * those credentials carries), and its request id is the access key id issued, which those calls also carry.
     */
    private List<PrivilegedEvent> assumeRole(JsonNode r, byte[] payload, boolean denied) throws InvalidRecordException {
        JsonNode params = at(r, "requestParameters");
        String roleArn = text(params, "roleArn");
        String sessionName = text(params, "roleSessionName");
        long t = time(r);
        if (denied) {
            JsonNode caller = at(r, "userIdentity");
            return List.of(base(r, payload, EventType.ELEVATION, Action.DENIED, caller, t)
                    .setRequestId("sts-request:" + firstText(text(r, "requestID"), text(r, "eventID"), "unknown"))
                    .setRole(firstText(roleArn, deniedResource(text(r, "errorMessage"))))
                    .setScope(List.of("*"))
                    .build());
        }
        JsonNode credentials = at(r, "responseElements", "credentials");
        String keyId = text(credentials, "accessKeyId");
        String sessionArn = firstText(text(r, "responseElements", "assumedRoleUser", "arn"), sessionArn(roleArn, sessionName));
        if (keyId == null || sessionArn == null) {
            throw new InvalidRecordException(text(r, "eventName") + " without issued credentials or role session");
        }
        Long expiration = expiration(text(credentials, "expiration"));
        String roleName = roleName(roleArn);
        boolean mfa = text(params, "serialNumber") != null
                || "true".equalsIgnoreCase(text(r, "userIdentity", "sessionContext", "attributes", "mfaAuthenticated"));
        String callerType = text(r, "userIdentity", "type");
        PrincipalKind kind = "SAMLUser".equals(callerType) || "IdentityCenterUser".equals(callerType)
                ? PrincipalKind.HUMAN
                : AwsIdentities.assumedRoleKind(roleName, sessionName, mfa);
        Principal principal = Principal.newBuilder().setId("aws:" + sessionArn).setKind(kind)
                .setSourceIp(AwsIdentities.sourceIp(r)).build();
        return List.of(PrivilegedEvent.newBuilder()
                .setEventId(EventIds.of(SOURCE, text(r, "eventID"), payload))
                .setEventTime(t)
                .setSource(SOURCE)
                .setType(EventType.ELEVATION)
                .setAction(Action.ACTIVATED)
                .setPrincipal(principal)
                .setRequestId(keyId)
                .setRole(roleArn)
                .setScope(List.of("*"))
                .setWindowStart(t)
                .setWindowEnd(expiration != null && expiration > t ? expiration : null)
                .build());
    }

    /**
     * Identity Center gives a user a permission set on an account until the assignment is deleted (TEAM and
     * similar tools create and delete it around an approved window). Create and delete of the same assignment
     * share one request id, so the delete ends the grant the create started.
     */
    private List<PrivilegedEvent> accountAssignment(JsonNode r, byte[] payload, boolean denied, boolean create)
            throws InvalidRecordException {
        JsonNode params = at(r, "requestParameters");
        String account = text(params, "targetId");
        String permissionSet = text(params, "permissionSetArn");
        String grantee = text(params, "principalId");
        if (account == null || permissionSet == null || grantee == null) {
            throw new InvalidRecordException(text(r, "eventName") + " without targetId, permissionSetArn or principalId");
        }
        String status = text(r, "responseElements", create ? "accountAssignmentCreationStatus" : "accountAssignmentDeletionStatus", "status");
        if ("FAILED".equalsIgnoreCase(status)) {
            return List.of();
        }
        long t = time(r);
        String granteeId = "GROUP".equalsIgnoreCase(text(params, "principalType"))
                ? "aws:identitystore:group/" + grantee : "aws:identitystore:" + grantee;
        String caller = AwsIdentities.principalId(at(r, "userIdentity"));
        Action action = denied ? Action.DENIED : create ? Action.ACTIVATED : Action.REVOKED;
        PrivilegedEvent.Builder b = PrivilegedEvent.newBuilder()
                .setEventId(EventIds.of(SOURCE, text(r, "eventID"), payload))
                .setEventTime(t)
                .setSource(SOURCE)
                .setType(EventType.ELEVATION)
                .setAction(action)
                .setPrincipal(Principal.newBuilder().setId(granteeId).setKind(PrincipalKind.HUMAN).build())
                .setRequestId("sso:" + account + ":" + lastSegment(permissionSet) + ":" + grantee)
                .setRole(permissionSet)
                .setScope(List.of(account))
                // Whoever assigns a permission set to someone else is the one who let them have it.
                .setApprover(caller != null && !caller.equals(granteeId) ? caller : null);
        if (action == Action.ACTIVATED) {
            b.setWindowStart(t);
        }
        return List.of(b.build());
    }

    private List<PrivilegedEvent> parameterRead(JsonNode r, byte[] payload) throws InvalidRecordException {
        JsonNode params = at(r, "requestParameters");
        if (!Boolean.TRUE.equals(bool(params, "withDecryption"))) {
            // Without decryption a SecureString's value never left Parameter Store.
            return List.of();
        }
        List<String> names = new ArrayList<>(strings(params, "names"));
        String single = firstText(text(params, "name"), text(params, "path"));
        if (single != null) {
            names.add(single);
        }
        return secretRead(r, payload, names, "ssm");
    }

    private List<PrivilegedEvent> secretRead(JsonNode r, byte[] payload, List<String> secretIds, String service)
            throws InvalidRecordException {
        Action action = text(r, "errorCode") != null ? Action.DENIED : Action.READ;
        List<String> ids = secretIds.stream().filter(s -> s != null && !s.isBlank()).toList();
        if (ids.isEmpty() && action == Action.DENIED) {
            // A denied call is often logged without its request parameters; the message names the resource.
            String resource = deniedResource(text(r, "errorMessage"));
            ids = resource == null ? List.of() : List.of(resource);
        }
        if (ids.isEmpty()) {
            throw new InvalidRecordException(text(r, "eventName") + " without the secret or parameter name");
        }
        long t = time(r);
        JsonNode identity = at(r, "userIdentity");
        String store = service + ":" + firstText(text(r, "awsRegion"), "unknown") + ":"
                + firstText(text(r, "recipientAccountId"), text(identity, "accountId"), "unknown");
        String key = text(identity, "accessKeyId");
        String baseId = EventIds.of(SOURCE, text(r, "eventID"), payload);
        List<PrivilegedEvent> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            PrivilegedEvent.Builder b = base(r, payload, EventType.SECRET, action, identity, t)
                    .setEventId(ids.size() == 1 ? baseId : baseId + "#" + id)
                    .setSecretId(id)
                    .setStore(store);
            linkToRoleSession(b, key);
            out.add(b.build());
        }
        return out;
    }

    /** A successful console sign-in opens an interactive session on the account; failed ones are skipped. */
    private List<PrivilegedEvent> consoleLogin(JsonNode r, byte[] payload) throws InvalidRecordException {
        String outcome = text(r, "responseElements", "ConsoleLogin");
        if (!"Success".equalsIgnoreCase(outcome) || text(r, "errorCode") != null) {
            return List.of();
        }
        JsonNode identity = at(r, "userIdentity");
        String account = firstText(text(r, "recipientAccountId"), text(identity, "accountId"), "unknown");
        String eventId = text(r, "eventID");
        return List.of(base(r, payload, EventType.SESSION, Action.START, identity, time(r))
                .setSessionId("console:" + firstText(eventId, EventIds.of(SOURCE, null, payload)))
                .setTarget("aws-console:" + account)
                .setAccount(firstText(text(identity, "userName"), text(identity, "sessionContext", "sessionIssuer", "userName"),
                        assumedRoleName(text(identity, "arn")), text(identity, "type")))
                .setProtocol("aws-console")
                .setInteractive(Boolean.TRUE)
                .build());
    }

    /**
     * Calls made with temporary credentials name the access key their AssumeRole issued: it is the grant's request
     * id. It is not a session id: a set of credentials is a grant, not a privileged session (no SESSION START ever
     * opens it, so PUM-001 never judges it), and a read that named it as its session would escape PUM-007 when no
     * grant covers it, as reads with Identity Center credentials (whose issue CloudTrail logs as no AssumeRole) do.
     */
    private static void linkToRoleSession(PrivilegedEvent.Builder b, String accessKeyId) {
        if (AwsIdentities.isTemporaryKey(accessKeyId)) {
            b.setRequestIds(List.of(accessKeyId));
        }
    }

    private PrivilegedEvent.Builder base(JsonNode r, byte[] payload, EventType type, Action action, JsonNode identity,
                                         long t) throws InvalidRecordException {
        String principalId = AwsIdentities.principalId(identity);
        if (principalId == null) {
            throw new InvalidRecordException(text(r, "eventName") + " without userIdentity");
        }
        return PrivilegedEvent.newBuilder()
                .setEventId(EventIds.of(SOURCE, text(r, "eventID"), payload))
                .setEventTime(t)
                .setSource(SOURCE)
                .setType(type)
                .setAction(action)
                .setPrincipal(Principal.newBuilder().setId(principalId).setKind(AwsIdentities.kind(identity))
                        .setSourceIp(AwsIdentities.sourceIp(r)).build());
    }

    /** The resource an AccessDenied message names: "... is not authorized to perform: X on resource: R because ...". */
    static String deniedResource(String message) {
        if (message == null) {
            return null;
        }
        Matcher m = DENIED_RESOURCE.matcher(message);
        return m.find() ? m.group(1) : null;
    }

    static boolean isDenial(String errorCode) {
        return errorCode.contains("AccessDenied") || errorCode.contains("UnauthorizedOperation")
                || errorCode.equals("UnauthorizedAccess") || errorCode.equals("Forbidden");
    }

    /** {@code eventTime}; exports shipped through Logstash carry it as {@code @timestamp} instead. */
    private static long time(JsonNode r) throws InvalidRecordException {
        String eventTime = text(r, "eventTime");
        return eventTime != null ? EventTimes.parse(eventTime, "eventTime") : EventTimes.parse(text(r, "@timestamp"), "eventTime");
    }

    static Long expiration(String value) throws InvalidRecordException {
        if (value == null) {
            return null;
        }
        if (!value.isEmpty() && Character.isDigit(value.charAt(0))) {
            return EventTimes.parse(value, "credentials.expiration");
        }
        Matcher m = STS_EXPIRATION.matcher(value.trim());
        if (!m.matches()) {
            throw new InvalidRecordException("credentials.expiration '" + value + "' is not a timestamp");
        }
        try {
            int hour = Integer.parseInt(m.group(4)) % 12 + (m.group(7).equalsIgnoreCase("PM") ? 12 : 0);
            LocalDateTime t = LocalDateTime.of(Integer.parseInt(m.group(3)),
                    Month.from(MONTHS.parse(m.group(1))), Integer.parseInt(m.group(2)),
                    hour, Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
            return t.toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeException e) {
            throw new InvalidRecordException("credentials.expiration '" + value + "' is not a timestamp");
        }
    }

    /** arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, from the role ARN and the session name requested. */
    private static String sessionArn(String roleArn, String sessionName) {
        if (roleArn == null || sessionName == null || !roleArn.contains(":role/")) {
            return null;
        }
        String[] parts = roleArn.split(":", 6);
        if (parts.length < 6) {
            return null;
        }
        return "arn:" + parts[1] + ":sts::" + parts[4] + ":assumed-role/" + roleName(roleArn) + "/" + sessionName;
    }

    /** ROLE from arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION; null for any other ARN. */
    private static String assumedRoleName(String arn) {
        if (arn == null || !arn.contains(":assumed-role/")) {
            return null;
        }
        String[] parts = arn.substring(arn.indexOf(":assumed-role/") + ":assumed-role/".length()).split("/");
        return parts[0].isEmpty() ? null : parts[0];
    }

    private static String roleName(String roleArn) {
        return roleArn == null ? null : lastSegment(roleArn);
    }

    private static String lastSegment(String arn) {
        int slash = arn.lastIndexOf('/');
        return slash < 0 ? arn : arn.substring(slash + 1);
    }
}
