package dev.vigil.rules.engine;

import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.metric.EPMetricsService;
import com.espertech.esper.runtime.client.DeploymentOptions;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import dev.vigil.event.LabelledEvent;
import dev.vigil.output.Finding;
import dev.vigil.rules.pack.RuleMetadata;
import dev.vigil.rules.pack.RulePackException;
import dev.vigil.rules.pack.RuleProblem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a compiled rule pack over labelled events in one Esper runtime whose clock is event time only: each event
 * first moves the clock to its own time (never back), and {@link #advanceTo} moves it on for a watermark, which
 * is when rules waiting for something that did not happen fire. Single-threaded, like the Flink task it serves.
 *
 * <p>The clock starts at the first event: rules are deployed then, so nothing they schedule depends on the
 * wall clock at construction.
 */
public final class RuleEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);
    private static final AtomicLong RUNTIMES = new AtomicLong();
    /** Invalid finding rows logged per rule before the engine only counts them. */
    private static final int LOGGED_INVALID_OUTPUTS = 10;

    /**
     * @param name prefix of the Esper runtime URI; a JVM-wide sequence number is appended, so two engines never
     *     share a runtime
     * @param timingSampleEvery measure per-rule evaluation time on every n-th event; 0 turns it off
     */
    public record Options(String name, int timingSampleEvery) {
        public Options {
            if (timingSampleEvery < 0) {
                throw new IllegalArgumentException("timingSampleEvery must be 0 (off) or positive");
            }
        }

        public static Options defaults() {
            return new Options("vigil-rules", 0);
        }

        public Options withName(String newName) {
            return new Options(newName, timingSampleEvery);
        }

        public Options withTimingSampleEvery(int n) {
            return new Options(name, n);
        }
    }

    /** Per-rule counters, written by the engine's thread and read by a metrics reporter. */
    private static final class Counters {
        final String ruleId;
        final RuleMetadata metadata;
        volatile long matches;
        volatile long evaluationNanos;
        volatile long invalidOutputs;

        Counters(String ruleId, RuleMetadata metadata) {
            this.ruleId = ruleId;
            this.metadata = metadata;
        }
    }

    private final CompiledPack pack;
    private final Options options;
    private final EPRuntime runtime;
    private final EPEventService events;
    private final Map<String, Counters> countersByDeployment = new LinkedHashMap<>();
    private final Map<String, Long> lastStatementWall = new HashMap<>();
    private final List<String[]> statements = new ArrayList<>();
    private final List<Finding> pending = new ArrayList<>();
    private final java.util.Set<String> heldBack = new java.util.HashSet<>();
    private boolean deployed;
    private boolean closed;
    private long currentTime = Long.MIN_VALUE;
    private long eventsProcessed;
    private volatile long evaluationNanos;

    public RuleEngine(CompiledPack pack) {
        this(pack, Options.defaults());
    }

    public RuleEngine(CompiledPack pack, Options options) {
        this.pack = pack;
        this.options = options;
        this.runtime = EPRuntimeProvider.getRuntime(options.name() + "-" + RUNTIMES.incrementAndGet(),
                EsperSetup.configuration());
        this.events = runtime.getEventService();
        for (CompiledRule rule : pack.rules()) {
            countersByDeployment.put(rule.id(), new Counters(rule.id(), rule.definition().metadata()));
        }
    }

    /**
     * Evaluates one event at its event time, or at the engine's current time when it is older (a late event is
     * judged as it arrives; the clock never goes back).
     *
     * @return findings of this event and of any rule whose time came up on the way to it
     */
    public List<Finding> process(LabelledEvent event) {
        ensureOpen();
        long t = event.getEvent().getEventTime();
        long start = System.nanoTime();
        boolean sample = sampleNow();
        if (sample) {
            setStatementMetrics(true);
        }
        moveClockTo(Math.max(t, currentTime));
        events.sendEventBean(RuleEvent.of(event), RuleEvent.TYPE_NAME);
        if (sample) {
            setStatementMetrics(false);
            collectStatementMetrics();
        }
        eventsProcessed++;
        evaluationNanos += System.nanoTime() - start;
        return drain();
    }

    /**
     * Moves the clock to an event time, typically a watermark, firing every rule scheduled up to it in time order.
     * A time at or before the current one changes nothing; so does any time before the first event.
     */
    public List<Finding> advanceTo(long eventTime) {
        ensureOpen();
        if (!deployed || eventTime <= currentTime) {
            return List.of();
        }
        long start = System.nanoTime();
        moveClockTo(eventTime);
        evaluationNanos += System.nanoTime() - start;
        return drain();
    }

    /**
     * Keeps these rules out of the runtime until {@link #deployHeldBack()}: a running job that swaps its pack
     * replays recent events into the rules it already ran, and only then starts the new and changed ones, so these
     * begin with no history. Call before the first event.
     */
    public void holdBack(java.util.Collection<String> ruleIds) {
        if (deployed) {
            throw new IllegalStateException("rules are deployed already; hold back before the first event");
        }
        heldBack.addAll(ruleIds);
    }

    /** Deploys the rules held back, at the current time; before the first event they simply deploy with the rest. */
    public void deployHeldBack() {
        ensureOpen();
        if (deployed) {
            for (CompiledRule rule : pack.rules()) {
                if (heldBack.contains(rule.id())) {
                    deploy(rule);
                }
            }
        }
        heldBack.clear();
    }

    /** The engine's event time: the latest event or watermark time; Long.MIN_VALUE before the first event. */
    public long currentTime() {
        return currentTime;
    }

    /** The Esper runtime's own clock, which must always equal {@link #currentTime()} once an event was seen. */
    public long esperTime() {
        return events.getCurrentTime();
    }

    public String runtimeUri() {
        return runtime.getURI();
    }

    public CompiledPack pack() {
        return pack;
    }

    /** Per-rule counters by rule id, in pack order. */
    public Map<String, RuleStats> stats() {
        Map<String, RuleStats> stats = new LinkedHashMap<>();
        for (Counters c : countersByDeployment.values()) {
            stats.put(c.ruleId, new RuleStats(c.ruleId, c.matches, c.evaluationNanos, c.invalidOutputs));
        }
        return stats;
    }

    /** Exact nanoseconds spent in Esper for events and clock moves, all rules together. */
    public long evaluationNanos() {
        return evaluationNanos;
    }

    public long eventsProcessed() {
        return eventsProcessed;
    }

    /** Destroys the Esper runtime; the engine cannot be used afterwards. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            runtime.destroy();
        }
    }

    private void moveClockTo(long t) {
        if (!deployed) {
            // Start the clock at the first event, then deploy, so rules schedule from event time.
            events.advanceTime(t);
            currentTime = t;
            deploy();
            deployed = true;
            return;
        }
        if (t > currentTime) {
            // Span, not jump: each scheduled callback fires at its own time, in order, as it would live.
            events.advanceTimeSpan(t);
            currentTime = t;
        }
    }

    private void deploy() {
        for (CompiledRule rule : pack.rules()) {
            if (!heldBack.contains(rule.id())) {
                deploy(rule);
            }
        }
    }

    private void deploy(CompiledRule rule) {
        Map<String, Object> values = rule.definition().metadata().parameters();
        List<RuleProblem> problems = new ArrayList<>();
        DeploymentOptions deploymentOptions = new DeploymentOptions()
                .setDeploymentId(rule.id())
                .setStatementSubstitutionParameter(ctx -> ParameterBinding.bind(ctx, values,
                        (statement, message) -> problems.add(new RuleProblem(rule.definition().eplFile(),
                                rule.line(statement), message)),
                        name -> { }));
        EPDeployment deployment;
        try {
            deployment = runtime.getDeploymentService().deploy(rule.compiled(), deploymentOptions);
        } catch (EPDeployException e) {
            if (problems.isEmpty()) {
                problems.add(new RuleProblem(rule.definition().eplFile(), 0, "does not deploy: " + e.getMessage()));
            }
            throw new RulePackException(problems);
        }
        Counters counters = countersByDeployment.get(rule.id());
        EPMetricsService metrics = runtime.getMetricsService();
        for (EPStatement statement : deployment.getStatements()) {
            statements.add(new String[] {deployment.getDeploymentId(), statement.getName()});
            metrics.setMetricsReportingStmtDisabled(deployment.getDeploymentId(), statement.getName());
            if (FindingOutput.isFindingStatement(statement.getAnnotations())) {
                statement.addListener((newEvents, oldEvents, stmt, rt) -> collect(counters, stmt, newEvents));
            }
        }
    }

    private void collect(Counters counters, EPStatement statement, EventBean[] rows) {
        if (rows == null) {
            return;
        }
        for (EventBean row : rows) {
            try {
                pending.add(FindingOutput.toFinding(row, counters.metadata, pack.version()));
                counters.matches++;
            } catch (IllegalArgumentException e) {
                counters.invalidOutputs++;
                if (counters.invalidOutputs <= LOGGED_INVALID_OUTPUTS) {
                    LOG.warn("Rule {} statement '{}' produced a row that is not a finding: {} (row {})",
                            counters.ruleId, statement.getName(), e.getMessage(), row.getUnderlying());
                }
            }
        }
    }

    private boolean sampleNow() {
        int every = options.timingSampleEvery();
        return every > 0 && deployed && eventsProcessed % every == 0;
    }

    private void setStatementMetrics(boolean on) {
        EPMetricsService metrics = runtime.getMetricsService();
        for (String[] s : statements) {
            if (on) {
                metrics.setMetricsReportingStmtEnabled(s[0], s[1]);
            } else {
                metrics.setMetricsReportingStmtDisabled(s[0], s[1]);
            }
        }
    }

    private void collectStatementMetrics() {
        long scale = options.timingSampleEvery();
        runtime.getMetricsService().iterateStatementGroups(group -> group.iterateStatements(s -> {
            String key = s.getMetric().getDeploymentId() + '\u0000' + s.getMetric().getStatementName();
            long wall = s.getMetric().getWallTime();
            Long last = lastStatementWall.put(key, wall);
            long delta = last == null || wall < last ? wall : wall - last;
            Counters c = countersByDeployment.get(s.getMetric().getDeploymentId());
            if (c != null && delta > 0) {
                c.evaluationNanos += delta * scale;
            }
        }));
    }

    private List<Finding> drain() {
        if (pending.isEmpty()) {
            return List.of();
        }
        List<Finding> out = List.copyOf(pending);
        pending.clear();
        return out;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("rule engine " + runtime.getURI() + " is closed");
        }
    }
}
