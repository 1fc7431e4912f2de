package dev.vigil.schema.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.common.Severity;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.output.CaseStatus;
import dev.vigil.output.PumCase;

class AvroSingleObjectSerdeTest {

    private final AvroSingleObjectSerializer<PrivilegedEvent> serializer = new AvroSingleObjectSerializer<>();
    private final AvroSingleObjectDeserializer<PrivilegedEvent> deserializer =
            new AvroSingleObjectDeserializer<>(PrivilegedEvent.class);

    static PrivilegedEvent sessionCommand() {
        return PrivilegedEvent.newBuilder()
                .setEventId("tp-42")
                .setEventTime(1_767_225_600_000L)
                .setSource("teleport")
                .setType(EventType.SESSION)
                .setPrincipal(new Principal("alice", PrincipalKind.HUMAN, "10.0.0.7"))
                .setAction(Action.COMMAND)
                .setSessionId("s-1")
                .setTarget("db-prod-1")
                .setAccount("root")
                .setCommand("useradd -m backdoor")
                .setExitCode(0)
                .setRequestIds(List.of("req-7"))
                .build();
    }

    @Test
    void roundTripKeepsEveryField() {
        PrivilegedEvent event = sessionCommand();

        byte[] bytes = serializer.serialize("pum.events", event);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(deserializer.deserialize("pum.events", bytes)).isEqualTo(event);
    }

    @Test
    void writesTheSameBytesAsTheGeneratedEncoder() throws Exception {
        PrivilegedEvent event = sessionCommand();
        byte[] generated = PrivilegedEvent.getEncoder().encode(event).array();

        assertThat(serializer.serialize("t", event)).isEqualTo(generated);
    }

    @Test
    void nullStaysNullBothWays() {
        assertThat(serializer.serialize("t", null)).isNull();
        assertThat(deserializer.deserialize("t", null)).isNull();
    }

    @Test
    void anotherRecordTypeIsAnUnknownFingerprint() {
        PumCase pumCase = PumCase.newBuilder()
                .setCaseId("case-1")
                .setPrincipal(new Principal("alice", PrincipalKind.HUMAN, null))
                .setStatus(CaseStatus.OPEN)
                .setRiskScore(87)
                .setSeverity(Severity.HIGH)
                .setOpenedAt(1L)
                .setUpdatedAt(2L)
                .setSummary("self-approved grant")
                .build();
        byte[] caseBytes = new AvroSingleObjectSerializer<PumCase>().serialize("pum.cases", pumCase);

        assertThatThrownBy(() -> deserializer.deserialize("pum.events", caseBytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("PrivilegedEvent")
                .hasMessageContaining("unknown schema fingerprint")
                .hasMessageContaining(String.format("0x%016x", deserializer.fingerprint()));
    }

    @Test
    void alteredFingerprintIsRejected() {
        byte[] bytes = serializer.serialize("t", sessionCommand());
        bytes[5] ^= 0x10;

        assertThatThrownBy(() -> deserializer.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown schema fingerprint");
    }

    @Test
    void foreignBytesAreBadMagic() {
        byte[] json = "{\"event_id\":\"x\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> deserializer.decode(json))
                .isInstanceOf(SerializationException.class)
                .hasMessage("Not a PrivilegedEvent in Avro single-object encoding: "
                        + "bad magic: starts with 0x7B 0x22, expected 0xC3 0x01");
    }

    @Test
    void truncatedHeaderIsNamed() {
        byte[] bytes = Arrays.copyOf(serializer.serialize("t", sessionCommand()), 6);

        assertThatThrownBy(() -> deserializer.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated: 6 bytes, shorter than the 10-byte single-object header");
    }

    @Test
    void emptyPayloadIsTruncated() {
        assertThatThrownBy(() -> deserializer.decode(new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated: 0 bytes");
    }

    @Test
    void truncatedBodyIsNamed() {
        byte[] full = serializer.serialize("t", sessionCommand());
        byte[] cut = Arrays.copyOf(full, full.length - 8);

        assertThatThrownBy(() -> deserializer.decode(cut))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated: the body ends early (" + cut.length + " bytes in all)");
    }

    @Test
    void absurdLengthBehindAValidHeaderIsTruncatedNotAnAllocation() {
        // The first field is the event id string: claim 2 GB for it after a genuine header.
        byte[] header = Arrays.copyOf(serializer.serialize("t", sessionCommand()), 10);
        byte[] bytes = Arrays.copyOf(header, 20);
        int end = writeZigZagVarLong(bytes, 10, 2_000_000_000L);

        byte[] forged = Arrays.copyOf(bytes, end + 3);
        assertThatThrownBy(() -> deserializer.decode(forged))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated: the body ends early");
    }

    @Test
    void bytesAfterTheRecordAreRejected() {
        byte[] full = serializer.serialize("t", sessionCommand());
        byte[] padded = Arrays.copyOf(full, full.length + 2);

        assertThatThrownBy(() -> deserializer.decode(padded))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("malformed body: bytes left over after the record");
    }

    private static int writeZigZagVarLong(byte[] target, int offset, long value) {
        long zigZag = (value << 1) ^ (value >> 63);
        int i = offset;
        while ((zigZag & ~0x7FL) != 0) {
            target[i++] = (byte) ((zigZag & 0x7F) | 0x80);
            zigZag >>>= 7;
        }
        target[i++] = (byte) zigZag;
        return i;
    }

    @Test
    void everyMessageIsOneLine() {
        byte[] full = serializer.serialize("t", sessionCommand());
        List<byte[]> bad = List.of(new byte[] {1, 2, 3}, Arrays.copyOf(full, 3), Arrays.copyOf(full, full.length / 2));
        for (byte[] payload : bad) {
            assertThatThrownBy(() -> deserializer.decode(payload))
                    .isInstanceOf(SerializationException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void recordMissingARequiredFieldFailsWithItsType() {
        PrivilegedEvent incomplete = sessionCommand();
        incomplete.setSource(null);

        assertThatThrownBy(() -> serializer.serialize("pum.events", incomplete))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot encode PrivilegedEvent for topic pum.events");
    }
}
