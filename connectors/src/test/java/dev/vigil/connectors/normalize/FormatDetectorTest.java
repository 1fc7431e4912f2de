package dev.vigil.connectors.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormatDetectorTest {
    static final String CANONICAL = "{\"event_id\":\"e1\",\"event_time\":\"2026-03-01T10:00:00Z\",\"source\":\"teleport\","
            + "\"type\":\"SESSION\",\"action\":\"START\",\"principal\":{\"id\":\"teleport:alice\",\"kind\":\"HUMAN\"}}";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] avro() throws Exception {
        PrivilegedEvent e = PrivilegedEvent.newBuilder().setEventId("e1").setEventTime(0L).setSource("s")
                .setType(EventType.SESSION).setAction(Action.START)
                .setPrincipal(Principal.newBuilder().setId("alice").setKind(PrincipalKind.HUMAN).build()).build();
        ByteBuffer b = e.toByteBuffer();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    @Test
    void canonicalJsonIsRecognizedByItsOwnFields() {
        assertThat(FormatDetector.detect(List.of(utf8(CANONICAL)))).isEqualTo("canonical");
        assertThat(new CanonicalJsonNormalizer().recognizes("{\"event_id\":\"x\",\"time\":1}")).isFalse();
        assertThat(new CanonicalJsonNormalizer().recognizes("{\"event_id\": broken")).isFalse();
        assertThat(new CanonicalJsonNormalizer().recognizes("event_id=1")).isFalse();
    }

    @Test
    void avroSingleObjectEncodingIsRecognizedByMarkerAndFingerprint() throws Exception {
        byte[] bytes = avro();
        assertThat(FormatDetector.detect(List.of(bytes))).isEqualTo("avro");
        byte[] otherSchema = bytes.clone();
        otherSchema[5] ^= 0x55;
        assertThat(new AvroNormalizer().recognizes(otherSchema)).isFalse();
        assertThat(new AvroNormalizer().recognizes(new byte[] {(byte) 0xC3, 0x01})).isFalse();
    }

    @Test
    void theFormatRecognizingMostSampledRecordsWinsAndNothingIsNull() throws Exception {
        assertThat(FormatDetector.detect(List.of(utf8("garbage"), utf8(CANONICAL), utf8(CANONICAL)))).isEqualTo("canonical");
        assertThat(FormatDetector.detect(List.of(utf8("garbage"), utf8("<xml/>")))).isNull();
        assertThat(FormatDetector.detect(List.of())).isNull();
    }

    @Test
    void everyRegisteredFormatThatClaimsRecognitionRecognizesNothingElsesFirstRecord() throws Exception {
        // A detection predicate must be specific: none may claim another format's record.
        for (String format : Normalizers.formats()) {
            Normalizer n = Normalizers.forFormat(format);
            if (!format.equals("canonical")) {
                assertThat(n.recognizes(utf8(CANONICAL))).as("%s claims a canonical record", format).isFalse();
            }
            if (!format.equals("avro")) {
                assertThat(n.recognizes(avro())).as("%s claims an Avro record", format).isFalse();
            }
        }
    }
}
