package dev.vigil.jobs.graph;

import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.control.ControlMessage;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.jobs.anomaly.AnomalyScoringFunction;
import dev.vigil.jobs.anomaly.BehaviourUnitsFunction;
import dev.vigil.jobs.anomaly.ClosedUnit;
import dev.vigil.jobs.anomaly.ControlledAnomalyScoring;
import dev.vigil.jobs.cases.CaseBuilderFunction;
import dev.vigil.jobs.cases.CaseKeys;
import dev.vigil.jobs.evidence.EvidenceBuilderFunction;
import dev.vigil.jobs.grant.GrantContextFunction;
import dev.vigil.jobs.ingest.ControlParser;
import dev.vigil.jobs.ingest.EventParser;
import dev.vigil.jobs.rules.RuleOperator;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.Finding;
import dev.vigil.output.PumCase;
import dev.vigil.rules.pack.RulePack;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The detection job graph, built once and driven by any source: Kafka in {@code run} and {@code demo}, files in
 * {@code replay}, generated traffic in {@code bench}, collections in tests. Same graph, same results, same ids.
 *
 * <pre>
 * raw -> parse/validate (-> dead letters) -> watermarks -> key by principal -> grant context (-> late)
 *     -> rules (Esper) + anomaly scoring (PUM-100) -> findings -> case builder (by case id) -> cases
 *     labelled + late + findings -> evidence builder (by principal) -> evidence
 * </pre>
 *
 * Every stateful operator has a stable uid so savepoints survive code changes.
 */
public final class DetectionGraph {
    private DetectionGraph() {}

    public static DetectionStreams build(DataStream<RawRecord> raw, RulePack pack, DetectionOptions options) {
        return build(raw, pack, options, null);
    }

