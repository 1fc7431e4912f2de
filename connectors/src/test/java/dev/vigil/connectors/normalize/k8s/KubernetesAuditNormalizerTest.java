package dev.vigil.connectors.normalize.k8s;

import static dev.vigil.connectors.normalize.text.GoldenSamples.SAMPLES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.normalize.Normalizers;
import dev.vigil.connectors.normalize.text.GoldenSamples;
import dev.vigil.connectors.normalize.text.GoldenSamples.Outcome;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KubernetesAuditNormalizerTest {
    private static final KubernetesAuditNormalizer NORMALIZER = new KubernetesAuditNormalizer();

    private static List<Outcome> run(String file) throws IOException {
        return GoldenSamples.normalize(NORMALIZER, GoldenSamples.lines(SAMPLES.resolve("k8s").resolve(file)));
    }

    private static List<PrivilegedEvent> events(String file) throws IOException {
        return run(file).stream().flatMap(o -> o.events().stream()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"falco_anonymous_creates_namespace_foo.json", "falco_attach_cluster_admin_role.json",
            "falco_attach_pod.json", "falco_create_clusterrolebinding.json", "falco_create_kube_system_secret.json",
            "falco_create_nginx_pod_privileged.json", "falco_create_secret.json",
            "falco_create_service_account_token_secret.json", "falco_exec_pod.json",
            "panther_eks_audit_exec_secrets_rbac.jsonl", "handwritten_audit.jsonl", "handwritten_malformed.jsonl"})
    void everySampleMatchesItsGoldenAndLosesNothing(String file) throws IOException {
        var records = GoldenSamples.lines(SAMPLES.resolve("k8s").resolve(file));
        List<Outcome> outcomes = GoldenSamples.normalize(NORMALIZER, records);
        GoldenSamples.assertNothingLost(records, outcomes);
        GoldenSamples.assertGolden("k8s", file, outcomes);
    }

    @Test
    void registeredUnderItsFormatName() {
        assertThat(Normalizers.forFormat("k8s")).isInstanceOf(KubernetesAuditNormalizer.class);
    }

    @Test
    void theRealExecIsAnInteractiveSessionWithItsCommand() throws IOException {
        List<PrivilegedEvent> exec = events("falco_exec_pod.json");
        assertThat(exec).extracting(PrivilegedEvent::getAction).containsExactly(Action.START, Action.COMMAND);
        PrivilegedEvent start = exec.get(0);
        assertThat(start.getPrincipal().getId()).isEqualTo("k8s:minikube-user");
        assertThat(start.getPrincipal().getKind()).isEqualTo(PrincipalKind.HUMAN);
        assertThat(start.getPrincipal().getSourceIp()).isEqualTo("192.168.99.1");
        assertThat(start.getTarget()).isEqualTo("default/nginx-deployment-7998647bdf-phvq7");
        assertThat(start.getInteractive()).isTrue();
        assertThat(start.getSessionId()).isEqualTo("k8s:ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6");
        assertThat(exec.get(1).getCommand()).isEqualTo("bash");
        assertThat(start.getEventTime()).isEqualTo(Instant.parse("2018-10-26T13:38:34.867Z").toEpochMilli());
    }

    @Test
    void aStreamThatClosesEndsItsSessionAndAScriptedExecIsNotInteractive() throws IOException {
        List<Outcome> outcomes = run("handwritten_audit.jsonl");
        assertThat(outcomes.get(0).skipped()).as("RequestReceived").isTrue();
        List<PrivilegedEvent> session = events("handwritten_audit.jsonl").stream()
                .filter(e -> "k8s:3f9e8c1a-0b2d-4e5f-8a7b-1c2d3e4f5a6b".equals(e.getSessionId())).toList();
        assertThat(session).extracting(PrivilegedEvent::getAction).containsExactly(Action.START, Action.COMMAND, Action.END);
        assertThat(session.get(1).getCommand()).isEqualTo("sh -c cat /var/run/secrets/db/password");
        assertThat(session.get(0).getInteractive()).isFalse();
        assertThat(session.get(2).getEventTime()).isEqualTo(Instant.parse("2026-11-02T09:40:02.950Z").toEpochMilli());
        assertThat(outcomes.get(3).skipped()).as("forbidden exec").isTrue();
    }

    @Test
    void secretReadsListsAndRefusals() throws IOException {
        List<PrivilegedEvent> secrets = events("handwritten_audit.jsonl").stream()
                .filter(e -> e.getType() == EventType.SECRET).toList();
        assertThat(secrets).extracting(PrivilegedEvent::getAction).containsExactly(Action.READ, Action.LIST, Action.LIST);
        PrivilegedEvent read = secrets.get(0);
        assertThat(read.getPrincipal().getId()).isEqualTo("k8s:system:serviceaccount:ci:deployer");
        assertThat(read.getPrincipal().getKind()).isEqualTo(PrincipalKind.SERVICE);
        assertThat(read.getSecretId()).isEqualTo("payments/db-credentials");
        assertThat(read.getStore()).isEqualTo("k8s:payments");
        assertThat(secrets.get(2).getStore()).as("watch across namespaces").isEqualTo("k8s:*");

        PrivilegedEvent refused = events("handwritten_audit.jsonl").stream()
                .filter(e -> e.getPrincipal().getId().equals("k8s:mallory@corp.example.com")).findFirst().orElseThrow();
        assertThat(refused.getType()).as("a refused exec opens no session").isEqualTo(EventType.ELEVATION);
    }

    @Test
    void bindingClusterAdminElevatesEachSubjectWithTheCreatorAsApprover() throws IOException {
        List<PrivilegedEvent> grants = events("handwritten_audit.jsonl").stream()
                .filter(e -> e.getType() == EventType.ELEVATION).toList();
        assertThat(grants).hasSize(3);
        PrivilegedEvent self = grants.get(0);
        assertThat(self.getAction()).isEqualTo(Action.ACTIVATED);
        assertThat(self.getPrincipal().getId()).isEqualTo("k8s:dave@corp.example.com");
        assertThat(self.getApprover()).as("granted to oneself").isEqualTo("k8s:dave@corp.example.com");
        assertThat(self.getRole()).isEqualTo("cluster-admin");
        assertThat(self.getScope()).containsExactly("payments/*");
        PrivilegedEvent sa = grants.get(1);
        assertThat(sa.getPrincipal().getId()).isEqualTo("k8s:system:serviceaccount:payments:debugger");
        assertThat(sa.getPrincipal().getKind()).isEqualTo(PrincipalKind.SERVICE);
        assertThat(sa.getRequestId()).isNotEqualTo(self.getRequestId());
        assertThat(grants.get(2).getAction()).as("forbidden binding").isEqualTo(Action.DENIED);
        assertThat(grants.get(2).getScope()).containsExactly("*");

        PrivilegedEvent falco = events("falco_attach_cluster_admin_role.json").get(0);
        assertThat(falco.getPrincipal().getId()).isEqualTo("k8s:minikube");
        assertThat(falco.getApprover()).isEqualTo("k8s:minikube-user");
    }

    @Test
    void eventListsAreReadItemByItem() throws IOException {
        List<Outcome> outcomes = run("handwritten_audit.jsonl");
        List<PrivilegedEvent> list = outcomes.get(outcomes.size() - 1).events();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).getProtocol()).isEqualTo("kubectl attach");
        assertThat(list.get(0).getInteractive()).isTrue();
    }

    @Test
    void otherResourcesAreSkipped() throws IOException {
        for (String f : new String[] {"falco_anonymous_creates_namespace_foo.json", "falco_create_nginx_pod_privileged.json",
                "falco_create_kube_system_secret.json", "falco_create_service_account_token_secret.json"}) {
            assertThat(run(f)).as(f).allSatisfy(o -> assertThat(o.skipped()).isTrue());
        }
    }

    @Test
    void brokenRecordsAreRejectedWithTheirReason() throws IOException {
        List<String> reasons = run("handwritten_malformed.jsonl").stream().map(Outcome::reason).toList();
        assertThat(reasons).doesNotContainNull();
        assertThat(reasons.get(0)).startsWith("malformed JSON");
        assertThat(reasons.get(1)).startsWith("not a Kubernetes audit event");
        assertThat(reasons.get(2)).isEqualTo("Kubernetes audit event without user.username");
        assertThat(reasons.get(3)).startsWith("unreadable requestReceivedTimestamp");
        assertThat(reasons.get(4)).startsWith("not a Kubernetes audit event");
        assertThat(reasons.get(5)).startsWith("malformed JSON");
        // Panther's hand-made records carry no timestamps at all: rejected, not guessed.
        assertThat(run("panther_eks_audit_exec_secrets_rbac.jsonl").stream().map(Outcome::reason))
                .contains("Kubernetes audit event without requestReceivedTimestamp or stageTimestamp");
    }
}
