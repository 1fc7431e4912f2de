package dev.vigil.connectors.identity;

import java.util.Locale;
import java.util.Map;

/**
 * Which product's names an identifier belongs to. Aliases in the directory are grouped by namespace
 * ({@code teleport}, {@code vault}, {@code aws}, {@code entra}, {@code cyberark}, {@code unix}, {@code k8s}, or any
 * other source name); an event's namespace comes from the prefix of its source-qualified principal id
 * ({@code teleport:alice}) or else from its {@code source}. Several sources share one namespace: CloudTrail names
 * AWS identities, sudo and auditd name Unix logins.
 */
public final class AliasNamespace {
    public static final String TELEPORT = "teleport";
    public static final String VAULT = "vault";
    public static final String AWS = "aws";
    public static final String ENTRA = "entra";
    public static final String CYBERARK = "cyberark";
    public static final String UNIX = "unix";
    public static final String K8S = "k8s";

    private static final Map<String, String> BY_SOURCE = Map.ofEntries(
            Map.entry("teleport", TELEPORT),
            Map.entry("vault", VAULT),
            Map.entry("aws", AWS), Map.entry("cloudtrail", AWS),
            Map.entry("entra", ENTRA), Map.entry("azure", ENTRA), Map.entry("azuread", ENTRA),
            Map.entry("cyberark", CYBERARK),
            Map.entry("unix", UNIX), Map.entry("linux", UNIX), Map.entry("sudo", UNIX), Map.entry("auditd", UNIX),
            Map.entry("k8s", K8S), Map.entry("kubernetes", K8S));

    private AliasNamespace() {}

    /** The namespace of a source or id prefix: a known product's, or the name itself (lower case). */
    public static String of(String sourceOrPrefix) {
        String lower = sourceOrPrefix == null ? "" : sourceOrPrefix.toLowerCase(Locale.ROOT);
        return BY_SOURCE.getOrDefault(lower, lower);
    }

    /** Whether the name is a known product's source or prefix (so {@code name:rest} is a source-qualified id). */
    public static boolean isKnown(String sourceOrPrefix) {
        return sourceOrPrefix != null && BY_SOURCE.containsKey(sourceOrPrefix.toLowerCase(Locale.ROOT));
    }
}