    /**
     * The graph with a control stream (records of the control topic), whose rule packs the rules swap to while
     * they run; {@code null} builds the graph without one, the rules chained to the grant context.
     */
    public static DetectionStreams build(DataStream<RawRecord> raw, RulePack pack, DetectionOptions options,
                                         DataStream<RawRecord> control) {
        SingleOutputStreamOperator<PrivilegedEvent> events = raw
                .process(new EventParser(options.maxRecordBytes, options.maxFutureSkew.toMillis(), options.maxCommandLength)
                        .withIdentities(options.identities))
                .name("parse and validate").uid("parse");
        parallelism(events, options);

        SingleOutputStreamOperator<PrivilegedEvent> timed = events
                .assignTimestampsAndWatermarks(watermarks(options))
                .name("event time").uid("watermarks");
        parallelism(timed, options);

        SingleOutputStreamOperator<LabelledEvent> labelled = timed
                .keyBy(DetectionGraph::principalOf)
                .process(new GrantContextFunction(options.grantRetention))
                .name("grant context").uid("grant-context");
        parallelism(labelled, options);
        DataStream<LabelledEvent> late = labelled.getSideOutput(GrantContextFunction.LATE);

        // The grant context already partitions by principal; the rules reuse that partitioning without a shuffle.
        KeyedStream<LabelledEvent, String> byPrincipal =
                DataStreamUtils.reinterpretAsKeyedStream(labelled, DetectionGraph::principalOfLabelled);
        RuleOperator rules = new RuleOperator(pack, RuleOperator.DEFAULT_TIMING_SAMPLE_EVERY, options.maxReplayEvents);
        SingleOutputStreamOperator<ControlMessage> controlMessages = null;
        SingleOutputStreamOperator<Finding> ruleFindings;
        if (control == null) {
            // Chained to the grant context, which labels each event into a new record: keep them without a copy.
            rules.inputNeverRefilled();
            ruleFindings = byPrincipal
                    .transform("rules " + pack.version(), TypeInformation.of(Finding.class), rules)
                    .uid("rules");
        } else {
            // One partition, one reader; every rule task gets every message.
            controlMessages = control.process(new ControlParser()).name("parse control").uid("control-parse")
                    .setParallelism(1);
            ruleFindings = byPrincipal.connect(controlMessages.broadcast())
                    .transform("rules (live reload)", TypeInformation.of(Finding.class), rules)
                    .uid("rules");
        }
        parallelism(ruleFindings, options);
        // PUM-100 in two stages: units of behaviour close per principal (its baseline), then are scored per peer
        // group (the group's baseline, the model).
        SingleOutputStreamOperator<ClosedUnit> closedUnits = byPrincipal
                .process(new BehaviourUnitsFunction())
                .name("behaviour units (PUM-100)").uid("anomaly-units");
        parallelism(closedUnits, options);
        KeyedStream<ClosedUnit, String> byPeerGroup = closedUnits.keyBy(DetectionGraph::peerGroupOf);
        SingleOutputStreamOperator<Finding> anomalyFindings;
        if (controlMessages == null) {
            anomalyFindings = byPeerGroup
                    .process(new AnomalyScoringFunction(options.anomalyModel))
                    .name("anomaly scoring (PUM-100)").uid("anomaly-scoring");
        } else {
            // Models arrive on the same control topic as rule packs; each scoring task gets every message.
            // The control topic has no event time: its side must not hold back the scoring's timers.
            DataStream<ControlMessage> models = controlMessages
                    .assignTimestampsAndWatermarks(ControlledAnomalyScoring.NEVER_HOLDS_BACK)
                    .name("control: no event time").uid("control-no-event-time").setParallelism(1);
            anomalyFindings = byPeerGroup.connect(models.broadcast(ControlledAnomalyScoring.MODEL_STATE))
                    .process(new ControlledAnomalyScoring(options.anomalyModel))
                    .name("anomaly scoring (PUM-100, live model)").uid("anomaly-scoring");
        }
        parallelism(anomalyFindings, options);
        SingleOutputStreamOperator<Finding> findings = ruleFindings.union(anomalyFindings).map(new FindingTally())
                .name("count findings").uid("finding-tally");
        parallelism(findings, options);

        SingleOutputStreamOperator<PumCase> cases = findings
                .keyBy(CaseKeys::caseId)
                .process(new CaseBuilderFunction(options.caseIdleHorizon))
                .name("case builder").uid("case-builder");
        parallelism(cases, options);

        SingleOutputStreamOperator<EvidenceRecord> evidence = labelled.union(late)
                .connect(findings)
                .keyBy(DetectionGraph::principalOfLabelled, (Finding f) -> f.getPrincipal().getId())
                .process(new EvidenceBuilderFunction(
                        options.evidenceUpdateInterval, options.evidenceRetention, options.maxBehaviourItems))
                .name("evidence builder").uid("evidence-builder");
        parallelism(evidence, options);

        DataStream<DeadLetter> deadLetters = events.getSideOutput(EventParser.DEAD_LETTERS)
                .union(evidence.getSideOutput(EvidenceBuilderFunction.UNPLACED));
        if (controlMessages != null) {
            deadLetters = deadLetters.union(controlMessages.getSideOutput(ControlParser.DEAD_LETTERS),
                    ruleFindings.getSideOutput(RuleOperator.DEAD_LETTERS),
                    anomalyFindings.getSideOutput(ControlledAnomalyScoring.DEAD_LETTERS));
        }
        return new DetectionStreams(labelled, late, findings, cases, evidence, deadLetters);
    }

    static String principalOf(PrivilegedEvent e) {
        return e.getPrincipal().getId();
    }

    static String peerGroupOf(ClosedUnit unit) {
        return unit.peerGroup;
    }

    static String principalOfLabelled(LabelledEvent e) {
        return e.getEvent().getPrincipal().getId();
    }

    private static WatermarkStrategy<PrivilegedEvent> watermarks(DetectionOptions options) {
        if (options.outOfOrderness == null) {
            // Bounded replay: no watermark until the end of input, so every event is judged in event-time order.
            return WatermarkStrategy.<PrivilegedEvent>noWatermarks()
                    .withTimestampAssigner((e, previous) -> e.getEventTime());
        }
        return WatermarkStrategy.<PrivilegedEvent>forBoundedOutOfOrderness(options.outOfOrderness)
                .withTimestampAssigner((e, previous) -> e.getEventTime())
                .withIdleness(options.sourceIdleness);
    }

    private static void parallelism(SingleOutputStreamOperator<?> op, DetectionOptions options) {
        if (options.parallelism > 0) {
            op.setParallelism(options.parallelism);
        }
    }
}
