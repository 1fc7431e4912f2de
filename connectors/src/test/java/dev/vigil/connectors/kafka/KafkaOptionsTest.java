package dev.vigil.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;

class KafkaOptionsTest {

    @Test
    void defaultsAreDocumentedOnes() {
        KafkaOptions options = KafkaOptions.builder().build();

        assertThat(options.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(options.groupId()).isEqualTo("vigil");
        assertThat(options.startingOffsets()).isEqualTo(KafkaOptions.StartingOffsets.COMMITTED);
        assertThat(options.securityProtocol()).isEqualTo(SecurityProtocol.PLAINTEXT);
        assertThat(options.eventsTopic()).isEqualTo("pum.events");
        assertThat(options.casesTopic()).isEqualTo("pum.cases");
        assertThat(options.deadLetterTopic()).isEqualTo("pum.dlq");
        assertThat(options.controlTopic()).isEqualTo("pum.control");
        assertThat(options.controlEnabled()).isFalse();
        assertThat(options.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(options.transactionTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(options.clientProperties())
                .containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("security.protocol", "PLAINTEXT")
                .doesNotContainKeys("sasl.mechanism", "sasl.jaas.config", "ssl.truststore.location");
    }

    @Test
    void readsEveryOptionFromAConfigurationFile() {
        Properties file = new Properties();
        file.setProperty("kafka.bootstrap.servers", "k1:9093,k2:9093");
        file.setProperty("kafka.group.id", "vigil-prod");
        file.setProperty("kafka.starting.offsets", "latest");
        file.setProperty("kafka.security.protocol", "sasl_ssl");
        file.setProperty("kafka.sasl.mechanism", "SCRAM-SHA-512");
        file.setProperty("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"vigil\" password=\"s3cret\";");
        file.setProperty("kafka.ssl.truststore.location", "/etc/vigil/truststore.p12");
        file.setProperty("kafka.ssl.truststore.password", "trustpass");
        file.setProperty("kafka.ssl.keystore.location", "/etc/vigil/keystore.p12");
        file.setProperty("kafka.ssl.keystore.password", "storepass");
        file.setProperty("kafka.ssl.key.password", "keypass");
        file.setProperty("kafka.topic.events", "prod.events");
        file.setProperty("kafka.topic.cases", "prod.cases");
        file.setProperty("kafka.topic.dlq", "prod.dlq");
        file.setProperty("kafka.topic.control", "prod.control");
        file.setProperty("kafka.control.enabled", "true");
        file.setProperty("kafka.delivery.guarantee", "exactly-once");
        file.setProperty("kafka.transactional.id.prefix", "vigil-prod");
        file.setProperty("kafka.transaction.timeout", "PT5M");
        file.setProperty("kafka.client.client.dns.lookup", "use_all_dns_ips");
        file.setProperty("kafka.client.security.protocol", "SSL");
        file.setProperty("elasticsearch.url", "https://es:9200");

        KafkaOptions options = KafkaOptions.fromProperties(file);

        assertThat(options.bootstrapServers()).isEqualTo("k1:9093,k2:9093");
        assertThat(options.groupId()).isEqualTo("vigil-prod");
        assertThat(options.startingOffsets()).isEqualTo(KafkaOptions.StartingOffsets.LATEST);
        assertThat(options.securityProtocol()).isEqualTo(SecurityProtocol.SASL_SSL);
        assertThat(options.eventsTopic()).isEqualTo("prod.events");
        assertThat(options.casesTopic()).isEqualTo("prod.cases");
        assertThat(options.deadLetterTopic()).isEqualTo("prod.dlq");
        assertThat(options.controlTopic()).isEqualTo("prod.control");
        assertThat(options.controlEnabled()).isTrue();
        assertThat(options.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(options.transactionalIdPrefix()).isEqualTo("vigil-prod");
        assertThat(options.transactionTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(options.clientProperties())
                .containsEntry("bootstrap.servers", "k1:9093,k2:9093")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", file.getProperty("kafka.sasl.jaas.config"))
                .containsEntry("ssl.truststore.location", "/etc/vigil/truststore.p12")
                .containsEntry("ssl.truststore.password", "trustpass")
                .containsEntry("ssl.keystore.location", "/etc/vigil/keystore.p12")
                .containsEntry("ssl.keystore.password", "storepass")
                .containsEntry("ssl.key.password", "keypass")
                .containsEntry("client.dns.lookup", "use_all_dns_ips")
                // An extra client property is applied last and wins.
                .containsEntry("security.protocol", "SSL")
                .doesNotContainKey("elasticsearch.url");
    }

    @Test
    void unknownKafkaKeyIsAnErrorNotIgnored() {
        Properties file = new Properties();
        file.setProperty("kafka.topic.event", "typo");

        assertThatThrownBy(() -> KafkaOptions.fromProperties(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Bad value for kafka.topic.event: unknown option; known: ")
                .hasMessageContaining("kafka.topic.events");
    }

    @Test
    void badValuesNameTheKeyAndTheChoices() {
        Properties file = new Properties();
        file.setProperty("kafka.starting.offsets", "beginning");

        assertThatThrownBy(() -> KafkaOptions.fromProperties(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Bad value for kafka.starting.offsets: 'beginning' is not one of earliest, latest, committed");

        Properties blank = new Properties();
        blank.setProperty("kafka.bootstrap.servers", " ");
        assertThatThrownBy(() -> KafkaOptions.fromProperties(blank))
                .hasMessage("Bad value for kafka.bootstrap.servers: bootstrap servers must not be blank");
    }

    @Test
    void keyStoreWithoutPasswordIsRefused() {
        assertThatThrownBy(() -> KafkaOptions.builder().keystore("/etc/ks.p12", null, null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka.ssl.keystore.password");
    }

    @Test
    void toStringShowsNoSecrets() {
        KafkaOptions options = KafkaOptions.builder()
                .securityProtocol(SecurityProtocol.SASL_SSL)
                .saslMechanism("PLAIN")
                .saslJaasConfig("PlainLoginModule required username=\"u\" password=\"jaas-secret\";")
                .truststore("/ts.p12", "trust-secret")
                .keystore("/ks.p12", "store-secret", "key-secret")
                .clientProperty("sasl.oauthbearer.client.secret", "oauth-secret")
                .clientProperty("client.id", "vigil-1")
                .build();

        assertThat(options.toString())
                .doesNotContain("jaas-secret", "trust-secret", "store-secret", "key-secret", "oauth-secret")
                .contains("/ts.p12", "/ks.p12", "PLAIN", "vigil-1");
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        KafkaOptions options = KafkaOptions.builder()
                .bootstrapServers("k:9092")
                .groupId("g")
                .clientProperty("fetch.min.bytes", "1024")
                .build();

        KafkaOptions copy = InstantiationUtil.clone(options);

        assertThat(copy.clientProperties()).isEqualTo(options.clientProperties());
        assertThat(copy.groupId()).isEqualTo("g");
        assertThat(copy.toString()).isEqualTo(options.toString());
    }

    @Test
    void toBuilderKeepsEverythingItDoesNotChange() {
        KafkaOptions options = KafkaOptions.builder()
                .bootstrapServers("k:9092")
                .casesTopic("c")
                .clientProperty("linger.ms", "20")
                .build();

        KafkaOptions changed = options.toBuilder().groupId("other").build();

        assertThat(changed.groupId()).isEqualTo("other");
        assertThat(changed.casesTopic()).isEqualTo("c");
        assertThat(changed.clientProperties()).containsEntry("linger.ms", "20").containsEntry("bootstrap.servers", "k:9092");
    }

    @Test
    void rawProductTopicsAreReadPerFormatAndAnUnknownFormatIsNamed() {
        Properties file = new Properties();
        file.setProperty("kafka.topic.raw.canonical", "legacy.events.json");
        file.setProperty("kafka.topic.raw.avro", "mirror.pum.events");
        KafkaOptions options = KafkaOptions.fromProperties(file);
        assertThat(options.rawTopics()).containsExactly(
                java.util.Map.entry("avro", "mirror.pum.events"), java.util.Map.entry("canonical", "legacy.events.json"));
        assertThat(options.toBuilder().build().rawTopics()).isEqualTo(options.rawTopics());
        assertThat(KafkaOptions.defaults("k:9092").rawTopics()).isEmpty();

        file.setProperty("kafka.topic.raw.syslog", "x");
        assertThatThrownBy(() -> KafkaOptions.fromProperties(file))
                .hasMessageStartingWith("Bad value for kafka.topic.raw.syslog: unknown format 'syslog' (known: canonical, avro");
    }
}
