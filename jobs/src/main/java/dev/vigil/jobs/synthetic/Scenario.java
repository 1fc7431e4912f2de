package dev.vigil.jobs.synthetic;

/**
 * What an episode of synthetic traffic is: ordinary work that must raise nothing, or an attack scenario built to
 * raise exactly one built-in detection. The rule ids are those of DESIGN.md's detection table.
 */
public enum Scenario {
    /** A person requests, gets approved, activates and uses a grant inside its window and scope. */
    NORMAL_WORK(null, PrincipalKindFilter.HUMAN),
    /** A service account runs scheduled non-interactive jobs under its standing automation grant. */
    SCHEDULED_AUTOMATION(null, PrincipalKindFilter.SERVICE),
    UNGRANTED_SESSION("PUM-001", PrincipalKindFilter.HUMAN),
    ACTIVITY_AFTER_EXPIRY("PUM-002", PrincipalKindFilter.HUMAN),
    OUT_OF_SCOPE_TARGET("PUM-003", PrincipalKindFilter.HUMAN),
    SELF_APPROVAL("PUM-004", PrincipalKindFilter.HUMAN),
    BREAK_GLASS("PUM-005", PrincipalKindFilter.HUMAN),
    UNUSED_GRANT("PUM-006", PrincipalKindFilter.HUMAN),
    SECRET_OUTSIDE_SESSION("PUM-007", PrincipalKindFilter.HUMAN),
    SERVICE_INTERACTIVE("PUM-008", PrincipalKindFilter.SERVICE),
    RISKY_COMMAND("PUM-009", PrincipalKindFilter.HUMAN),
    SECRET_BURST("PUM-010", PrincipalKindFilter.HUMAN),
    LONG_GRANT("PUM-011", PrincipalKindFilter.HUMAN),
    UNRECORDED_SESSION("PUM-012", PrincipalKindFilter.HUMAN),
    CHECKOUT_NOT_RETURNED("PUM-013", PrincipalKindFilter.HUMAN),
    BEHAVIOUR_ANOMALY("PUM-100", PrincipalKindFilter.HUMAN);

    /** Which kind of principal acts in the scenario. */
    enum PrincipalKindFilter { HUMAN, SERVICE }

    private final String ruleId;
    private final PrincipalKindFilter actor;

    Scenario(String ruleId, PrincipalKindFilter actor) {
        this.ruleId = ruleId;
        this.actor = actor;
    }

    /** The detection the scenario must raise, or null for normal traffic, which must raise none. */
    public String ruleId() {
        return ruleId;
    }

    public boolean isAttack() {
        return ruleId != null;
    }

    /** Whether a service account (rather than a person) plays the scenario. */
    public boolean actedByService() {
        return actor == PrincipalKindFilter.SERVICE;
    }
}
