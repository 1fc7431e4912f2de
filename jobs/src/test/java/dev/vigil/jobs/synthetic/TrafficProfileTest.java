package dev.vigil.jobs.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficProfileTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        TrafficProfile p = TrafficProfile.defaults();
        assertThat(p.humans()).isEqualTo(40);
        assertThat(p.services()).isEqualTo(10);
        assertThat(p.start()).isEqualTo(Instant.parse("2026-01-05T08:00:00Z"));
        assertThat(p.attackRate()).isEqualTo(0.05);
        assertThat(p.maxJitterMs()).isEqualTo(2000);
        assertThat(p.hosts()).contains("bastion-eu-1", "app-prod-01");
        assertThat(p.databases()).contains("db-prod-01");
        assertThat(p.clusters()).contains("k8s-prod");
        assertThat(p.secretPaths()).contains("kv/prod/payments/db-password").hasSizeGreaterThanOrEqualTo(30);
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        TrafficProfile p = TrafficProfile.builder().humans(7).start(Instant.parse("2025-02-03T04:05:06Z")).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(p);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(p);
        }
        assertThat(p.toBuilder().build()).isEqualTo(p);
    }

    @Test
    void nonsenseIsRefusedWithTheReason() {
        assertThatThrownBy(() -> TrafficProfile.builder().humans(1).build()).hasMessageContaining("humans");
        assertThatThrownBy(() -> TrafficProfile.builder().attackRate(1.5).build()).hasMessageContaining("attackRate");
        assertThatThrownBy(() -> TrafficProfile.builder().maxJitterMs(-1).build()).hasMessageContaining("maxJitterMs");
        assertThatThrownBy(() -> TrafficProfile.builder().hosts(List.of("a")).build()).hasMessageContaining("hosts");
        assertThatThrownBy(() -> TrafficProfile.builder().clusters(List.of("k", "k")).build())
                .hasMessageContaining("duplicates");
        assertThatThrownBy(() -> TrafficProfile.builder().secretPaths(Collections.nCopies(1, "kv/x")).build())
                .hasMessageContaining("at least 30");
    }

    @Test
    void customEstatesWork() {
        TrafficProfile p = TrafficProfile.builder()
                .hosts(List.of("edge-01", "edge-02", "jump-a"))
                .databases(List.of("pg-main"))
                .clusters(List.of("aks-west"))
                .attackRate(1.0)
                .build();
        SyntheticTraffic t = new SyntheticTraffic(1, p, 0, 1).limit(20_000);
        t.forEachRemaining(e -> {
            if (e.getTarget() != null) {
                assertThat(e.getTarget()).isIn("edge-01", "edge-02", "jump-a", "pg-main", "aks-west");
            }
        });
        assertThat(t.truth()).allMatch(ScenarioTruth::isAttack);
    }
}
