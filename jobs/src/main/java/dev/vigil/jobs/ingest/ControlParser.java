package dev.vigil.jobs.ingest;

import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.control.ControlMessage;
import dev.vigil.connectors.control.ControlMessageCodec;
import dev.vigil.event.DeadLetter;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Reads control topic records as {@link ControlMessage}s. Whatever is not one this job knows (not JSON, a field
 * missing, a kind of a newer release) becomes a dead letter with the reason, and the job runs on with what it has.
 */
public class ControlParser extends ProcessFunction<RawRecord, ControlMessage> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("control-dead-letters") {};
    /**
     * Bytes of a control record kept in its dead letter: enough to recognise it, small enough for the dead-letter
     * topic, whose records are far smaller than a model.
     */
    public static final int KEPT_BYTES = 64 * 1024;

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<ControlMessage> out) {
        try {
            out.collect(ControlMessageCodec.decode(record.payload == null ? new byte[0] : record.payload));
        } catch (ControlMessageCodec.InvalidControlMessage e) {
            ctx.output(DEAD_LETTERS, deadLetter(record.origin, e.getMessage(), record.payload));
        }
    }

    /** A dead letter of the control channel; the payload is cut at {@link #KEPT_BYTES}. */
    public static DeadLetter deadLetter(String origin, String reason, byte[] payload) {
        byte[] bytes = payload == null ? new byte[0] : payload;
        byte[] kept = bytes.length > KEPT_BYTES ? Arrays.copyOf(bytes, KEPT_BYTES) : bytes;
        return DeadLetter.newBuilder()
                .setOrigin(origin == null ? "unknown" : origin)
                .setFormat("control")
                .setReason(reason)
                .setPayload(ByteBuffer.wrap(kept))
                .setPayloadText(EventParser.asText(kept))
                .setReceivedAt(System.currentTimeMillis())
                .build();
    }
}
