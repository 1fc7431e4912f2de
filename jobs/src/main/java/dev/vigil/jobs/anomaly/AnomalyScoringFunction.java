package dev.vigil.jobs.anomaly;

import dev.vigil.common.AnomalyExplanation;
import dev.vigil.common.FeatureContribution;
import dev.vigil.common.Principal;
import dev.vigil.event.EventType;
import dev.vigil.event.GrantRef;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.jobs.cases.RiskScore;
import dev.vigil.output.Finding;
import dev.vigil.rules.engine.FindingIds;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PUM-100: keyed by principal, folds each session (and each hour of secret access outside sessions) as its events
 * arrive, and when it closes in event time computes its features, scores it ({@link AnomalyScorer}) and raises a
 * finding when the score reaches the threshold, naming the features that drove it with their baselines.
 *
 * <p>A session closes when the watermark passes its END (or, without an END, {@link #SESSION_IDLE} after its latest
 * act); a secret hour when the watermark passes the end of the hour. Units close in (stop time, key) order, so the
 * same events give the same baselines and scores in any run. The principal's profile is cleared by an event-time
 * timer once it has been quiet for the profile retention. The model can be replaced while running
 * ({@link #replaceModel}); profiles are kept.
 */
public class AnomalyScoringFunction extends KeyedProcessFunction<String, LabelledEvent, Finding> {
    private static final long serialVersionUID = 1L;

    public static final String RULE_ID = "PUM-100";
    public static final String RULE_NAME = "behavioural anomaly";
    /** A session without END closes this long after its latest act. */
    public static final Duration SESSION_IDLE = Duration.ofMillis(SessionActivity.SESSION_IDLE_MS);
    public static final Duration DEFAULT_PROFILE_RETENTION = Duration.ofDays(90);

    private final AnomalyScorer scorer;
    private final long profileRetentionMs;

    private transient MapState<String, SessionActivity> open;
    private transient ValueState<PrincipalProfile> profile;

    public AnomalyScoringFunction(AnomalyModel model) {
        this(model, DEFAULT_PROFILE_RETENTION);
    }

    public AnomalyScoringFunction(AnomalyModel model, Duration profileRetention) {
        this.scorer = new AnomalyScorer(model);
        this.profileRetentionMs = profileRetention.toMillis();
    }

    /** Scores with {@code next} from the next closing unit on; null scores on baselines alone. */
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
    void openState(org.apache.flink.api.common.functions.RuntimeContext runtime) {
        open = runtime.getMapState(new MapStateDescriptor<>("anomaly-open-units", Types.STRING,
                TypeInformation.of(SessionActivity.class)));
        profile = runtime.getState(new ValueStateDescriptor<>("anomaly-profile",
                TypeInformation.of(PrincipalProfile.class)));
    }

    @Override
    public void processElement(LabelledEvent labelled, Context ctx, Collector<Finding> out) throws Exception {
        process(labelled, ctx.timerService(), out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out) throws Exception {
        fire(timestamp, ctx.timerService(), out);
    }

    /** Folds one event of the current key into its open unit and schedules the unit's close. */
    void process(LabelledEvent labelled, org.apache.flink.streaming.api.TimerService timers, Collector<Finding> out)
            throws Exception {
        PrivilegedEvent e = labelled.getEvent();
        if (e.getType() == EventType.ELEVATION) {
            return;
        }
        String key;
        if (e.getSessionId() != null) {
            key = e.getSessionId();
        } else if (e.getType() == EventType.SECRET) {
            key = SessionActivity.secretHourKey(e.getEventTime());
        } else {
            return;
        }
        SessionActivity unit = open.get(key);
        if (unit == null) {
            unit = new SessionActivity(key, e.getPrincipal().getId(), e.getPrincipal().getKind());
        }
        if (unit.sessionId == null && e.getSessionId() != null) {
            // A secret read may name its session before the session's own events arrive.
            unit.sessionId = e.getSessionId();
        }
        if (unit.interactive == null && e.getInteractive() != null) {
            unit.interactive = e.getInteractive();
        }
        unit.add(e.getEventId(), e.getEventTime(), e.getType(), e.getAction(), e.getTarget(), e.getAccount(),
                e.getCommand(), e.getSecretId(), e.getPrincipal().getSourceIp());
        GrantRef g = labelled.getGrant();
        unit.grant(g == null ? null : g.getRequestId(), g == null ? null : g.getRole(),
                g == null ? null : g.getWindowStart(), g == null ? null : g.getWindowEnd(), labelled.getLabel());
        open.put(key, unit);
        timers.registerEventTimeTimer(closeAt(unit));
    }

    static long closeAt(SessionActivity unit) {
        return unit.closeAt();
    }

    /** Closes the current key's units due at {@code timestamp}, scores them, and clears a profile gone quiet. */
    void fire(long timestamp, org.apache.flink.streaming.api.TimerService timers, Collector<Finding> out)
            throws Exception {
        List<SessionActivity> closing = new ArrayList<>();
        boolean stillOpen = false;
        for (Map.Entry<String, SessionActivity> entry : open.entries()) {
            if (closeAt(entry.getValue()) <= timestamp) {
                closing.add(entry.getValue());
            } else {
                stillOpen = true;
            }
        }
        closing.sort(SessionActivity.CLOSING_ORDER);
        PrincipalProfile p = profile.value();
        if (!closing.isEmpty()) {
            if (p == null) {
                p = new PrincipalProfile();
            }
            for (SessionActivity unit : closing) {
                open.remove(unit.key);
                AnomalyScorer.Verdict v = scorer.judge(unit, p);
                if (v.flagged()) {
                    Finding f = finding(unit, v);
                    // Stamp the finding with its event time, not the timer's: an idle session closes 12 h after its
                    // last act, and a record stamped that far ahead is refused by Kafka (and is not when it happened).
                    if (out instanceof TimestampedCollector<Finding> stamped) {
                        stamped.setAbsoluteTimestamp(f.getEventTime());
                    }
                    out.collect(f);
                }
            }
            profile.update(p);
            timers.registerEventTimeTimer(p.lastSeenAt + profileRetentionMs);
        } else if (p != null && !stillOpen && timestamp >= p.lastSeenAt + profileRetentionMs) {
            profile.clear();
        }
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
        String explanation = what + " is unlike " + unit.principalId + "'s history (anomaly score "
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
