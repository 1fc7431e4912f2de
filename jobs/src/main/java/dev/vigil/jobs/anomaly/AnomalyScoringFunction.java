package dev.vigil.jobs.anomaly;

import dev.vigil.common.AnomalyExplanation;
import dev.vigil.common.FeatureContribution;
import dev.vigil.common.Principal;
import dev.vigil.jobs.cases.RiskScore;
import dev.vigil.output.Finding;
import dev.vigil.rules.engine.FindingIds;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PUM-100, the second stage, keyed by peer group ({@link PeerGroupProfile#of}): takes the units the principal stage
 * ({@link BehaviourUnitsFunction}) closed, scores each ({@link AnomalyScorer}) against the principal's baseline it
 * carries, the peer group's baseline kept here and the model, raises a finding when the score reaches the threshold,
 * naming the features that drove it with both baselines, and lets the group's baseline learn the unit.
 *
 * <p>Units wait in state until the watermark passes the time they were closed at, then are judged in
 * {@link ClosedUnit#JUDGING_ORDER}, so the peer baselines, scores and explanations do not depend on how the
 * principal stage's tasks interleave. A group quiet for the retention is forgotten by an event-time timer. The model
 * can be replaced while running ({@link #replaceModel}); baselines are kept.
 */
public class AnomalyScoringFunction extends KeyedProcessFunction<String, ClosedUnit, Finding> {
    private static final long serialVersionUID = 1L;

    public static final String RULE_ID = "PUM-100";
    public static final String RULE_NAME = "behavioural anomaly";
    public static final Duration DEFAULT_PROFILE_RETENTION = BehaviourUnitsFunction.DEFAULT_PROFILE_RETENTION;

    private final AnomalyScorer scorer;
    private final long profileRetentionMs;

    /** Units waiting for the watermark to pass their {@link ClosedUnit#closedAt}, by principal and unit key. */
    private transient MapState<String, ClosedUnit> waiting;
    private transient ValueState<PeerGroupProfile> peers;

    public AnomalyScoringFunction(AnomalyModel model) {
        this(model, DEFAULT_PROFILE_RETENTION);
    }

    public AnomalyScoringFunction(AnomalyModel model, Duration profileRetention) {
        this.scorer = new AnomalyScorer(model);
        this.profileRetentionMs = profileRetention.toMillis();
    }

    /** Scores with {@code next} from the next judged unit on; null scores on baselines alone. */
    public void replaceModel(AnomalyModel next) {
        scorer.replaceModel(next);
    }

    public AnomalyModel model() {
        return scorer.model();
    }

    @Override
    public void open(OpenContext context) {
        openState(getRuntimeContext());
    }

    /** Binds the keyed state; also called by {@link ControlledAnomalyScoring}, which runs the same logic. */
    void openState(RuntimeContext runtime) {
        waiting = runtime.getMapState(new MapStateDescriptor<>("anomaly-waiting-units", Types.STRING,
                TypeInformation.of(ClosedUnit.class)));
        peers = runtime.getState(new ValueStateDescriptor<>("anomaly-peer-profile",
                TypeInformation.of(PeerGroupProfile.class)));
    }

    @Override
    public void processElement(ClosedUnit unit, Context ctx, Collector<Finding> out) throws Exception {
        process(unit, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out) throws Exception {
        fire(timestamp, ctx.timerService(), out);
    }

    /** Holds a closed unit until the watermark passes the time its principal's stage closed it. */
    void process(ClosedUnit unit, TimerService timers) throws Exception {
        waiting.put(unit.unit.principalId + "\u0000" + unit.unit.key + "\u0000" + unit.closedAt, unit);
        timers.registerEventTimeTimer(unit.closedAt);
    }

    /** Judges the group's units due at {@code timestamp} in judging order; clears a group gone quiet. */
    void fire(long timestamp, TimerService timers, Collector<Finding> out) throws Exception {
        List<String> ids = new ArrayList<>();
        List<ClosedUnit> due = new ArrayList<>();
        boolean stillWaiting = false;
        for (Map.Entry<String, ClosedUnit> e : waiting.entries()) {
            if (e.getValue().closedAt <= timestamp) {
                ids.add(e.getKey());
                due.add(e.getValue());
            } else {
                stillWaiting = true;
            }
        }
        PeerGroupProfile group = peers.value();
        if (due.isEmpty()) {
            if (group != null && !stillWaiting && timestamp >= group.lastSeenAt + profileRetentionMs) {
                peers.clear();
            }
            return;
        }
        for (String id : ids) {
            waiting.remove(id);
        }
        due.sort(ClosedUnit.JUDGING_ORDER);
        if (group == null) {
            group = new PeerGroupProfile();
        }
        for (ClosedUnit unit : due) {
            AnomalyScorer.Verdict v = scorer.judge(unit, group);
            if (v.flagged()) {
                Finding f = finding(unit.unit, v);
                // Stamp the finding with its event time, not the timer's: an idle session closes 12 h after its last
                // act, and a record stamped that far ahead is refused by Kafka (and is not when it happened).
                if (out instanceof TimestampedCollector<Finding> stamped) {
                    stamped.setAbsoluteTimestamp(f.getEventTime());
                }
                out.collect(f);
            }
        }
        peers.update(group);
        timers.registerEventTimeTimer(group.lastSeenAt + profileRetentionMs);
    }

    /** The PUM-100 finding for a flagged unit. */
    static Finding finding(SessionActivity unit, AnomalyScorer.Verdict v) {
        List<String> ids = new ArrayList<>();
        if (unit.firstEventId != null) {
            ids.add(unit.firstEventId);
        }
        if (unit.lastEventId != null) {
            ids.add(unit.lastEventId);
        }
        List<String> eventIds = FindingIds.canonical(ids);
        int score = findingScore(v);
        List<String> reasons = new ArrayList<>();
        for (FeatureContribution c : v.topFeatures()) {
            reasons.add(AnomalyScorer.describe(c));
        }
        String what = unit.isSecretHour()
                ? "Secret access outside sessions in the hour from " + java.time.Instant.ofEpochMilli(unit.hourStart())
                : "Session " + unit.sessionId + (unit.target == null ? "" : " on " + unit.target);
        String explanation = what + " is unlike " + v.comparedWith(unit.principalId) + " (anomaly score "
                + AnomalyScorer.number(AnomalyScorer.round(v.score())) + " >= " + AnomalyScorer.number(AnomalyScorer.round(v.threshold()))
                + ", " + v.mode() + ")" + (reasons.isEmpty() ? "." : ": " + String.join("; ", reasons) + ".");
        return Finding.newBuilder()
                .setFindingId(FindingIds.of(RULE_ID, eventIds.isEmpty() ? List.of(unit.key) : eventIds))
                .setRuleId(RULE_ID)
                .setRuleName(RULE_NAME)
                .setRuleVersion(v.mode())
                .setSeverity(RiskScore.band(score))
                .setScore(score)
                .setPrincipal(Principal.newBuilder().setId(unit.principalId).setKind(unit.kind)
                        .setSourceIp(unit.sourceIp).build())
                .setEventTime(unit.stoppedAt())
                .setEventIds(eventIds)
                .setRequestId(unit.requestId)
                .setSessionId(unit.sessionId)
                .setTarget(unit.target)
                .setLabel(unit.label)
                .setMitre(List.of("T1078"))
                .setExplanation(explanation)
                .setAnomaly(AnomalyExplanation.newBuilder()
                        .setScore(AnomalyScorer.round(v.score()))
                        .setModelVersion(v.mode())
                        .setBaseline(v.baseline())
                        .setPeerGroup(v.peerGroup())
                        .setTopFeatures(new ArrayList<>(v.topFeatures()))
                        .build())
                .build();
    }

    /**
     * The finding's own score: 40 at the threshold, rising linearly to 80 at an anomaly score of 1. The case
     * score adds the anomaly term on top (see {@link RiskScore}).
     */
    static int findingScore(AnomalyScorer.Verdict v) {
        double over = v.threshold() >= 1 ? 1 : (v.score() - v.threshold()) / (1 - v.threshold());
        return (int) Math.round(40 + 40 * Math.max(0, Math.min(1, over)));
    }
}
