package dev.vigil.connectors.normalize.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SupportTest {
    @Test
    void sourceAddressesLoseTheirPortButIpv6KeepsItsColons() {
        assertThat(SourceAddresses.hostOnly("198.51.100.23:51144")).isEqualTo("198.51.100.23");
        assertThat(SourceAddresses.hostOnly("[2001:db8::1]:65123")).isEqualTo("2001:db8::1");
        assertThat(SourceAddresses.hostOnly("2001:db8::1")).isEqualTo("2001:db8::1");
        assertThat(SourceAddresses.hostOnly("10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(SourceAddresses.hostOnly(" ")).isNull();
    }

    @Test
    void ticketsAreFoundInFreeTextJustifications() {
        assertThat(Tickets.find("OPS-4711 rotate TLS certificates")).isEqualTo("OPS-4711");
        assertThat(Tickets.find("per INC0012345, db down")).isEqualTo("INC0012345");
        assertThat(Tickets.find("look at payments-api logs")).isNull();
        assertThat(Tickets.find("upgrade to TLS-1 now")).isEqualTo("TLS-1");
        assertThat(Tickets.find(null)).isNull();
    }

    @Test
    void eventIdsUseTheProductsIdElseADigestOfTheBytes() {
        assertThat(EventIds.of("vault", "abc", new byte[] {1})).isEqualTo("vault:abc");
        String a = EventIds.of("vault", null, new byte[] {1, 2});
        assertThat(a).startsWith("vault:sha256:").isEqualTo(EventIds.of("vault", " ", new byte[] {1, 2}));
        assertThat(a).isNotEqualTo(EventIds.of("vault", null, new byte[] {2, 1}));
    }
}
