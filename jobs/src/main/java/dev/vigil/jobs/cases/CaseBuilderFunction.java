package dev.vigil.jobs.cases;

import dev.vigil.output.Finding;
import dev.vigil.output.PumCase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Groups findings into cases: keyed by {@link CaseKeys#caseId}, it keeps the case's findings and emits the
 * re-scored case whenever the watermark passes a finding it has not shown yet, so one case is updated
 * (same id, upserted downstream) rather than multiplied.
 *
 * <p>A case shows the findings whose event time the watermark has passed; the output for a given input
 * therefore does not depend on how findings were ordered within the watermark's bound. A finding re-emitted
 * with an id the case already holds changes nothing (finding ids are deterministic; the first copy is kept).
 *
 * <p>State is kept until the idle horizon (event time) has passed after the case's latest finding, then
 * cleared. A finding that arrives after that re-opens a case with the same id holding only the new
 * findings, which replaces the earlier version downstream; keep the horizon well above the allowed
 * lateness and the longest rule horizon.
 */
public class CaseBuilderFunction extends KeyedProcessFunction<String, Finding, PumCase> {

    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_IDLE_HORIZON = Duration.ofDays(7);

    private final long idleHorizonMs;

    private transient MapState<String, Finding> findings;
    private transient ValueState<Integer> shownFindings;
    private transient ValueState<Long> latestFindingAt;
    private transient ValueState<Long> expiresAt;

    public CaseBuilderFunction() {
        this(DEFAULT_IDLE_HORIZON);
    }

    /** @param idleHorizon event time after a case's latest finding at which its state is cleared */
    public CaseBuilderFunction(Duration idleHorizon) {
        if (idleHorizon == null || idleHorizon.isNegative() || idleHorizon.isZero()) {
            throw new IllegalArgumentException("case idle horizon must be positive, got " + idleHorizon);
        }
        this.idleHorizonMs = idleHorizon.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        findings = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("case-findings", Types.STRING, new AvroTypeInfo<>(Finding.class)));
        shownFindings = getRuntimeContext().getState(new ValueStateDescriptor<>("case-shown-findings", Types.INT));
        latestFindingAt = getRuntimeContext().getState(new ValueStateDescriptor<>("case-latest-finding-at", Types.LONG));
        expiresAt = getRuntimeContext().getState(new ValueStateDescriptor<>("case-expires-at", Types.LONG));
    }

    @Override
    public void processElement(Finding finding, Context ctx, Collector<PumCase> out) throws Exception {
        if (findings.contains(finding.getFindingId())) {
            return;
        }
        findings.put(finding.getFindingId(), finding);
        long at = finding.getEventTime();
        ctx.timerService().registerEventTimeTimer(at);

        Long latest = latestFindingAt.value();
        if (latest == null || at > latest) {
            latestFindingAt.update(at);
            long expiry = saturatedAdd(at, idleHorizonMs);
            Long previousExpiry = expiresAt.value();
            // An old expiry timer only coincides with a pending emission timer when this very finding sits on it.
            if (previousExpiry != null && previousExpiry != at) {
                ctx.timerService().deleteEventTimeTimer(previousExpiry);
            }
            expiresAt.update(expiry);
            ctx.timerService().registerEventTimeTimer(expiry);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PumCase> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        List<Finding> passed = new ArrayList<>();
        for (Finding f : findings.values()) {
            if (f.getEventTime() <= watermark) {
                passed.add(f);
            }
        }
        // Findings only accumulate and the watermark only advances, so the passed set grows monotonically
        // and its size tells whether anything new is to be shown.
        Integer shown = shownFindings.value();
        if (!passed.isEmpty() && (shown == null || shown != passed.size())) {
            out.collect(CaseAssembler.assemble(ctx.getCurrentKey(), passed));
            shownFindings.update(passed.size());
        }

        Long expiry = expiresAt.value();
        if (expiry != null && timestamp >= expiry) {
            findings.clear();
            shownFindings.clear();
            latestFindingAt.clear();
            expiresAt.clear();
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
