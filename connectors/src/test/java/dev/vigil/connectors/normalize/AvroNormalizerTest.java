package dev.vigil.connectors.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.connectors.RawRecord;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.InvalidRecordException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** Events already on Kafka when the schema grew stay readable. */
class AvroNormalizerTest {
    @Test
    void anEventWrittenWithTheEarlierSchemaIsReadIntoTheCurrentOne() throws Exception {
        Schema v1;
        try (InputStream in = getClass().getResourceAsStream("/dev/vigil/event/PrivilegedEvent.v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(v1.getField("principal_alias")).as("the earlier schema lacks the new fields").isNull();
        GenericRecord principal = new GenericData.Record(v1.getField("principal").schema());
        principal.put("id", "teleport:alice");
        principal.put("kind", new GenericData.EnumSymbol(principal.getSchema().getField("kind").schema(), "HUMAN"));
        GenericRecord e = new GenericData.Record(v1);
        e.put("event_id", "old-1");
        e.put("event_time", 1_773_000_000_000L);
        e.put("source", "teleport");
        e.put("type", new GenericData.EnumSymbol(v1.getField("type").schema(), "SESSION"));
        e.put("action", new GenericData.EnumSymbol(v1.getField("action").schema(), "START"));
        e.put("principal", principal);
        e.put("scope", List.of());
        e.put("request_ids", List.of());
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(e);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);

        AvroNormalizer avro = new AvroNormalizer();
        assertThat(avro.recognizes(bytes)).isTrue();
        List<PrivilegedEvent> events = avro.normalize(new RawRecord("pum.events/0/1", "avro", bytes));
        assertThat(events).singleElement().satisfies(x -> {
            assertThat(x.getEventId()).isEqualTo("old-1");
            assertThat(x.getPrincipal().getId()).isEqualTo("teleport:alice");
            assertThat(x.getPrincipalAlias()).isNull();
        });
        bytes[4] ^= 0x11;
        assertThatThrownBy(() -> avro.normalize(new RawRecord("pum.events/0/2", "avro", bytes)))
                .isInstanceOf(InvalidRecordException.class).hasMessageStartingWith("not a canonical Avro event:");
    }
}
