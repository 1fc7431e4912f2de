package dev.vigil.connectors.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class ControlMessageCodecTest {
    private static final ControlMessage PACK = new ControlMessage(ControlMessage.Kind.RULE_PACK, "3f2a9c01b7e4",
            "release 12", "carol@soc-1", 1_765_000_000_000L, new byte[] {0, 1, 2, (byte) 255});

    @Test
    void aMessageSurvivesTheRoundTrip() throws Exception {
        ControlMessage back = ControlMessageCodec.decode(ControlMessageCodec.encode(PACK));
        assertThat(back).isEqualTo(PACK);
        assertThat(back.describe()).isEqualTo("RULE_PACK 3f2a9c01b7e4 \"release 12\"");
    }

    @Test
    void anUnknownKindIsRefusedWithItsName() {
        String newer = new String(ControlMessageCodec.encode(PACK), StandardCharsets.UTF_8)
                .replace("RULE_PACK", "LOOKUP_TABLE");
        assertThatThrownBy(() -> ControlMessageCodec.decode(newer.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ControlMessageCodec.InvalidControlMessage.class)
                .hasMessageStartingWith("unknown control message kind 'LOOKUP_TABLE'");
    }

    @Test
    void brokenMessagesAreRefusedWithAReason() {
        assertThatThrownBy(() -> ControlMessageCodec.decode("{not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> ControlMessageCodec.decode("[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("not a JSON object");
        assertThatThrownBy(() -> ControlMessageCodec.decode(
                "{\"kind\":\"RULE_PACK\",\"version\":\"v\",\"created_at\":1,\"payload\":\"***\"}"
                        .getBytes(StandardCharsets.UTF_8)))
                .hasMessage("payload must be base64 text");
        assertThatThrownBy(() -> ControlMessageCodec.decode(
                "{\"kind\":\"RULE_PACK\",\"created_at\":1,\"payload\":\"\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("missing or non-text field 'version'");
    }

    @Test
    void flinkCarriesItAsAPojoNotThroughKryo() {
        assertThat(TypeInformation.of(ControlMessage.class)).isInstanceOf(PojoTypeInfo.class);
    }
}
