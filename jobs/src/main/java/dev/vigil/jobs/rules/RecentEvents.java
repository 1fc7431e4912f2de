package dev.vigil.jobs.rules;

import dev.vigil.event.LabelledEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.InternalTimerService;

/**
 * Each principal's recent labelled events, in keyed state, so that a restored task can replay them into a fresh
 * rule engine. Bounded by the rule horizon (events older than that before the engine's clock cannot matter to any
 * rule) and by a count per principal; an idle principal's events leave with its last trim timer.
 *
 * <p>Events are appended in the order the rules saw them, which per task is non-decreasing event time.
 */
final class RecentEvents {
    /** Keyed state names; stable, since checkpoints and savepoints find state by them. */
    static final String EVENTS_STATE = "recent-events";
    static final String SPAN_STATE = "recent-span";

    private long horizonMillis;
    private long slackMillis;
    private final int maxPerPrincipal;
    private final ListStateDescriptor<LabelledEvent> eventsDescriptor =
            new ListStateDescriptor<>(EVENTS_STATE, new AvroTypeInfo<>(LabelledEvent.class));
    private ListState<LabelledEvent> events;
    private ValueState<Span> span;
    private InternalTimerService<VoidNamespace> trimTimers;

    /** The oldest kept event's time and how many are kept: read on every append, so it stays small. */
    public record Span(long oldest, int count) {
        static final TypeInformation<Span> TYPE = TypeInformation.of(Span.class);
    }

    /**
     * @param horizon how far back from the engine's clock events can still matter to a rule; zero keeps nothing
     * @param maxPerPrincipal most events kept per principal; a busier principal keeps its latest ones
     */
    RecentEvents(Duration horizon, int maxPerPrincipal) {
        if (maxPerPrincipal < 1) {
            throw new IllegalArgumentException("maxReplayEvents must be positive, got " + maxPerPrincipal);
        }
        this.horizonMillis = horizon.toMillis();
        // Trimming rewrites a principal's list: doing it only once the oldest event is this much past the horizon
        // keeps its cost per event small, for a little more state.
        this.slackMillis = Math.max(1000, horizonMillis / 8);
        this.maxPerPrincipal = maxPerPrincipal;
    }

    /**
     * Keeps events for at least {@code horizon} from now on, for a swapped-in pack whose rules look further back;
     * never shortens it (events already kept for the old pack's rules are trimmed as they were).
     */
    void widen(Duration horizon) {
        long millis = horizon.toMillis();
        if (millis > horizonMillis) {
            horizonMillis = millis;
            slackMillis = Math.max(1000, horizonMillis / 8);
        }
    }

    /** Whether anything is kept at all: a pack whose rules hold no state across events needs no replay. */
    boolean enabled() {
        return horizonMillis > 0;
    }

    void open(KeyedStateStore store, InternalTimerService<VoidNamespace> timers) {
        events = store.getListState(eventsDescriptor);
        span = store.getState(new ValueStateDescriptor<>(SPAN_STATE, Span.TYPE));
        trimTimers = timers;
    }

    /** Appends an event of the current principal; {@code clock} is the engine's time after it. */
    void add(LabelledEvent event, long clock) throws Exception {
        long time = event.getEvent().getEventTime();
        events.add(event);
        Span current = span.value();
        if (current == null) {
            // The one trim timer of this principal; each firing sets the next while events remain.
            trimTimers.registerEventTimeTimer(VoidNamespace.INSTANCE, trimDue(time));
            span.update(new Span(time, 1));
            return;
        }
        current = new Span(current.oldest(), current.count() + 1);
        if (current.count() > maxPerPrincipal || time - current.oldest() > horizonMillis + slackMillis) {
            current = trim(Math.max(time, clock));
        }
        span.update(current);
    }

    /** The current principal's trim timer fired: drop what fell behind the horizon, set the next timer. */
    void onTrimTimer(long timestamp) throws Exception {
        Span remaining = trim(timestamp);
        if (remaining == null) {
            span.clear();
            return;
        }
        span.update(remaining);
        trimTimers.registerEventTimeTimer(VoidNamespace.INSTANCE, trimDue(remaining.oldest()));
    }

    /**
     * Every principal's kept events of this task in event-time order; a stable sort keeps each principal's own
     * order among equal times.
     */
    List<LabelledEvent> all(KeyedStateBackend<String> backend) throws Exception {
        List<LabelledEvent> all = new ArrayList<>();
        backend.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, eventsDescriptor,
                (principal, state) -> {
                    Iterable<LabelledEvent> kept = state.get();
                    if (kept != null) {
                        kept.forEach(all::add);
                    }
                });
        all.sort(Comparator.comparingLong(e -> e.getEvent().getEventTime()));
        return all;
    }

    /**
     * Drops the current principal's events older than the horizon before {@code now}, and its oldest ones beyond
     * three quarters of the count limit (so the next trim by count is a quarter of the limit away).
     *
     * @return what remains; null when nothing does
     */
    private Span trim(long now) throws Exception {
        long cutoff = now - horizonMillis;
        List<LabelledEvent> kept = new ArrayList<>();
        Iterable<LabelledEvent> all = events.get();
        if (all != null) {
            for (LabelledEvent e : all) {
                if (e.getEvent().getEventTime() >= cutoff) {
                    kept.add(e);
                }
            }
        }
        if (kept.size() > maxPerPrincipal) {
            int keep = Math.max(1, maxPerPrincipal * 3 / 4);
            kept = new ArrayList<>(kept.subList(kept.size() - keep, kept.size()));
        }
        if (kept.isEmpty()) {
            events.clear();
            return null;
        }
        events.update(kept);
        return new Span(kept.get(0).getEvent().getEventTime(), kept.size());
    }

    private long trimDue(long oldest) {
        long due = oldest + horizonMillis + slackMillis;
        return due < oldest ? Long.MAX_VALUE : due;
    }
}
