package dev.vigil.jobs.anomaly;

import java.util.ArrayList;
import java.util.List;

/**
 * The behavioural features of one closed session (or one principal-hour of secret access outside any session):
 * defined once, here, and computed by {@link FeatureExtractor} in the same way when a model is trained, evaluated
 * and scored in the job. A model artifact names these features in this order; a model trained on another list is
 * refused.
 */
public final class FeatureCatalogue {

    /**
     * One feature: its name (as it appears in model artifacts and explanations), what it measures, a readable label
     * for explanations, and the smallest standard deviation a baseline may claim for it, so a principal who always
     * did exactly the same thing does not turn a difference of one into an infinite z-score.
     */
    public record Feature(String name, String label, String doc, double minStd) {}

    public static final List<Feature> FEATURES = List.of(
            new Feature("duration_minutes", "duration (min)", "Minutes from the session's first to its last event (START to END).", 15),
            new Feature("commands", "commands", "COMMAND events in the session.", 2),
            new Feature("distinct_commands", "distinct commands", "Distinct command lines (program and arguments) in the session.", 2),
            new Feature("risky_commands", "risky commands", "Commands matching the risky-command patterns (audit tampering, new users or keys, credential dumping, history wiping, security agent stopped).", 0.5),
            new Feature("secrets_read", "secrets read", "SECRET READ and CHECKOUT events.", 1),
            new Feature("distinct_secrets", "distinct secrets", "Distinct secret ids read or checked out.", 1),
            new Feature("distinct_targets", "distinct targets", "Distinct targets touched (hosts, databases, clusters).", 0.5),
            new Feature("new_target", "first-seen target", "1 when a target was never seen before for this principal, else 0.", 0.25),
            new Feature("new_account", "first-seen account", "1 when the account used was never seen before for this principal, else 0.", 0.25),
            new Feature("new_source_ip", "first-seen source IP", "1 when the source address was never seen before for this principal, else 0.", 0.25),
            new Feature("new_role", "first-seen grant role", "1 when the grant's role was never used before by this principal, else 0.", 0.25),
            new Feature("hour_sin", "hour of day (sin)", "sin(2 pi h / 24), h the UTC hour (with minutes) the session started.", 0.2),
            new Feature("hour_cos", "hour of day (cos)", "cos(2 pi h / 24).", 0.2),
            new Feature("weekday_sin", "day of week (sin)", "sin(2 pi d / 7), d the UTC day of week (Monday 0) the session started.", 0.2),
            new Feature("weekday_cos", "day of week (cos)", "cos(2 pi d / 7).", 0.2),
            new Feature("ungranted", "no grant", "1 when no grant covered the session's start, else 0.", 0.25),
            new Feature("minutes_since_grant_start", "minutes since grant activation",
                    "Minutes from the start of the covering grant's window to the session's start; 0 without a grant.", 10),
            new Feature("grant_window_used_share", "share of grant window used",
                    "Session duration over the covering grant's window length (may exceed 1 past the window); 0 without a grant.", 0.1));

    private static final List<String> NAMES;

    static {
        List<String> names = new ArrayList<>();
        for (Feature f : FEATURES) {
            names.add(f.name());
        }
        NAMES = List.copyOf(names);
    }

    private FeatureCatalogue() {}

    public static List<String> names() {
        return NAMES;
    }

    public static int size() {
        return FEATURES.size();
    }

    /** The position of a feature, or -1. */
    public static int indexOf(String name) {
        return NAMES.indexOf(name);
    }

    public static Feature get(int i) {
        return FEATURES.get(i);
    }

    /** A fixed-width table of the catalogue, for {@code vigil model show} and the documentation. */
    public static String describe() {
        StringBuilder b = new StringBuilder();
        for (Feature f : FEATURES) {
            b.append(String.format("  %-26s %s%n", f.name(), f.doc()));
        }
        return b.toString();
    }
}
