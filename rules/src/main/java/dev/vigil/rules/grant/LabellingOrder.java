package dev.vigil.rules.grant;

import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;

import java.util.Comparator;

/**
 * The order in which a {@link GrantBook} must see events: by event time; at equal time grant changes come
 * before the acts they govern (a revocation at t ends the grant for an act at t), a grant's lifecycle steps
 * keep their natural order, a session starts before its other acts and ends after them; then by event id.
 * A total order, so labels never depend on the order events arrived in.
 */
public final class LabellingOrder implements Comparator<PrivilegedEvent> {

    public static final LabellingOrder INSTANCE = new LabellingOrder();

    private LabellingOrder() {
    }

    @Override
    public int compare(PrivilegedEvent a, PrivilegedEvent b) {
        int byTime = Long.compare(a.getEventTime(), b.getEventTime());
        if (byTime != 0) {
            return byTime;
        }
        int byPhase = Integer.compare(phase(a), phase(b));
        if (byPhase != 0) {
            return byPhase;
        }
        return a.getEventId().compareTo(b.getEventId());
    }

    private static int phase(PrivilegedEvent e) {
        if (e.getType() == EventType.ELEVATION) {
            // REQUESTED < APPROVED < DENIED < ACTIVATED < EXPIRED < REVOKED, as declared.
            return e.getAction().ordinal();
        }
        Action action = e.getAction();
        if (action == Action.START) {
            return 100;
        }
        if (action == Action.END) {
            return 300;
        }
        return 200;
    }
}
