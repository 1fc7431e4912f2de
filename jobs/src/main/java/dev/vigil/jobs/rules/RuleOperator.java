package dev.vigil.jobs.rules;

import dev.vigil.event.LabelledEvent;
import dev.vigil.output.Finding;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.RuleEngine;
import dev.vigil.rules.engine.RuleStats;
import dev.vigil.rules.pack.RulePack;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs the rule pack over labelled events keyed by principal: one {@link RuleEngine} (one Esper runtime) per
 * parallel task, its clock moved by each event's time and by every watermark, which is when rules waiting for an
 * absence fire. Findings leave with their own event time as timestamp.
 *
 * <p>Input arrives in non-decreasing event time per task (the grant context releases events in order), so Esper
 * sees what it would have seen live. Esper's pattern state is not part of a Flink checkpoint, so each principal's
 * recent events, as far back as the pack's longest horizon, are kept in keyed state; after a restore a fresh engine
 * replays them all in event-time order, then moves on to the clock the checkpoint was taken at. Findings of the
 * replay are dropped (they were emitted before the checkpoint); any emitted again later carry the same
 * deterministic ids, so nothing downstream is doubled.
 */
public class RuleOperator extends AbstractStreamOperator<Finding>
        implements OneInputStreamOperator<LabelledEvent, Finding>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    /** Per-rule evaluation time is measured on one event in this many; see {@link RuleStats#evaluationNanos()}. */
    public static final int DEFAULT_TIMING_SAMPLE_EVERY = 128;
    /** Recent events kept per principal for a rebuild after a restore, unless told otherwise. */
    public static final int DEFAULT_MAX_REPLAY_EVENTS = 1000;

    /** State names; stable, since checkpoints and savepoints find state by them. */
    static final String RECENT_STATE = "recent-events";
    static final String SPAN_STATE = "recent-span";
    static final String CLOCK_STATE = "engine-clock";
    private static final String TRIM_TIMERS = "recent-events-trim";

    private final RulePack pack;
    private final int timingSampleEvery;
    private final long horizonMillis;
    private final long trimSlackMillis;
    private final int maxReplayEvents;

    private transient RuleEngine engine;
    private transient Map<String, Counter> matches;
    private transient Histogram evaluationNanos;
    private transient Counter replayedEvents;
    private transient boolean copyBeforeKeeping;
    private transient ListStateDescriptor<LabelledEvent> recentDescriptor;
    private transient ListState<LabelledEvent> recent;
    private transient ValueState<RecentSpan> span;
    private transient ListState<EngineClock> clockState;
    private transient InternalTimerService<VoidNamespace> trimTimers;
    /** The engine clock to rebuild up to after a restore; null when the task starts afresh. */
    private transient Long restoredClock;

    public RuleOperator(RulePack pack) {
        this(pack, DEFAULT_TIMING_SAMPLE_EVERY, DEFAULT_MAX_REPLAY_EVENTS);
    }

    /** @param timingSampleEvery measure per-rule evaluation time on every n-th event; 0 turns it off */
    public RuleOperator(RulePack pack, int timingSampleEvery) {
        this(pack, timingSampleEvery, DEFAULT_MAX_REPLAY_EVENTS);
    }

    /**
     * @param timingSampleEvery measure per-rule evaluation time on every n-th event; 0 turns it off
     * @param maxReplayEvents most recent events kept per principal to rebuild rule state after a restore; a
     *     principal busier than this within the pack's longest horizon has only its latest events replayed
     */
    public RuleOperator(RulePack pack, int timingSampleEvery, int maxReplayEvents) {
        if (maxReplayEvents < 1) {
            throw new IllegalArgumentException("maxReplayEvents must be positive, got " + maxReplayEvents);
        }
        this.pack = pack;
        this.timingSampleEvery = timingSampleEvery;
        this.horizonMillis = pack.longestHorizon().toMillis();
        // Trimming rewrites a principal's list: doing it only once the oldest event is this much past the horizon
        // makes its cost per event small, for a little more state.
        this.trimSlackMillis = Math.max(1000, horizonMillis / 8);
        this.maxReplayEvents = maxReplayEvents;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        recentDescriptor = new ListStateDescriptor<>(RECENT_STATE, new AvroTypeInfo<>(LabelledEvent.class));
        recent = context.getKeyedStateStore().getListState(recentDescriptor);
        span = context.getKeyedStateStore().getState(new ValueStateDescriptor<>(SPAN_STATE, RecentSpan.TYPE));
        // Union state: after a rescale every task sees every old task's clock and takes the earliest.
        clockState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>(CLOCK_STATE, EngineClock.TYPE));
        restoredClock = context.isRestored() ? restoredClock(clockState.get()) : null;
    }

    private Long restoredClock(Iterable<EngineClock> clocks) {
        TaskInfo task = getRuntimeContext().getTaskInfo();
        long earliest = Long.MAX_VALUE;
        for (EngineClock c : clocks) {
            if (c.subtask() == task.getIndexOfThisSubtask() && c.parallelism() == task.getNumberOfParallelSubtasks()) {
                // Same parallelism, same key groups: this task's own clock, exactly.
                return c.time();
            }
            earliest = Math.min(earliest, c.time());
        }
        // Rescaled: an earlier clock only lets rules fire again (same ids); a later one could skip findings.
        return earliest == Long.MAX_VALUE ? Long.MIN_VALUE : earliest;
    }

    @Override
    public void open() throws Exception {
        super.open();
        TaskInfo task = getRuntimeContext().getTaskInfo();
        String name = "vigil-rules-" + getRuntimeContext().getJobInfo().getJobId() + "-"
                + getOperatorID() + "-" + task.getIndexOfThisSubtask() + "-" + task.getAttemptNumber();
        // Compiled here, in the task, from the serializable sources: Esper's byte code stays in this class loader.
        engine = new RuleEngine(CompiledPack.compile(pack),
                RuleEngine.Options.defaults().withName(name).withTimingSampleEvery(timingSampleEvery));
        trimTimers = getInternalTimerService(TRIM_TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        // With object reuse the upstream may refill the object it handed over; the heap backend keeps references.
        copyBeforeKeeping = getExecutionConfig().isObjectReuseEnabled();

        MetricGroup metrics = getMetricGroup().addGroup("rules");
        metrics.gauge("packVersion", (Gauge<String>) pack::version);
        evaluationNanos = metrics.histogram("eventEvaluationNanos", new DescriptiveStatisticsHistogram(1000));
        replayedEvents = metrics.counter("replayedEvents");
        matches = new HashMap<>();
        RuleEngine e = engine;
        for (String ruleId : engine.stats().keySet()) {
            MetricGroup rule = metrics.addGroup("rule", ruleId);
            matches.put(ruleId, rule.counter("matches"));
            rule.gauge("evaluationNanos", (Gauge<Long>) () -> statOf(e, ruleId).evaluationNanos());
            rule.gauge("invalidOutputs", (Gauge<Long>) () -> statOf(e, ruleId).invalidOutputs());
        }
        if (restoredClock != null) {
            rebuild(restoredClock);
        }
    }

    private static RuleStats statOf(RuleEngine engine, String ruleId) {
        return engine.stats().get(ruleId);
    }

    /**
     * Brings the fresh engine to where the checkpointed one stood: every principal's recent events in global
     * event-time order (a stable sort keeps each principal's own order for equal times), then the clock.
     */
    private void rebuild(long clock) throws Exception {
        List<LabelledEvent> events = new ArrayList<>();
        this.<String>getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                recentDescriptor, (principal, state) -> {
                    Iterable<LabelledEvent> kept = state.get();
                    if (kept != null) {
                        kept.forEach(events::add);
                    }
                });
        events.sort(Comparator.comparingLong(e -> e.getEvent().getEventTime()));
        // Findings of the replay and of the clock move were emitted before the checkpoint: drop them.
        for (LabelledEvent e : events) {
            engine.process(e);
        }
        engine.advanceTo(clock);
        replayedEvents.inc(events.size());
    }

    @Override
    public void processElement(StreamRecord<LabelledEvent> element) throws Exception {
        LabelledEvent event = element.getValue();
        long before = engine.evaluationNanos();
        List<Finding> findings = engine.process(event);
        evaluationNanos.update(engine.evaluationNanos() - before);
        if (horizonMillis > 0) {
            keep(copyBeforeKeeping ? LabelledEvent.newBuilder(event).build() : event);
        }
        emit(findings);
    }

    /** Adds the event to its principal's recent events, trimming them by age and count as they grow. */
    private void keep(LabelledEvent event) throws Exception {
        long time = event.getEvent().getEventTime();
        recent.add(event);
        RecentSpan current = span.value();
        if (current == null) {
            // The one trim timer of this principal; each firing sets the next while events remain.
            trimTimers.registerEventTimeTimer(VoidNamespace.INSTANCE, trimDue(time));
            span.update(new RecentSpan(time, 1));
            return;
        }
        current = new RecentSpan(current.oldest(), current.count() + 1);
        if (current.count() > maxReplayEvents || time - current.oldest() > horizonMillis + trimSlackMillis) {
            current = trim(Math.max(time, engine.currentTime()));
        }
        span.update(current);
    }

    /**
     * Drops this principal's events older than the horizon before {@code now}, and its oldest ones beyond three
     * quarters of the count limit (so the next trim by count is a quarter of the limit away).
     *
     * @return what remains; null when nothing does
     */
    private RecentSpan trim(long now) throws Exception {
        long cutoff = now - horizonMillis;
        List<LabelledEvent> kept = new ArrayList<>();
        Iterable<LabelledEvent> all = recent.get();
        if (all != null) {
            for (LabelledEvent e : all) {
                if (e.getEvent().getEventTime() >= cutoff) {
                    kept.add(e);
                }
            }
        }
        int limit = Math.max(1, maxReplayEvents * 3 / 4);
        if (kept.size() > maxReplayEvents) {
            kept = new ArrayList<>(kept.subList(kept.size() - limit, kept.size()));
        }
        if (kept.isEmpty()) {
            recent.clear();
            return null;
        }
        recent.update(kept);
        return new RecentSpan(kept.get(0).getEvent().getEventTime(), kept.size());
    }

    private long trimDue(long oldest) {
        long due = oldest + horizonMillis + trimSlackMillis;
        return due < oldest ? Long.MAX_VALUE : due;
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        RecentSpan remaining = trim(timer.getTimestamp());
        if (remaining == null) {
            span.clear();
            return;
        }
        span.update(remaining);
        trimTimers.registerEventTimeTimer(VoidNamespace.INSTANCE, trimDue(remaining.oldest()));
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // Only event-time timers are registered.
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        emit(engine.advanceTo(mark.getTimestamp()));
        super.processWatermark(mark);
    }

    private void emit(List<Finding> findings) {
        for (Finding f : findings) {
            matches.get(f.getRuleId()).inc();
            output.collect(new StreamRecord<>(f, f.getEventTime()));
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        TaskInfo task = getRuntimeContext().getTaskInfo();
        clockState.update(List.of(new EngineClock(
                task.getIndexOfThisSubtask(), task.getNumberOfParallelSubtasks(), engine.currentTime())));
    }

    @Override
    public void close() throws Exception {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            super.close();
        }
    }

    /** Findings so far per rule, for tests; the same numbers the {@code matches} counters report. */
    long matches(String ruleId) {
        Counter c = matches.get(ruleId);
        return c == null ? 0 : c.getCount();
    }

    /** The engine's clock, for tests. */
    long engineTime() {
        return engine.currentTime();
    }

    /** Events replayed into the engine after a restore, for tests; the {@code replayedEvents} counter. */
    long replayedEvents() {
        return replayedEvents.getCount();
    }

    /** A principal's kept events: the oldest one's event time and how many there are. */
    public record RecentSpan(long oldest, int count) {
        static final TypeInformation<RecentSpan> TYPE = TypeInformation.of(RecentSpan.class);
    }

    /** The engine clock of one task at a checkpoint, with the task's place so a same-shape restore finds its own. */
    public record EngineClock(int subtask, int parallelism, long time) {
        static final TypeInformation<EngineClock> TYPE = TypeInformation.of(EngineClock.class);
    }
}
