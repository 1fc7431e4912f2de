package dev.vigil.connectors.normalize.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.RawRecord;
import dev.vigil.event.Action;
import dev.vigil.event.PrivilegedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VaultNormalizerTest {
    private final VaultNormalizer normalizer = new VaultNormalizer();

    private List<PrivilegedEvent> normalize(String json) throws Exception {
        return normalizer.normalize(new RawRecord("v:1", "vault", json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String entry(String type, String displayName, String metadata, String operation, String mountType,
                                String path, String extra) {
        return "{\"time\":\"2026-11-03T07:10:00.118004Z\",\"type\":\"" + type + "\",\"auth\":{\"display_name\":\""
                + displayName + "\",\"metadata\":" + metadata + "},\"request\":{\"id\":\"q1\",\"operation\":\"" + operation
                + "\",\"mount_point\":\"" + path.substring(0, path.indexOf('/') + 1) + "\",\"mount_type\":\"" + mountType
                + "\",\"path\":\"" + path + "\",\"remote_address\":\"10.1.2.3\"}" + extra + "}";
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "userpass-alice   | {\"username\":\"alice\"}               | HUMAN",
        "oidc-a@example.com | {\"email\":\"a@example.com\"}        | HUMAN",
        "ldap-dan         | {}                                     | HUMAN",
        "approle          | {\"role_name\":\"ci\"}                 | SERVICE",
        "kubernetes-ns-sa | {\"service_account_name\":\"sa\"}      | SERVICE",
        "aws-i-0abc       | {}                                     | SERVICE",
        "cert-web         | {}                                     | SERVICE",
        "corp-sso-erin    | {\"username\":\"erin\"}                | HUMAN",
        "token            | {}                                     | SERVICE",
    })
    void thePrincipalKindComesFromTheAuthMethod(String displayName, String metadata, PrincipalKind kind) throws Exception {
        PrivilegedEvent e = normalize(entry("response", displayName, metadata, "read", "kv", "secret/data/app/db", "")).get(0);
        assertThat(e.getPrincipal().getKind()).isEqualTo(kind);
    }

    @Test
    void onlyTheResponseIsReadSoNothingIsHeldBetweenLines() throws Exception {
        assertThat(normalize(entry("request", "userpass-alice", "{}", "read", "kv", "secret/data/app/db", ""))).isEmpty();
        PrivilegedEvent e = normalize(entry("response", "userpass-alice", "{}", "read", "kv", "secret/data/app/db", "")).get(0);
        assertThat(e.getAction()).isEqualTo(Action.READ);
        assertThat(e.getSecretId()).isEqualTo("secret/app/db");
        assertThat(e.getStore()).isEqualTo("secret/");
        assertThat(e.getEventId()).isEqualTo("vault:q1");
    }

    @Test
    void aLeasedCredentialIsACheckoutWithItsExpiryWhenTheEngineReportsIt() throws Exception {
        PrivilegedEvent e = normalize(entry("response", "approle", "{\"role_name\":\"ci\"}", "read", "aws", "aws/creds/deploy",
                ",\"response\":{\"secret\":{\"lease_id\":\"aws/creds/deploy/abc\"},\"data\":{\"ttl\":900}}")).get(0);
        assertThat(e.getAction()).isEqualTo(Action.CHECKOUT);
        assertThat(e.getPrincipal().getId()).isEqualTo("vault:approle-ci");
        assertThat(e.getWindowEnd() - e.getEventTime()).isEqualTo(900_000L);
    }

    @Test
    void permissionDeniedIsDeniedAndOtherErrorsAreSkipped() throws Exception {
        PrivilegedEvent e = normalize(entry("response", "oidc-carol", "{}", "read", "kv", "secret/data/prod/ca",
                ",\"error\":\"1 error occurred:\\n\\t* permission denied\\n\\n\"")).get(0);
        assertThat(e.getAction()).isEqualTo(Action.DENIED);
        assertThat(e.getSecretId()).isEqualTo("secret/prod/ca");
        assertThat(normalize(entry("response", "oidc-carol", "{}", "read", "kv", "secret/data/prod/ca",
                ",\"error\":\"no handler for route\""))).isEmpty();
    }
}
