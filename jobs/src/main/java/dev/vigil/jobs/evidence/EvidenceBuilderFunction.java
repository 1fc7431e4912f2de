package dev.vigil.jobs.evidence;

import dev.vigil.event.Action;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.EventType;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.jobs.cases.CaseKeys;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.Finding;
import dev.vigil.output.GrantRequest;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Builds the evidence records of one principal (the key): one per grant, per session without a grant and
 * per day of secret acts with neither, joining the request, its sessions and behaviour (late events
 * included) and the findings about them, with their case ids.
 *
 * <p>Emission is on event time: a changed record is emitted when the watermark reaches the next multiple
 * of the update interval after the change (or at any earlier timer of the same principal), at once when a
 * session or grant ends (END, EXPIRED, REVOKED), and again when a grant's window end passes without an end
 * event (its residency then changes). Repeated events (same record, same event id) and findings change
 * nothing and emit nothing. Records leave in state-key order within one timer. At the end
 * of a bounded input the final watermark emits every record. Each record's state is cleared once the
 * retention horizon has passed after its latest event or finding (and after the end of its grant's window,
 * held at most {@link #MAX_WINDOW_HOLD} beyond the latest activity); an event arriving later than that
 * starts the record afresh under the same id and replaces it downstream, so keep the horizon above the
 * allowed lateness.
 *
 * <p>Events that cannot be filed (an ELEVATION without request_id, a SESSION event with neither grant nor
 * session) go to {@link #UNPLACED} with the reason.
 */
public class EvidenceBuilderFunction extends KeyedCoProcessFunction<String, LabelledEvent, Finding, EvidenceRecord> {

    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_UPDATE_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    /** How far past its latest activity a record is held waiting for its grant's window to end. */
    public static final Duration MAX_WINDOW_HOLD = Duration.ofDays(30);

    /** Events the builder cannot file under any record, with the reason. */
    public static final OutputTag<DeadLetter> UNPLACED =
            new OutputTag<>("evidence-unplaced", new AvroTypeInfo<>(DeadLetter.class));

    private static final String SEEN_SEPARATOR = "\n";

    private final long updateIntervalMs;
    private final long retentionMs;
    private final int behaviourLimit;

    private transient MapState<String, EvidenceState> records;
    private transient MapState<String, RecordSchedule> schedules;
    /** State key + separator + event id of every event folded in: repeats change nothing. */
    private transient MapState<String, Boolean> seen;

    public EvidenceBuilderFunction() {
        this(DEFAULT_UPDATE_INTERVAL, DEFAULT_RETENTION, EvidenceState.DEFAULT_BEHAVIOUR_LIMIT);
    }

    /**
     * @param updateInterval event-time granularity of updates of a changed record
     * @param retention      event time after a record's latest activity at which its state is cleared
     * @param behaviourLimit behaviour items listed per record; further acts are counted only
     */
    public EvidenceBuilderFunction(Duration updateInterval, Duration retention, int behaviourLimit) {
        if (updateInterval == null || updateInterval.toMillis() <= 0) {
            throw new IllegalArgumentException("evidence update interval must be at least 1 ms, got " + updateInterval);
        }
        if (retention == null || retention.toMillis() <= 0) {
            throw new IllegalArgumentException("evidence retention must be positive, got " + retention);
        }
        if (behaviourLimit < 0) {
            throw new IllegalArgumentException("behaviour limit must not be negative, got " + behaviourLimit);
        }
        this.updateIntervalMs = updateInterval.toMillis();
        this.retentionMs = retention.toMillis();
        this.behaviourLimit = behaviourLimit;
    }

    /** The key of the first input: the acting principal's id. */
    public static String principalOf(LabelledEvent labelled) {
        return labelled.getEvent().getPrincipal().getId();
    }

    /** The key of the second input: the finding's principal id. */
    public static String principalOf(Finding finding) {
        return finding.getPrincipal().getId();
    }

    @Override
    public void open(OpenContext openContext) {
        records = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "evidence-records", Types.STRING, TypeInformation.of(EvidenceState.class)));
        schedules = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "evidence-schedules", Types.STRING, TypeInformation.of(RecordSchedule.class)));
        seen = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "evidence-seen-events", Types.STRING, Types.BOOLEAN));
    }

    @Override
    public void processElement1(LabelledEvent labelled, Context ctx, Collector<EvidenceRecord> out) throws Exception {
        EvidenceRoute route;
        try {
            route = EvidenceRoute.of(labelled);
        } catch (IllegalArgumentException unplaceable) {
            ctx.output(UNPLACED, deadLetter(labelled, unplaceable.getMessage(), ctx.timerService()));
            return;
        }
        PrivilegedEvent event = labelled.getEvent();
        String stateKey = route.stateKey();
        String seenKey = stateKey + SEEN_SEPARATOR + event.getEventId();
        if (seen.contains(seenKey)) {
            return;
        }
        seen.put(seenKey, Boolean.TRUE);

        EvidenceState state = records.get(stateKey);
        if (state == null) {
            state = EvidenceState.open(route);
        }
        state.addEvent(labelled, behaviourLimit);
        records.put(stateKey, state);

        boolean ends = (event.getType() == EventType.SESSION && event.getAction() == Action.END)
                || (event.getType() == EventType.ELEVATION
                    && (event.getAction() == Action.EXPIRED || event.getAction() == Action.REVOKED));
        changed(stateKey, state, event.getEventTime(), ends, ctx.timerService());
    }

    @Override
    public void processElement2(Finding finding, Context ctx, Collector<EvidenceRecord> out) throws Exception {
        EvidenceRoute route = EvidenceRoute.of(finding);
        String stateKey = route.stateKey();
        EvidenceState state = records.get(stateKey);
        if (state == null) {
            state = EvidenceState.open(route);
        }
        if (!state.addFinding(finding, CaseKeys.caseId(finding))) {
            return;
        }
        records.put(stateKey, state);
        changed(stateKey, state, finding.getEventTime(), false, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EvidenceRecord> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        List<String> due = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, RecordSchedule> entry : schedules.entries()) {
            if (entry.getValue().dueAt(watermark)) {
                due.add(entry.getKey());
            }
            if (entry.getValue().expiresAt <= timestamp) {
                expired.add(entry.getKey());
            }
        }
        // Map state iterates in no fixed order; records leave in key order so output does not depend on it.
        Collections.sort(due);
        for (String stateKey : due) {
            EvidenceState state = records.get(stateKey);
            out.collect(EvidenceAssembler.assemble(ctx.getCurrentKey(), state, watermark));
            RecordSchedule schedule = schedules.get(stateKey);
            schedule.dirty = false;
            schedule.lastEmittedAsOf = watermark;
            schedules.put(stateKey, schedule);
        }
        for (String stateKey : expired) {
            records.remove(stateKey);
            schedules.remove(stateKey);
            forgetSeen(stateKey);
        }
    }

    private void changed(String stateKey, EvidenceState state, long at, boolean ends, TimerService timers)
            throws Exception {
        RecordSchedule schedule = schedules.get(stateKey);
        if (schedule == null) {
            schedule = new RecordSchedule();
        }
        schedule.dirty = true;
        timers.registerEventTimeTimer(nextTick(at));
        if (ends) {
            timers.registerEventTimeTimer(at);
        }

        GrantRequest request = state.currentRequest();
        long activity = state.lastActivityAt();
        long holdUntil = activity;
        schedule.windowEnd = null;
        if (request != null) {
            Long windowEnd = request.getWindowEnd();
            if (windowEnd != null && request.getEndedAt() == null) {
                schedule.windowEnd = windowEnd;
                if (schedule.lastEmittedAsOf < windowEnd) {
                    timers.registerEventTimeTimer(windowEnd);
                }
            }
            Long grantOver = request.getEndedAt() != null ? request.getEndedAt() : windowEnd;
            if (grantOver != null) {
                holdUntil = Math.max(holdUntil, Math.min(grantOver, saturatedAdd(activity, MAX_WINDOW_HOLD.toMillis())));
            }
        }
        // Rounded up to the update interval so a busy record shares timers instead of adding one per event.
        long expiresAt = nextTick(saturatedAdd(holdUntil, retentionMs) - 1);
        if (expiresAt > schedule.expiresAt) {
            schedule.expiresAt = expiresAt;
            timers.registerEventTimeTimer(expiresAt);
        }
        schedules.put(stateKey, schedule);
    }

    /** The first multiple of the update interval strictly after {@code at}. */
    private long nextTick(long at) {
        if (at >= Long.MAX_VALUE - updateIntervalMs) {
            return Long.MAX_VALUE;
        }
        return Math.floorDiv(at, updateIntervalMs) * updateIntervalMs + updateIntervalMs;
    }

    private void forgetSeen(String stateKey) throws Exception {
        String prefix = stateKey + SEEN_SEPARATOR;
        List<String> forget = new ArrayList<>();
        for (String seenKey : seen.keys()) {
            if (seenKey.startsWith(prefix)) {
                forget.add(seenKey);
            }
        }
        for (String seenKey : forget) {
            seen.remove(seenKey);
        }
    }

    private static DeadLetter deadLetter(LabelledEvent labelled, String reason, TimerService timers) throws Exception {
        PrivilegedEvent event = labelled.getEvent();
        String origin = event == null ? "evidence builder"
                : event.getRawRef() != null ? event.getRawRef() : "event " + event.getEventId();
        ByteBuffer bytes = labelled.toByteBuffer();
        return DeadLetter.newBuilder()
                .setOrigin(origin)
                .setFormat("LabelledEvent")
                .setReason("not filed in evidence: " + reason)
                .setPayload(bytes)
                .setReceivedAt(timers.currentProcessingTime())
                .build();
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }
}
