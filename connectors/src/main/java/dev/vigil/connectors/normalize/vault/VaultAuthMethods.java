package dev.vigil.connectors.normalize.vault;

import static dev.vigil.connectors.normalize.support.ProductJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.PrincipalKind;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a Vault token belongs to a person or a machine, from the auth method that issued it. Vault does not say
 * so itself: the method shows in the token's display name ({@code <mount path>-<name>}, e.g. {@code userpass-alice},
 * {@code approle}, {@code kubernetes-payments-api}) and in the metadata the method attaches.
 */
final class VaultAuthMethods {
    /** Methods people log in with. */
    private static final Set<String> HUMAN = Set.of("userpass", "oidc", "ldap", "okta", "github", "radius", "saml", "root");
    /** Methods workloads log in with. */
    private static final Set<String> MACHINE = Set.of("approle", "kubernetes", "aws", "azure", "gcp", "cert",
            "jwt", "alicloud", "oci", "cf", "kerberos", "spiffe");

    private VaultAuthMethods() {}

    /** The method prefix of a display name, lower-cased: {@code userpass-alice} gives {@code userpass}. */
    static String method(String displayName) {
        if (displayName == null) {
            return null;
        }
        int dash = displayName.indexOf('-');
        return (dash < 0 ? displayName : displayName.substring(0, dash)).toLowerCase(Locale.ROOT);
    }

    /**
     * Known method names first; a mount under a custom path ({@code auth/corp-sso}) falls back to the metadata the
     * method attached: a user name or e-mail for people, a role, service account or instance for workloads.
     * Tokens with neither (created directly with {@code vault token create}) count as machines.
     */
    static PrincipalKind kind(String displayName, JsonNode metadata) {
        String method = method(displayName);
        if (method != null && HUMAN.contains(method)) {
            return PrincipalKind.HUMAN;
        }
        if (method != null && MACHINE.contains(method)) {
            return PrincipalKind.SERVICE;
        }
        if (text(metadata, "role_name") != null || text(metadata, "role_id") != null
                || text(metadata, "service_account_name") != null || text(metadata, "instance_id") != null) {
            return PrincipalKind.SERVICE;
        }
        if (text(metadata, "username") != null || text(metadata, "email") != null) {
            return PrincipalKind.HUMAN;
        }
        return PrincipalKind.SERVICE;
    }
}
