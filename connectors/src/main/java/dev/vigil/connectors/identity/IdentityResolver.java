package dev.vigil.connectors.identity;

import dev.vigil.common.Principal;
import dev.vigil.event.PrivilegedEvent;
import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives every canonical event the directory's principal: applied right after normalization, it replaces the
 * product's source-qualified principal id ({@code teleport:alice}) with the directory's id and kind, keeps the
 * product's id in {@code principal_alias}, and resolves the approver the same way ({@code approver_alias}). An
 * identity the directory does not know keeps its source-qualified id; the caller counts it.
 *
 * <p>Costs one or two hash lookups per event (three for an AWS assumed-role ARN); no allocation besides the
 * lower-cased key.
 */
public final class IdentityResolver implements Serializable {
    private static final long serialVersionUID = 1L;
    /** {@code arn:aws:sts::123456789012:assumed-role/Role/session}: the session name names the person (SSO too). */
    private static final Pattern ASSUMED_ROLE = Pattern.compile("arn:aws[a-z-]*:sts::\\d*:assumed-role/[^/]+/(.+)");

    private final PrincipalDirectory directory;

    public IdentityResolver(PrincipalDirectory directory) {
        this.directory = directory;
    }

    public PrincipalDirectory directory() {
        return directory;
    }

    /**
     * Resolves the event's principal and approver in place.
     *
     * @return true when the principal is in the directory (resolved now, or already its directory id)
     */
    public boolean resolve(PrivilegedEvent event) {
        if (event.getApprover() != null) {
            DirectoryPrincipal approver = lookup(event.getApprover(), event.getSource(), null);
            if (approver != null && !approver.id().equals(event.getApprover())) {
                event.setApproverAlias(event.getApprover());
                event.setApprover(approver.id());
            }
        }
        Principal principal = event.getPrincipal();
        String id = principal.getId();
        DirectoryPrincipal p = lookup(id, event.getSource(), event.getTarget());
        if (p == null) {
            return false;
        }
        if (!p.id().equals(id)) {
            event.setPrincipalAlias(id);
            principal.setId(p.id());
        }
        principal.setKind(p.kind());
        return true;
    }

    /**
     * The principal a product's name stands for, or null. {@code name} is source-qualified ({@code teleport:alice},
     * {@code aws:arn:...}) or bare ({@code alice}, read in the namespace of {@code source}); {@code host} scopes Unix
     * logins.
     */
    public DirectoryPrincipal lookup(String name, String source, String host) {
        DirectoryPrincipal same = directory.byId(name);
        if (same != null) {
            return same;
        }
        String namespace;
        String alias;
        int colon = name.indexOf(':');
        if (colon > 0 && AliasNamespace.isKnown(name.substring(0, colon))) {
            namespace = AliasNamespace.of(name.substring(0, colon));
            alias = name.substring(colon + 1);
        } else {
            namespace = AliasNamespace.of(source);
            alias = name;
        }
        if (namespace.equals(AliasNamespace.UNIX)) {
            int at = alias.indexOf('@');
            if (at > 0 && (host == null || host.isEmpty())) {
                return directory.findUnix(alias.substring(0, at), alias.substring(at + 1));
            }
            return directory.findUnix(alias, host);
        }
        DirectoryPrincipal p = directory.find(namespace, alias);
        if (p == null && namespace.equals(AliasNamespace.AWS)) {
            Matcher m = ASSUMED_ROLE.matcher(alias);
            if (m.matches()) {
                p = directory.find(namespace, m.group(1));
            }
        }
        return p;
    }
}
