package dev.vigil.jobs.synthetic;

/**
 * What an episode of synthetic traffic is: ordinary work that must raise nothing, or an attack scenario built to
 * raise exactly one built-in detection. The rule ids are those of DESIGN.md's detection table.
 */
public enum Scenario {
    /** A person requests, gets approved, activates and uses a grant inside its window and scope. */
    NORMAL_WORK(null, false),
    /** A service account runs scheduled non-interactive jobs under its standing automation grant. */
    SCHEDULED_AUTOMATION(null, true),
    UNGRANTED_SESSION("PUM-001", false),
    ACTIVITY_AFTER_EXPIRY("PUM-002", false),
    OUT_OF_SCOPE_TARGET("PUM-003", false),
    SELF_APPROVAL("PUM-004", false),
    BREAK_GLASS("PUM-005", false),
    UNUSED_GRANT("PUM-006", false),
    SECRET_OUTSIDE_SESSION("PUM-007", false),
    SERVICE_INTERACTIVE("PUM-008", true),
    RISKY_COMMAND("PUM-009", false),
    SECRET_BURST("PUM-010", false),
    LONG_GRANT("PUM-011", false),
    UNRECORDED_SESSION("PUM-012", false),
    CHECKOUT_NOT_RETURNED("PUM-013", false),
    /**
     * Behaviour unlike the actor's own history that breaks no rule: played by people ({@code secret-sweep},
     * {@code night-marathon}) and by service accounts ({@code service-secret-sweep}, {@code service-recon}).
     */
    BEHAVIOUR_ANOMALY("PUM-100", false);

    private final String ruleId;
    private final boolean byService;

    Scenario(String ruleId, boolean byService) {
        this.ruleId = ruleId;
        this.byService = byService;
    }

    /** The detection the scenario must raise, or null for normal traffic, which must raise none. */
    public String ruleId() {
        return ruleId;
    }

    public boolean isAttack() {
        return ruleId != null;
    }

    /**
     * Whether only service accounts play the scenario. Behaviour anomalies have variants of both kinds: the truth's
     * principal says who.
     */
    public boolean actedByService() {
        return byService;
    }
}
