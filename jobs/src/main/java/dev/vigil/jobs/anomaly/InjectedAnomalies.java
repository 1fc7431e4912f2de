package dev.vigil.jobs.anomaly;

import dev.vigil.jobs.synthetic.Scenario;
import dev.vigil.jobs.synthetic.ScenarioTruth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The labels evaluation needs, read from the answer key {@code vigil generate} writes: which sessions are injected
 * behaviour anomalies, of which kind, and which features an explanation of each kind must lead with.
 */
public final class InjectedAnomalies {

    /**
     * For each kind (the scenario variant), the features that name what was injected. People: {@code secret-sweep},
     * {@code night-marathon}; service accounts: {@code service-secret-sweep} (a scheduled run that reads a dozen or
     * more other teams' secrets one by one) and {@code service-recon} (a scripted session around 3 a.m. on a target
     * the account never touched, running a score of distinct reconnaissance commands and reading secrets that are not
     * its own, which makes it far longer than its runs). The hour is no part of a service's explanation: services run
     * around the clock, so 3 a.m. is not unusual for them.
     */
    public static final Map<String, Set<String>> EXPECTED_FEATURES = Map.of(
            "secret-sweep", Set.of("secrets_read", "distinct_secrets"),
            "night-marathon", Set.of("duration_minutes", "new_target", "hour_sin", "hour_cos",
                    "grant_window_used_share", "commands", "distinct_commands", "new_role", "new_account"),
            "service-secret-sweep", Set.of("secrets_read", "distinct_secrets"),
            "service-recon", Set.of("distinct_commands", "commands", "new_target", "secrets_read", "distinct_secrets",
                    "duration_minutes"));

    /** An injected attack that names neither session nor grant (secrets read outside both, PUM-007): who, when. */
    private record SessionlessAttack(String principalId, long from, long to, String ruleId) {}

    private final Map<String, String> kindBySession;
    private final Map<String, String> otherAttackBySession;
    private final List<SessionlessAttack> sessionless;

    private InjectedAnomalies(Map<String, String> kindBySession, Map<String, String> otherAttackBySession,
                              List<SessionlessAttack> sessionless) {
        this.kindBySession = kindBySession;
        this.otherAttackBySession = otherAttackBySession;
        this.sessionless = sessionless;
    }

    public static InjectedAnomalies read(Path truthFile) throws IOException {
        return of(ScenarioTruth.readJson(truthFile));
    }

    public static InjectedAnomalies of(List<ScenarioTruth> truths) {
        Map<String, String> kinds = new TreeMap<>();
        Map<String, String> others = new TreeMap<>();
        List<SessionlessAttack> sessionless = new ArrayList<>();
        for (ScenarioTruth t : truths) {
            if (t.scenario() == Scenario.BEHAVIOUR_ANOMALY && t.sessionId() != null) {
                kinds.put(t.sessionId(), t.variant() == null ? "unnamed" : t.variant());
            } else if (t.isAttack() && t.sessionId() != null) {
                others.put(t.sessionId(), t.ruleId());
            } else if (t.isAttack() && t.requestId() == null) {
                sessionless.add(new SessionlessAttack(t.principalId(), t.startTime(), t.endTime(), t.ruleId()));
            }
        }
        return new InjectedAnomalies(kinds, others, List.copyOf(sessionless));
    }

    /** The injected kind of a unit, or null when it is ordinary. */
    public String kindOf(SessionActivity unit) {
        return unit.sessionId == null ? null : kindBySession.get(unit.sessionId);
    }

    /**
     * The rule of another injected attack played in this unit (e.g. PUM-008 for a service account driven by hand,
     * PUM-007 for a secret hour of direct reads), or null: not what the model is scored on, but no ordinary unit either.
     */
    public String otherAttackOf(SessionActivity unit) {
        if (unit.sessionId != null) {
            return otherAttackBySession.get(unit.sessionId);
        }
        if (!unit.isSecretHour()) {
            return null;
        }
        // A secret hour belongs to an attack of the same principal that names neither session nor grant and overlaps
        // the hour: in generated traffic, secrets read or checked out outside any session are the PUM-007 scenario.
        long from = unit.hourStart();
        long to = from + 3_600_000L;
        for (SessionlessAttack a : sessionless) {
            if (a.principalId().equals(unit.principalId) && a.from() < to && a.to() >= from) {
                return a.ruleId();
            }
        }
        return null;
    }

    public int size() {
        return kindBySession.size();
    }

    /** Whether {@code feature} names what a {@code kind} anomaly injected. */
    public static boolean explains(String kind, String feature) {
        Set<String> expected = EXPECTED_FEATURES.get(kind);
        return expected != null && expected.contains(feature);
    }
}
