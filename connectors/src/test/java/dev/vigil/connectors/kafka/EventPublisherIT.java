package dev.vigil.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.vigil.connectors.kafka.embedded.EmbeddedKafka;
import dev.vigil.connectors.testing.KafkaExtension;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.kafka.AvroSingleObjectDeserializer;

@ExtendWith(KafkaExtension.class)
class EventPublisherIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void eventsAreKeyedByPrincipalAndRawBytesPassUnchanged(EmbeddedKafka kafka) {
        String topic = KafkaExtension.uniqueTopic("events");
        kafka.createTopics(3, topic);
        KafkaOptions options = KafkaOptions.defaults(kafka.bootstrapServers());

        try (EventPublisher publisher = new EventPublisher(options, topic)) {
            for (int i = 0; i < 40; i++) {
                publisher.publish(KafkaSourcesIT.command(i));
            }
            publisher.publishRaw(null, new byte[] {1, 2, 3});
            publisher.flush();
            assertThat(publisher.acknowledged()).isEqualTo(41);
        }

        List<ConsumerRecord<String, byte[]>> records = KafkaExtension.consume(topic, new StringDeserializer(),
                new ByteArrayDeserializer(), 41, DEADLINE);
        assertThat(records).hasSize(41);
        AvroSingleObjectDeserializer<PrivilegedEvent> reader = new AvroSingleObjectDeserializer<>(PrivilegedEvent.class);
        assertThat(records).filteredOn(r -> r.key() != null).hasSize(40).allSatisfy(r -> assertThat(r.key())
                .isEqualTo(reader.decode(r.value()).getPrincipal().getId()));
        assertThat(records).filteredOn(r -> r.key() == null).singleElement()
                .satisfies(r -> assertThat(r.value()).containsExactly(1, 2, 3));
        // One principal, one partition: its events keep their order.
        assertThat(records).filteredOn(r -> "user-3".equals(r.key()))
                .extracting(ConsumerRecord::partition).hasSize(3).containsOnly(records.stream()
                        .filter(r -> "user-3".equals(r.key())).findFirst().orElseThrow().partition());
    }

    @Test
    void aFailedSendIsReportedNotLost(EmbeddedKafka kafka) {
        String topic = KafkaExtension.uniqueTopic("events");
        kafka.createTopics(1, topic);
        KafkaOptions options = KafkaOptions.defaults(kafka.bootstrapServers());

        EventPublisher publisher = new EventPublisher(options, topic);
        publisher.publishRaw("big", new byte[2 * 1024 * 1024]);

        assertThatThrownBy(publisher::flush)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Publishing to " + topic + " failed")
                .hasMessageContaining("RecordTooLargeException");
        assertThatThrownBy(() -> publisher.publishRaw("next", new byte[] {1}))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(publisher::close).isInstanceOf(IllegalStateException.class);
    }
}
