package dev.vigil.connectors.normalize.cloudtrail;

import static dev.vigil.connectors.normalize.support.ProductJson.firstText;
import static dev.vigil.connectors.normalize.support.ProductJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.PrincipalKind;
import java.util.Locale;
import java.util.Objects;

/**
 * Who made a CloudTrail call: a principal id Vigil can key on (the ARN, as AWS writes it), and whether a person or
 * a machine acts, from the signals AWS itself gives (identity type, Identity Center roles, MFA, session names).
 */
final class AwsIdentities {
    private AwsIdentities() {}

    /** {@code aws:<arn>}, or a service or Identity Center id when the call has no ARN. */
    static String principalId(JsonNode identity) {
        String arn = text(identity, "arn");
        if (arn != null) {
            return "aws:" + arn;
        }
        String type = text(identity, "type");
        if ("AWSService".equals(type) || text(identity, "invokedBy") != null) {
            return "aws:service:" + firstText(text(identity, "invokedBy"), "unknown");
        }
        String storeUser = firstText(text(identity, "onBehalfOf", "userId"), text(identity, "userName"),
                text(identity, "principalId"));
        if (storeUser != null) {
            return "aws:identitystore:" + storeUser;
        }
        return null;
    }

    static PrincipalKind kind(JsonNode identity) {
        String type = Objects.requireNonNullElse(text(identity, "type"), "");
        switch (type) {
            case "AWSService", "AWSAccount", "WebIdentityUser" -> {
                return PrincipalKind.SERVICE;
            }
            case "IAMUser", "Root", "SAMLUser", "IdentityCenterUser", "FederatedUser" -> {
                return PrincipalKind.HUMAN;
            }
            case "AssumedRole" -> {
                String arn = Objects.requireNonNullElse(text(identity, "arn"), "");
                String[] parts = arn.substring(arn.indexOf(':') < 0 ? 0 : arn.lastIndexOf(':') + 1).split("/");
                String role = parts.length > 1 ? parts[1] : "";
                String session = parts.length > 2 ? parts[2] : "";
                boolean mfa = "true".equalsIgnoreCase(text(identity, "sessionContext", "attributes", "mfaAuthenticated"));
                return assumedRoleKind(role, session, mfa);
            }
            default -> {
                return text(identity, "invokedBy") != null ? PrincipalKind.SERVICE : PrincipalKind.HUMAN;
            }
        }
    }

    /**
     * A role session is a person's when Identity Center made it ({@code AWSReservedSSO_} roles), when MFA was
     * given, or when it is named after an e-mail address (SAML and Identity Center name sessions so); instance
     * profiles, Lambda functions and pipelines name theirs otherwise.
     */
    static PrincipalKind assumedRoleKind(String roleName, String sessionName, boolean mfa) {
        if (roleName != null && roleName.startsWith("AWSReservedSSO_")) {
            return PrincipalKind.HUMAN;
        }
        if (mfa || (sessionName != null && sessionName.contains("@"))) {
            return PrincipalKind.HUMAN;
        }
        return PrincipalKind.SERVICE;
    }

    /** The source address, unless AWS wrote a service name there (calls AWS makes on the caller's behalf). */
    static String sourceIp(JsonNode record) {
        String ip = text(record, "sourceIPAddress");
        if (ip == null || ip.toLowerCase(Locale.ROOT).endsWith(".amazonaws.com") || ip.equals("AWS Internal")) {
            return null;
        }
        return ip;
    }

    /** Temporary credentials (STS) start with ASIA; long-term IAM user keys with AKIA. */
    static boolean isTemporaryKey(String accessKeyId) {
        return accessKeyId != null && accessKeyId.startsWith("ASIA");
    }
}
