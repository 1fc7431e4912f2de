package dev.vigil.jobs.anomaly;

import dev.vigil.connectors.control.ControlMessage;
import dev.vigil.connectors.control.ControlMessageCodec;
import dev.vigil.jobs.ingest.ControlParser;
import dev.vigil.event.DeadLetter;
import dev.vigil.output.Finding;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PUM-100 scoring ({@link AnomalyScoringFunction}'s logic and keyed state, keyed by peer group) that also follows the control topic: a
 * {@link ControlMessage.Kind#MODEL} message carries a new model artifact, which each task checks exactly as
 * {@code --model} does ({@link AnomalyModel#parse}: format, format version, the feature list against this
 * release's catalogue, a readable forest). An accepted model scores every unit closing from then on, and the
 * baselines are kept; a refused one is logged and dead-lettered with the reason while the running model goes on.
 *
 * <p>The accepted message is kept in broadcast state, so a job restored from a checkpoint scores with the model it
 * had, not the one it was started with. Other kinds of control message are for other operators and are ignored.
 */
public class ControlledAnomalyScoring extends KeyedBroadcastProcessFunction<String, ClosedUnit, ControlMessage, Finding> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ControlledAnomalyScoring.class);

    /** Broadcast state: {@code "MODEL"} to the encoded control message of the model in force. */
    public static final MapStateDescriptor<String, byte[]> MODEL_STATE =
            new MapStateDescriptor<>("anomaly-model-in-force", Types.STRING,
                    org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("anomaly-model-dead-letters") {};
    private static final String KEY = ControlMessage.Kind.MODEL.name();

    /**
     * Watermarks for the control stream: the end of time, from the first periodic emission on. Control messages
     * carry no event time, and a two-input operator runs on the smaller of its inputs' watermarks, so without this
     * the scoring's event-time timers would wait on the control topic forever.
     */
    public static final WatermarkStrategy<ControlMessage> NEVER_HOLDS_BACK = WatermarkStrategy.forGenerator(
            context -> new WatermarkGenerator<>() {
                @Override
                public void onEvent(ControlMessage message, long timestamp, WatermarkOutput output) {}

                @Override
                public void onPeriodicEmit(WatermarkOutput output) {
                    output.emitWatermark(new Watermark(Long.MAX_VALUE));
                }
            });

    private final AnomalyScoringFunction scoring;
    /** Version of the message the scorer runs, null for the start-up model; checked against broadcast state. */
    private transient String inForce;
    private transient boolean restoreChecked;
    private transient Counter swaps;
    private transient Counter refused;

    public ControlledAnomalyScoring(AnomalyModel model) {
        this(model, AnomalyScoringFunction.DEFAULT_PROFILE_RETENTION);
    }

    public ControlledAnomalyScoring(AnomalyModel model, Duration profileRetention) {
        this.scoring = new AnomalyScoringFunction(model, profileRetention);
    }

    /** The model scoring now; null when units are scored on baselines alone. */
    public AnomalyModel model() {
        return scoring.model();
    }

    @Override
    public void open(OpenContext context) {
        scoring.openState(getRuntimeContext());
        swaps = getRuntimeContext().getMetricGroup().counter("anomaly.modelSwaps");
        refused = getRuntimeContext().getMetricGroup().counter("anomaly.modelsRefused");
    }

    @Override
    public void processElement(ClosedUnit unit, ReadOnlyContext ctx, Collector<Finding> out) throws Exception {
        adoptRestored(ctx.getBroadcastState(MODEL_STATE));
        scoring.process(unit, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out) throws Exception {
        adoptRestored(ctx.getBroadcastState(MODEL_STATE));
        scoring.fire(timestamp, ctx.timerService(), out);
    }

    @Override
    public void processBroadcastElement(ControlMessage message, Context ctx, Collector<Finding> out) throws Exception {
        if (message.kind != ControlMessage.Kind.MODEL) {
            return;
        }
        restoreChecked = true;
        if (message.version.equals(inForce)) {
            LOG.info("Anomaly model {} is the one running already", message.describe());
            return;
        }
        AnomalyModel next;
        try {
            next = AnomalyModel.parse(message.payload, "control message " + message.describe());
        } catch (InvalidModelException e) {
            refused.inc();
            String running = describe(scoring.model());
            int task = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            LOG.warn("Anomaly model {} refused by task {}; {} keeps running: {}", message.describe(), task, running,
                    e.getMessage());
            ctx.output(DEAD_LETTERS, ControlParser.deadLetter("anomaly-model " + message.version + " task " + task,
                    "anomaly model " + message.describe() + " refused, " + running + " keeps running: " + e.getMessage(),
                    ControlMessageCodec.encode(message)));
            return;
        }
        LOG.info("Anomaly model {} replaces {} in task {}", message.describe(), describe(scoring.model()),
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        scoring.replaceModel(next);
        inForce = message.version;
        swaps.inc();
        ctx.getBroadcastState(MODEL_STATE).put(KEY, ControlMessageCodec.encode(message));
    }

    /** After a restore, the broadcast state names the model the job ran; adopt it once, before scoring anything. */
    private void adoptRestored(ReadOnlyBroadcastState<String, byte[]> state) throws Exception {
        if (restoreChecked) {
            return;
        }
        restoreChecked = true;
        byte[] kept = state.get(KEY);
        if (kept == null) {
            return;
        }
        ControlMessage message = ControlMessageCodec.decode(kept);
        if (!message.version.equals(inForce)) {
            scoring.replaceModel(AnomalyModel.parse(message.payload, "restored " + message.describe()));
            inForce = message.version;
            LOG.info("Anomaly model {} restored from the checkpoint", message.describe());
        }
    }

    private static String describe(AnomalyModel model) {
        return model == null ? "scoring on baselines alone" : "model " + model.version();
    }
}
