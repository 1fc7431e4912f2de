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
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs the rule pack over labelled events: one {@link RuleEngine} (one Esper runtime) per parallel task, its clock
 * moved by each event's time and by every watermark, which is when rules waiting for an absence fire. Findings
 * leave with their own event time as timestamp.
 *
 * <p>Input arrives in non-decreasing event time per task (the grant context releases events in order), so Esper
 * sees what it would have seen live. Esper's state is not checkpointed: after a restore the upstream replays
 * the recent events it holds, and findings re-emitted then carry the same deterministic ids.
 */
public class RuleOperator extends AbstractStreamOperator<Finding> implements OneInputStreamOperator<LabelledEvent, Finding> {
    private static final long serialVersionUID = 1L;
    /** Per-rule evaluation time is measured on one event in this many; see {@link RuleStats#evaluationNanos()}. */
    public static final int DEFAULT_TIMING_SAMPLE_EVERY = 128;

    private final RulePack pack;
    private final int timingSampleEvery;

    private transient RuleEngine engine;
    private transient Map<String, Counter> matches;
    private transient Histogram evaluationNanos;

    public RuleOperator(RulePack pack) {
        this(pack, DEFAULT_TIMING_SAMPLE_EVERY);
    }

    /** @param timingSampleEvery measure per-rule evaluation time on every n-th event; 0 turns it off */
    public RuleOperator(RulePack pack, int timingSampleEvery) {
        this.pack = pack;
        this.timingSampleEvery = timingSampleEvery;
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

        MetricGroup metrics = getMetricGroup().addGroup("rules");
        metrics.gauge("packVersion", (Gauge<String>) pack::version);
        evaluationNanos = metrics.histogram("eventEvaluationNanos", new DescriptiveStatisticsHistogram(1000));
        matches = new HashMap<>();
        RuleEngine e = engine;
        for (String ruleId : engine.stats().keySet()) {
            MetricGroup rule = metrics.addGroup("rule", ruleId);
            matches.put(ruleId, rule.counter("matches"));
            rule.gauge("evaluationNanos", (Gauge<Long>) () -> statOf(e, ruleId).evaluationNanos());
            rule.gauge("invalidOutputs", (Gauge<Long>) () -> statOf(e, ruleId).invalidOutputs());
        }
    }

    private static RuleStats statOf(RuleEngine engine, String ruleId) {
        return engine.stats().get(ruleId);
    }

    @Override
    public void processElement(StreamRecord<LabelledEvent> element) throws Exception {
        long before = engine.evaluationNanos();
        List<Finding> findings = engine.process(element.getValue());
        evaluationNanos.update(engine.evaluationNanos() - before);
        emit(findings);
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
}
