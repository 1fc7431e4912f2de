package dev.vigil.connectors.normalize.cyberark;

import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import java.util.Locale;
import java.util.Map;

/** The Vault audit action codes Vigil reads, with the canonical type and action each becomes. */
record VaultActivity(EventType type, Action action) {
    private static final Map<String, VaultActivity> BY_CODE = Map.of(
            "22", new VaultActivity(EventType.SECRET, Action.ROTATE),    // CPM Verify Password
            "24", new VaultActivity(EventType.SECRET, Action.ROTATE),    // CPM Change Password
            "31", new VaultActivity(EventType.SECRET, Action.ROTATE),    // CPM Reconcile Password
            "295", new VaultActivity(EventType.SECRET, Action.CHECKOUT), // Retrieve password
            "308", new VaultActivity(EventType.SECRET, Action.CHECKOUT), // Use Password
            "300", new VaultActivity(EventType.SESSION, Action.START),   // PSM Connect
            "302", new VaultActivity(EventType.SESSION, Action.END),     // PSM Disconnect
            "359", new VaultActivity(EventType.SESSION, Action.COMMAND), // PSM SQL command
            "361", new VaultActivity(EventType.SESSION, Action.COMMAND)  // PSM keystroke logging
    );
    private static final Map<String, String> CODE_BY_ACTION = Map.of(
            "cpm verify password", "22", "cpm change password", "24", "cpm reconcile password", "31",
            "retrieve password", "295", "use password", "308", "psm connect", "300", "psm disconnect", "302",
            "psm sql command", "359", "psm keystroke", "361");

    /** By action code, or by action name when the code is missing; null for codes Vigil does not use. */
    static VaultActivity of(String messageId, String action) {
        if (messageId != null && !messageId.isBlank()) {
            return BY_CODE.get(messageId.trim());
        }
        if (action == null) {
            return null;
        }
        String a = action.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> e : CODE_BY_ACTION.entrySet()) {
            if (a.startsWith(e.getKey())) {
                return BY_CODE.get(e.getValue());
            }
        }
        return null;
    }
}
