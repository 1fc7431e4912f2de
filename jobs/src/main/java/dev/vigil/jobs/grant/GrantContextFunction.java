package dev.vigil.jobs.grant;

import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.rules.grant.GrantBook;
import dev.vigil.rules.grant.LabellingOrder;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Grant context: labels every event of one principal (the key) against that principal's grants, in event-time
 * order whatever order the events arrived in. Events wait in keyed state until the watermark passes their
 * time, then go through the principal's {@link GrantBook}; the output of each parallel task is therefore in
 * non-decreasing event time, which the rule operator downstream relies on.
 *
 * <p>Events already behind the watermark are labelled at once against the current grants, marked late and
 * sent only to {@link #LATE}: the evidence still sees them, the rules (which have moved past their time) do not.
 * Record timestamps must be the events' {@code event_time}.
 */
public class GrantContextFunction extends KeyedProcessFunction<String, PrivilegedEvent, LabelledEvent> {

    private static final long serialVersionUID = 1L;

    /** Late events, labelled as they arrived, with {@code late = true}. */
    public static final OutputTag<LabelledEvent> LATE =
            new OutputTag<>("late-labelled-events", new AvroTypeInfo<>(LabelledEvent.class));

    /** Keyed state names; stable, since savepoints find state by them. */
    static final String BOOK_STATE = "grant-book";
    static final String WAITING_STATE = "waiting-events";
    static final String CLEANUP_STATE = "grant-cleanup-at";

    private final Duration retention;
    private final long retentionMillis;

    private transient boolean copyBeforeBuffering;
    private transient ValueState<GrantBook> book;
    private transient MapState<Long, List<PrivilegedEvent>> waiting;
    private transient ValueState<Long> cleanupAt;
    private transient Counter lateEvents;
    private transient Counter duplicateEvents;

    /** @param retention how long, in event time, ended grants and idle sessions are remembered */
    public GrantContextFunction(Duration retention) {
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("grant retention must be a positive duration, got " + retention);
        }
        this.retention = retention;
        this.retentionMillis = retention.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        book = getRuntimeContext().getState(new ValueStateDescriptor<>(BOOK_STATE, Types.POJO(GrantBook.class)));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>(WAITING_STATE,
                Types.LONG, Types.LIST(new AvroTypeInfo<>(PrivilegedEvent.class))));
        cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>(CLEANUP_STATE, Types.LONG));
        lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
        duplicateEvents = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
        // With object reuse the runtime refills the input object after this call, and the heap backend keeps
        // the reference we buffer: keep a copy then.
        copyBeforeBuffering = getRuntimeContext().isObjectReuseEnabled();
    }

    @Override
    public void processElement(PrivilegedEvent event, Context ctx, Collector<LabelledEvent> out) throws Exception {
        long time = event.getEventTime();
        TimerService timers = ctx.timerService();
        if (time <= timers.currentWatermark()) {
            GrantBook current = currentBook();
            LabelledEvent labelled = current.apply(event);
            labelled.setLate(true);
            ctx.output(LATE, labelled);
            lateEvents.inc();
            keep(current, timers, time);
            return;
        }
        List<PrivilegedEvent> atTime = waiting.get(time);
        if (atTime == null) {
            atTime = new ArrayList<>(1);
            timers.registerEventTimeTimer(time);
        } else if (containsId(atTime, event.getEventId())) {
            // A redelivered event (at-least-once producers and sources) carries its id and its time again.
            duplicateEvents.inc();
            return;
        }
        atTime.add(copyBeforeBuffering ? PrivilegedEvent.newBuilder(event).build() : event);
        waiting.put(time, atTime);
    }

    private static boolean containsId(List<PrivilegedEvent> events, String eventId) {
        for (PrivilegedEvent e : events) {
            if (e.getEventId().equals(eventId)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LabelledEvent> out) throws Exception {
        List<PrivilegedEvent> due = waiting.get(timestamp);
        GrantBook current = book.value();
        if (due != null) {
            waiting.remove(timestamp);
            if (current == null) {
                current = new GrantBook(retention);
            }
            due.sort(LabellingOrder.INSTANCE);
            for (PrivilegedEvent event : due) {
                out.collect(current.apply(event));
            }
        }
        if (current == null) {
            // A cleanup timer that outlived the book it was set for.
            return;
        }
        Long cleanupDue = cleanupAt.value();
        if (cleanupDue != null && timestamp >= cleanupDue) {
            current.cleanup(timestamp);
            cleanupAt.clear();
        }
        keep(current, ctx.timerService(), timestamp);
    }

    /** Stores the book, or drops all of it once it remembers nothing, so an idle principal costs no state. */
    private void keep(GrantBook current, TimerService timers, long appliedAt) throws Exception {
        if (current.isEmpty()) {
            book.clear();
            cleanupAt.clear();
            return;
        }
        book.update(current);
        scheduleCleanup(current, timers, appliedAt);
    }

    private GrantBook currentBook() throws Exception {
        GrantBook current = book.value();
        return current == null ? new GrantBook(retention) : current;
    }

    /**
     * Keeps one cleanup timer at or before the book's next cleanup time. Timers are never deleted (one may
     * share its timestamp with waiting events); a timer that fires early merely cleans what is due and sets
     * the next one.
     */
    private void scheduleCleanup(GrantBook current, TimerService timers, long appliedAt) throws Exception {
        Long scheduled = cleanupAt.value();
        // Whatever events at appliedAt touched is remembered until at least appliedAt + retention, so a
        // timer due by then already comes first; this spares scanning the book on nearly every event.
        long horizon = appliedAt > Long.MAX_VALUE - retentionMillis ? Long.MAX_VALUE : appliedAt + retentionMillis;
        if (scheduled != null && scheduled <= horizon) {
            return;
        }
        long next = current.nextCleanupTime();
        if (next == Long.MAX_VALUE) {
            return;
        }
        if (scheduled == null || next < scheduled) {
            timers.registerEventTimeTimer(next);
            cleanupAt.update(next);
        }
    }
}
