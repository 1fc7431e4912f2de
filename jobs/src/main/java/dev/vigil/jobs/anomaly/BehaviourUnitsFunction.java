package dev.vigil.jobs.anomaly;

import dev.vigil.event.EventType;
import dev.vigil.event.GrantRef;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The first PUM-100 stage, keyed by principal: folds each session (and each hour of secret access outside sessions)
 * as its events arrive, and when it closes in event time computes its features against the principal's baseline
 * ({@link ClosedUnit#close}), lets the baseline learn it and sends it on to the peer-group stage
 * ({@link AnomalyScoringFunction}), which scores it.
 *
 * <p>A session closes when the watermark passes its END (or, without an END, {@link #SESSION_IDLE} after its latest
 * act); a secret hour when the watermark passes the end of the hour. A principal's units close in (close time, key)
 * order, so the same events give the same baselines in any run. The principal's profile is cleared by an event-time
 * timer once it has been quiet for the profile retention. Everything here is checkpointed keyed state.
 */
public class BehaviourUnitsFunction extends KeyedProcessFunction<String, LabelledEvent, ClosedUnit> {
    private static final long serialVersionUID = 1L;

    /** A session without END closes this long after its latest act. */
    public static final Duration SESSION_IDLE = Duration.ofMillis(SessionActivity.SESSION_IDLE_MS);
    public static final Duration DEFAULT_PROFILE_RETENTION = Duration.ofDays(90);

    private final long profileRetentionMs;

    private transient MapState<String, SessionActivity> open;
    private transient ValueState<PrincipalProfile> profile;

    public BehaviourUnitsFunction() {
        this(DEFAULT_PROFILE_RETENTION);
    }

    public BehaviourUnitsFunction(Duration profileRetention) {
        this.profileRetentionMs = profileRetention.toMillis();
    }

    @Override
    public void open(OpenContext context) {
        open = getRuntimeContext().getMapState(new MapStateDescriptor<>("anomaly-open-units", Types.STRING,
                TypeInformation.of(SessionActivity.class)));
        profile = getRuntimeContext().getState(new ValueStateDescriptor<>("anomaly-profile",
                TypeInformation.of(PrincipalProfile.class)));
    }

    /** Folds one event of the current key into its open unit and schedules the unit's close. */
    @Override
    public void processElement(LabelledEvent labelled, Context ctx, Collector<ClosedUnit> out) throws Exception {
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
        ctx.timerService().registerEventTimeTimer(unit.closeAt());
    }

    /** Closes the current key's units due at {@code timestamp} and sends them on; clears a profile gone quiet. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ClosedUnit> out) throws Exception {
        List<SessionActivity> closing = new ArrayList<>();
        boolean stillOpen = false;
        for (Map.Entry<String, SessionActivity> entry : open.entries()) {
            if (entry.getValue().closeAt() <= timestamp) {
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
                ClosedUnit closed = ClosedUnit.close(unit, p).trimmed();
                closed.closedAt = timestamp;
                out.collect(closed);
            }
            profile.update(p);
            ctx.timerService().registerEventTimeTimer(p.lastSeenAt + profileRetentionMs);
        } else if (p != null && !stillOpen && timestamp >= p.lastSeenAt + profileRetentionMs) {
            profile.clear();
        }
    }
}
