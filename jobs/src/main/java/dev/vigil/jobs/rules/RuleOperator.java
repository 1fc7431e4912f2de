package dev.vigil.jobs.rules;

import dev.vigil.event.LabelledEvent;
import dev.vigil.output.Finding;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.RuleEngine;
import dev.vigil.rules.engine.RuleStats;
import dev.vigil.rules.pack.RulePack;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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

    /** Operator state name; stable, since checkpoints and savepoints find state by it. */
    static final String CLOCK_STATE = "engine-clock";
    private static final String TRIM_TIMERS = "recent-events-trim";

    private final RulePack pack;
    private final int timingSampleEvery;
    private final int maxReplayEvents;

    private transient RuleEngine engine;
    private transient Map<String, Counter> matches;
    private transient Histogram evaluationNanos;
    private transient Counter replayedEvents;
    private transient boolean copyBeforeKeeping;
    private transient RecentEvents recent;
    private transient ListState<EngineClock> clockState;
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
        this.maxReplayEvents = maxReplayEvents;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        recent = new RecentEvents(pack.longestHorizon(), maxReplayEvents);
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
        recent.open(getKeyedStateStore(), getInternalTimerService(TRIM_TIMERS, VoidNamespaceSerializer.INSTANCE, this));
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

    /** Brings the fresh engine to where the checkpointed one stood: every principal's recent events, then the clock. */
    private void rebuild(long clock) throws Exception {
        List<LabelledEvent> events = recent.all(getKeyedStateBackend());
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
        if (recent.enabled()) {
            recent.add(copyBeforeKeeping ? LabelledEvent.newBuilder(event).build() : event, engine.currentTime());
        }
        emit(findings);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        recent.onTrimTimer(timer.getTimestamp());
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

    /** The engine clock of one task at a checkpoint, with the task's place so a same-shape restore finds its own. */
    public record EngineClock(int subtask, int parallelism, long time) {
        static final TypeInformation<EngineClock> TYPE = TypeInformation.of(EngineClock.class);
    }
}
