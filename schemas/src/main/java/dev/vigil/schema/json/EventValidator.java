package dev.vigil.schema.json;

import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks what the schema cannot: that a canonical event makes sense as a privileged act. Whatever fails here goes
 * to the dead-letter output with the message as its reason, so every message is one line naming the field.
 */
public final class EventValidator {
    /** Earliest event time accepted; anything before is a broken clock or a zero timestamp. */
    public static final long EARLIEST = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    private static final Set<Action> ELEVATION_ACTIONS =
            EnumSet.of(Action.REQUESTED, Action.APPROVED, Action.DENIED, Action.ACTIVATED, Action.EXPIRED, Action.REVOKED);
    private static final Set<Action> SESSION_ACTIONS = EnumSet.of(Action.START, Action.COMMAND, Action.END);
    private static final Set<Action> SECRET_ACTIONS =
            EnumSet.of(Action.READ, Action.CHECKOUT, Action.CHECKIN, Action.ROTATE, Action.LIST, Action.DENIED);

    private final long maxFutureSkewMs;
    private final int maxCommandLength;

    /**
     * @param maxFutureSkewMs how far past the wall clock an event time may lie before it is refused as absurd;
     *     the only use of the wall clock in Vigil, and it never changes what is detected, only what is accepted
     * @param maxCommandLength longest command line accepted, in characters
     */
    public EventValidator(long maxFutureSkewMs, int maxCommandLength) {
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.maxCommandLength = maxCommandLength;
    }

    public static EventValidator defaults() {
        return new EventValidator(24L * 3600 * 1000, 16 * 1024);
    }

    public void validate(PrivilegedEvent e) throws InvalidRecordException {
        require(!blank(e.getEventId()), "missing event_id");
        require(!blank(e.getSource()), "missing source");
        require(!blank(e.getPrincipal().getId()), "missing principal.id");
        long t = e.getEventTime();
        require(t >= EARLIEST, () -> "event_time " + Instant.ofEpochMilli(t) + " is before 2000");
        require(t <= System.currentTimeMillis() + maxFutureSkewMs,
                () -> "event_time " + Instant.ofEpochMilli(t) + " is in the future");
        EventType type = e.getType();
        Action action = e.getAction();
        switch (type) {
            case ELEVATION -> {
                require(ELEVATION_ACTIONS.contains(action), () -> "action " + action + " is not an ELEVATION action");
                require(!blank(e.getRequestId()), "ELEVATION without request_id");
                if (e.getWindowStart() != null && e.getWindowEnd() != null) {
                    require(e.getWindowEnd() > e.getWindowStart(), "window_end is not after window_start");
                }
            }
            case SESSION -> {
                require(SESSION_ACTIONS.contains(action), () -> "action " + action + " is not a SESSION action");
                require(!blank(e.getSessionId()), "SESSION without session_id");
                if (action == Action.START) {
                    require(!blank(e.getTarget()), "session START without target");
                }
            }
            case SECRET -> {
                require(SECRET_ACTIONS.contains(action), () -> "action " + action + " is not a SECRET action");
                require(!blank(e.getSecretId()) || !blank(e.getStore()), "SECRET without secret_id or store");
            }
            default -> throw new InvalidRecordException("unknown type " + type);
        }
        if (e.getCommand() != null) {
            require(e.getCommand().length() <= maxCommandLength,
                    () -> "command of " + e.getCommand().length() + " characters exceeds " + maxCommandLength);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static void require(boolean ok, String reason) throws InvalidRecordException {
        if (!ok) {
            throw new InvalidRecordException(reason);
        }
    }

    /** As {@link #require(boolean, String)}, the reason written only when it is needed: this runs on every event. */
    private static void require(boolean ok, Supplier<String> reason) throws InvalidRecordException {
        if (!ok) {
            throw new InvalidRecordException(reason.get());
        }
    }
}
