package dev.vigil.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.control.ControlMessage;
import dev.vigil.connectors.control.ControlMessageCodec;
import dev.vigil.event.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ControlParserTest {
    @Test
    void knownKindsPassAndEverythingElseIsADeadLetterWithItsReason() throws Exception {
        ControlMessage pack = new ControlMessage(ControlMessage.Kind.RULE_PACK, "3f2a9c01b7e4", "release 12",
                "carol@soc-1", 1_765_000_000_000L, "{\"files\":{}}".getBytes(StandardCharsets.UTF_8));
        String newer = new String(ControlMessageCodec.encode(pack), StandardCharsets.UTF_8).replace("RULE_PACK", "LOOKUP_TABLE");
        byte[] big = new byte[ControlParser.KEPT_BYTES + 10];

        try (var harness = ProcessFunctionTestHarnesses.forProcessFunction(new ControlParser())) {
            harness.processElement(new RawRecord("pum.control/0/0", "control", ControlMessageCodec.encode(pack)), 0);
            harness.processElement(new RawRecord("pum.control/0/1", "control", newer.getBytes(StandardCharsets.UTF_8)), 0);
            harness.processElement(new RawRecord("pum.control/0/2", "control", big), 0);

            assertThat(harness.extractOutputValues()).containsExactly(pack);
            assertThat(harness.getSideOutput(ControlParser.DEAD_LETTERS)).extracting(StreamRecord::getValue)
                    .satisfiesExactly(
                            d -> {
                                assertThat(d.getOrigin()).isEqualTo("pum.control/0/1");
                                assertThat(d.getReason()).startsWith("unknown control message kind 'LOOKUP_TABLE'");
                                assertThat(d.getPayloadText()).isEqualTo(newer);
                            },
                            d -> {
                                assertThat(((DeadLetter) d).getReason()).startsWith("not JSON");
                                assertThat(d.getPayload().remaining()).isEqualTo(ControlParser.KEPT_BYTES);
                            });
        }
    }
}
