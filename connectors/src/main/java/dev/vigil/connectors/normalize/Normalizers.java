package dev.vigil.connectors.normalize;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The formats Vigil reads, by the name users give to {@code --format}. */
public final class Normalizers {
    private static final Map<String, Normalizer> BY_FORMAT = new LinkedHashMap<>();

    static {
        register(new CanonicalJsonNormalizer());
        register(new AvroNormalizer());
        register(new dev.vigil.connectors.normalize.teleport.TeleportNormalizer());
        register(new dev.vigil.connectors.normalize.vault.VaultNormalizer());
        register(new dev.vigil.connectors.normalize.cloudtrail.CloudTrailNormalizer());
        register(new dev.vigil.connectors.normalize.entra.EntraPimNormalizer());
        register(new dev.vigil.connectors.normalize.cyberark.CyberArkNormalizer());
        register(new dev.vigil.connectors.normalize.sudo.SudoNormalizer());
        register(new dev.vigil.connectors.normalize.auditd.AuditdNormalizer());
        register(new dev.vigil.connectors.normalize.k8s.KubernetesAuditNormalizer());
    }

    private Normalizers() {}

    private static void register(Normalizer n) {
        BY_FORMAT.put(n.format(), n);
    }

    public static Set<String> formats() {
        return BY_FORMAT.keySet();
    }

    /** @throws IllegalArgumentException naming the known formats when the name is not one of them */
    public static Normalizer forFormat(String format) {
        Normalizer n = BY_FORMAT.get(format);
        if (n == null) {
            throw new IllegalArgumentException("unknown format '" + format + "' (known: " + String.join(", ", formats()) + ")");
        }
        return n;
    }
}
