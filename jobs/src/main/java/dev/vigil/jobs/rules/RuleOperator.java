package dev.vigil.jobs.rules;

import dev.vigil.connectors.control.ControlMessage;
import dev.vigil.connectors.control.ControlMessageCodec;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.LabelledEvent;
import dev.vigil.jobs.ingest.ControlParser;
import dev.vigil.output.Finding;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.RuleEngine;
import dev.vigil.rules.engine.RuleStats;
import dev.vigil.rules.pack.RuleDefinition;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.rules.pack.RulePackException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
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
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>Without a control stream it is a one-input operator, chained to the grant context. Connected to a broadcast
 * control stream as its second input it swaps rule packs while it runs: each task unpacks and compiles a
 * {@link ControlMessage.Kind#RULE_PACK} message, and on success replaces its engine, replaying the kept recent
 * events into the rules whose EPL and parameters did not change (so their open patterns go on) before it starts the
 * new and changed rules afresh. A pack that does not compile is logged and dead-lettered with its problems, and the
 * old one keeps running. The accepted message is kept in broadcast state, so a restored job runs the pack it ran.
 * Every finding carries, as {@code rule_version}, the version of the pack whose engine produced it. The control
 * input carries no event time: only the events' watermarks move the rules' clock.
 */
public class RuleOperator extends AbstractStreamOperator<Finding>
        implements OneInputStreamOperator<LabelledEvent, Finding>,
        TwoInputStreamOperator<LabelledEvent, ControlMessage, Finding>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RuleOperator.class);
    /** Rule packs that arrived on the control input and could not be used, with the reason. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("rule-pack-dead-letters") {};
    /** Per-rule evaluation time is measured on one event in this many; see {@link RuleStats#evaluationNanos()}. */
    public static final int DEFAULT_TIMING_SAMPLE_EVERY = 128;
    /** Recent events kept per principal for a rebuild after a restore, unless told otherwise. */
    public static final int DEFAULT_MAX_REPLAY_EVENTS = 1000;

    /** Operator state name; stable, since checkpoints and savepoints find state by it. */
    static final String CLOCK_STATE = "engine-clock";
    private static final String TRIM_TIMERS = "recent-events-trim";
    /** Broadcast state: control message kind to the encoded message in force; stable, like the names above. */
    static final MapStateDescriptor<String, byte[]> CONTROL_STATE = new MapStateDescriptor<>("control-in-force",
            Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final RulePack pack;
    private final int timingSampleEvery;
    private final int maxReplayEvents;

    private transient RuleEngine engine;
    /** The pack running now: the constructor's, or the last one accepted from the control input. */
    private transient RulePack running;
    private transient BroadcastState<String, byte[]> controlState;
    private transient MetricGroup ruleMetrics;
    private transient Counter packSwaps;
    private transient Counter packsRejected;
    private transient Map<String, Counter> matches;
    private transient Histogram evaluationNanos;
    private transient Counter replayedEvents;
    private transient boolean copyBeforeKeeping;
    /** Set when the producer hands over a new record every time: nothing refills what the rules keep. */
    private boolean inputNeverRefilled;
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

    /**
     * Declares that every input record is a new object no one touches after handing it over (as the grant context
     * emits them, and as a network input deserializes them), so the recent events are kept without a copy even
     * with object reuse. Leave it unset for a producer that refills one record.
     */
    public RuleOperator inputNeverRefilled() {
        this.inputNeverRefilled = true;
        return this;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        running = pack;
        controlState = context.getOperatorStateStore().getBroadcastState(CONTROL_STATE);
        byte[] inForce = controlState.get(ControlMessage.Kind.RULE_PACK.name());
        if (inForce != null) {
            // Accepted before the checkpoint, so it compiled then; it is the pack this job ran.
            ControlMessage m = ControlMessageCodec.decode(inForce);
            running = RulePackPayload.decode(m);
            LOG.info("Rule pack {} restored from the checkpoint", m.describe());
        }
        recent = new RecentEvents(running.longestHorizon(), maxReplayEvents);
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
        // Compiled here, in the task, from the serializable sources: Esper's byte code stays in this class loader.
        engine = newEngine(CompiledPack.compile(running));
        recent.open(getKeyedStateStore(), getInternalTimerService(TRIM_TIMERS, VoidNamespaceSerializer.INSTANCE, this));
        // With object reuse the upstream may refill the object it handed over; the heap backend keeps references.
        copyBeforeKeeping = getExecutionConfig().isObjectReuseEnabled() && !inputNeverRefilled;

        ruleMetrics = getMetricGroup().addGroup("rules");
        ruleMetrics.gauge("packVersion", (Gauge<String>) () -> running.version());
        evaluationNanos = ruleMetrics.histogram("eventEvaluationNanos", new DescriptiveStatisticsHistogram(1000));
        replayedEvents = ruleMetrics.counter("replayedEvents");
        packSwaps = ruleMetrics.counter("packSwaps");
        packsRejected = ruleMetrics.counter("packsRejected");
        matches = new HashMap<>();
        registerRuleMetrics();
        if (restoredClock != null) {
            rebuild(restoredClock);
        }
    }

    private RuleEngine newEngine(CompiledPack compiled) {
        TaskInfo task = getRuntimeContext().getTaskInfo();
        String name = "vigil-rules-" + getRuntimeContext().getJobInfo().getJobId() + "-"
                + getOperatorID() + "-" + task.getIndexOfThisSubtask() + "-" + task.getAttemptNumber();
        return new RuleEngine(compiled,
                RuleEngine.Options.defaults().withName(name).withTimingSampleEvery(timingSampleEvery));
    }

    /** Metrics of every rule of the running pack not registered yet; a rule dropped by a swap keeps its count. */
    private void registerRuleMetrics() {
        for (String ruleId : engine.stats().keySet()) {
            if (matches.containsKey(ruleId)) {
                continue;
            }
            MetricGroup rule = ruleMetrics.addGroup("rule", ruleId);
            matches.put(ruleId, rule.counter("matches"));
            rule.gauge("evaluationNanos", (Gauge<Long>) () -> statOf(ruleId).evaluationNanos());
            rule.gauge("invalidOutputs", (Gauge<Long>) () -> statOf(ruleId).invalidOutputs());
        }
    }

    private RuleStats statOf(String ruleId) {
        RuleStats stats = engine.stats().get(ruleId);
        return stats == null ? new RuleStats(ruleId, 0, 0, 0) : stats;
    }

    /** Brings the fresh engine to where the checkpointed one stood: every principal's recent events, then the clock. */
    private void rebuild(long clock) throws Exception {
        replay(engine, clock);
    }

    /** Every principal's kept events into a fresh engine, then its clock to {@code clock}; findings are dropped. */
    private void replay(RuleEngine fresh, long clock) throws Exception {
        if (!recent.enabled()) {
            return;
        }
        List<LabelledEvent> events = recent.all(getKeyedStateBackend());
        // Findings of the replay and of the clock move were emitted before: drop them.
        for (LabelledEvent e : events) {
            fresh.process(e);
        }
        fresh.advanceTo(clock);
        replayedEvents.inc(events.size());
    }

    @Override
    public void processElement1(StreamRecord<LabelledEvent> element) throws Exception {
        processElement(element);
    }

    /** A control message: a rule pack to swap to; other kinds are for other operators. */
    @Override
    public void processElement2(StreamRecord<ControlMessage> element) throws Exception {
        ControlMessage message = element.getValue();
        if (message.kind != ControlMessage.Kind.RULE_PACK) {
            return;
        }
        if (message.version.equals(running.version())) {
            LOG.info("Rule pack {} is the one running already", message.describe());
            return;
        }
        RulePack next;
        CompiledPack compiled;
        try {
            next = RulePackPayload.decode(message);
            compiled = CompiledPack.compile(next);
        } catch (RulePackPayload.UnusablePack e) {
            reject(message, e.getMessage());
            return;
        } catch (RulePackException e) {
            reject(message, "does not compile: " + RulePackPayload.problems(e));
            return;
        }
        try {
            swap(next, compiled);
        } catch (RulePackException e) {
            // Compiling checks that every rule deploys, so this is rare: a runtime that refuses what a check accepted.
            reject(message, "does not deploy: " + RulePackPayload.problems(e));
            return;
        }
        controlState.put(ControlMessage.Kind.RULE_PACK.name(), ControlMessageCodec.encode(message));
        packSwaps.inc();
        LOG.info("Rule pack {} ({} rules) replaces {} in task {}", message.describe(), next.rules().size(),
                running.version(), getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        running = next;
    }

    private void swap(RulePack next, CompiledPack compiled) throws Exception {
        RuleEngine fresh = newEngine(compiled);
        try {
            Set<String> changed = changedRules(running, next);
            fresh.holdBack(changed);
            long clock = engine.currentTime();
            if (clock != Long.MIN_VALUE) {
                replay(fresh, clock);
            }
            fresh.deployHeldBack();
        } catch (Exception | Error e) {
            fresh.close();
            throw e;
        }
        RuleEngine old = engine;
        engine = fresh;
        old.close();
        recent.widen(next.longestHorizon());
        registerRuleMetrics();
    }

    /** Rules of {@code next} that are new or whose EPL or parameter values differ from {@code current}'s. */
    static Set<String> changedRules(RulePack current, RulePack next) {
        Set<String> changed = new HashSet<>();
        for (RuleDefinition rule : next.rules()) {
            RuleDefinition before = current.rule(rule.id()).orElse(null);
            if (before == null || !before.epl().equals(rule.epl())
                    || !before.metadata().parameters().equals(rule.metadata().parameters())) {
                changed.add(rule.id());
            }
        }
        return changed;
    }

    private void reject(ControlMessage message, String reason) {
        packsRejected.inc();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        LOG.warn("Rule pack {} refused by task {}; pack {} keeps running: {}", message.describe(), subtask,
                running.version(), reason);
        output.collect(DEAD_LETTERS, new StreamRecord<>(ControlParser.deadLetter(
                "rule-pack " + message.version + " task " + subtask,
                "rule pack " + message.describe() + " refused, " + running.version() + " keeps running: " + reason,
                ControlMessageCodec.encode(message))));
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    /** The control input has no event time; it must not hold the rules' clock back. */
    @Override
    public void processWatermark2(Watermark mark) {}

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int inputId) throws Exception {
        if (inputId == 0) {
            processWatermarkStatus(status);
        }
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

    /** The version of the pack running now, for tests. */
    String runningVersion() {
        return running.version();
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
