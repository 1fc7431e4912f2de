package dev.vigil.connectors.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import org.junit.jupiter.api.Test;

class IdentityResolverTest {
    final IdentityResolver resolver = new IdentityResolver(PrincipalDirectory.load(PrincipalDirectoryTest.EXAMPLE));

    static PrivilegedEvent event(String source, String principal, PrincipalKind kind) {
        return PrivilegedEvent.newBuilder().setEventId("e1").setEventTime(0L).setSource(source)
                .setType(EventType.SESSION).setAction(Action.START)
                .setPrincipal(Principal.newBuilder().setId(principal).setKind(kind).setSourceIp("10.0.0.9").build())
                .build();
    }

    private PrivilegedEvent resolved(String source, String principal) {
        PrivilegedEvent e = event(source, principal, PrincipalKind.SERVICE);
        assertThat(resolver.resolve(e)).as("%s %s resolves", source, principal).isTrue();
        return e;
    }

    @Test
    void everyProductsAliasResolvesToOnePrincipal() {
        assertThat(resolved("teleport", "teleport:alice").getPrincipal().getId()).isEqualTo("alice");
        assertThat(resolved("vault", "vault:0b6e1b5c-6e3c-4b0a-9d7e-2f6a4c1d9e01").getPrincipal().getId()).isEqualTo("alice");
        assertThat(resolved("vault", "vault:oidc-alice@example.com").getPrincipal().getId()).isEqualTo("alice");
        assertThat(resolved("cloudtrail", "aws:arn:aws:iam::123456789012:user/alice").getPrincipal().getId()).isEqualTo("alice");
        assertThat(resolved("cloudtrail", "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_1f2e/alice@example.com")
                .getPrincipal().getId()).as("SSO session name in an assumed-role ARN").isEqualTo("alice");
        assertThat(resolved("entra", "entra:ALICE@example.com").getPrincipal().getId()).isEqualTo("alice");
        assertThat(resolved("entra", "5d7c2a10-3f4b-4e8e-9a61-0c2b7d3e4f55").getPrincipal().getId())
                .as("a bare name is read in the namespace of its source").isEqualTo("alice");
        assertThat(resolved("cyberark", "cyberark:amartin").getPrincipal().getId()).isEqualTo("alice");
        assertThat(resolved("k8s", "k8s:alice@example.com").getPrincipal().getId()).isEqualTo("alice");
        assertThat(resolved("k8s", "k8s:system:serviceaccount:ci:deployer").getPrincipal().getId()).isEqualTo("svc-deployer");
    }

    @Test
    void theDirectoryGivesIdAndKindAndTheProductIdIsKept() {
        PrivilegedEvent e = resolved("teleport", "teleport:alice");
        assertThat(e.getPrincipal().getKind()).isEqualTo(PrincipalKind.HUMAN);
        assertThat(e.getPrincipalAlias()).isEqualTo("teleport:alice");
        assertThat(e.getPrincipal().getSourceIp()).isEqualTo("10.0.0.9");

        PrivilegedEvent bot = event("teleport", "teleport:bot-deployer", PrincipalKind.HUMAN);
        resolver.resolve(bot);
        assertThat(bot.getPrincipal().getId()).isEqualTo("svc-deployer");
        assertThat(bot.getPrincipal().getKind()).isEqualTo(PrincipalKind.SERVICE);

        PrivilegedEvent already = event("synthetic", "alice", PrincipalKind.HUMAN);
        assertThat(resolver.resolve(already)).isTrue();
        assertThat(already.getPrincipalAlias()).as("already the directory id").isNull();
    }

    @Test
    void unixLoginsResolveOnTheEventsHost() {
        PrivilegedEvent onDb = event("sudo", "sudo:amartin", PrincipalKind.HUMAN);
        onDb.setTarget("db-3.prod.example.com");
        assertThat(resolver.resolve(onDb)).isTrue();
        assertThat(onDb.getPrincipal().getId()).isEqualTo("alice");

        PrivilegedEvent onWeb = event("auditd", "auditd:amartin", PrincipalKind.HUMAN);
        onWeb.setTarget("web-1");
        assertThat(resolver.resolve(onWeb)).isFalse();
        assertThat(onWeb.getPrincipal().getId()).isEqualTo("auditd:amartin");
        assertThat(onWeb.getPrincipalAlias()).isNull();

        PrivilegedEvent named = event("auditd", "unix:bob@bastion-1", PrincipalKind.HUMAN);
        assertThat(resolver.resolve(named)).as("login@host when the event has no target").isTrue();
        assertThat(named.getPrincipal().getId()).isEqualTo("bob");
    }

    @Test
    void approversResolveToo() {
        PrivilegedEvent e = event("entra", "entra:alice@example.com", PrincipalKind.HUMAN);
        e.setType(EventType.ELEVATION);
        e.setAction(Action.APPROVED);
        e.setApprover("bob@example.com");
        resolver.resolve(e);
        assertThat(e.getApprover()).isEqualTo("bob");
        assertThat(e.getApproverAlias()).isEqualTo("bob@example.com");

        PrivilegedEvent unknown = event("entra", "entra:alice@example.com", PrincipalKind.HUMAN);
        unknown.setApprover("entra:mallory@example.com");
        resolver.resolve(unknown);
        assertThat(unknown.getApprover()).isEqualTo("entra:mallory@example.com");
        assertThat(unknown.getApproverAlias()).isNull();
    }

    @Test
    void unmappedIdentitiesKeepTheirSourceQualifiedId() {
        PrivilegedEvent e = event("teleport", "teleport:carol", PrincipalKind.HUMAN);
        assertThat(resolver.resolve(e)).isFalse();
        assertThat(e.getPrincipal().getId()).isEqualTo("teleport:carol");
        assertThat(e.getPrincipal().getKind()).isEqualTo(PrincipalKind.HUMAN);
        PrivilegedEvent wrongProduct = event("vault", "vault:alice", PrincipalKind.HUMAN);
        assertThat(resolver.resolve(wrongProduct)).isFalse();
    }
}
