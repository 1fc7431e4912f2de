package dev.vigil.rules.pack;

import dev.vigil.common.Severity;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code rule.yaml} says about a detection: identity, how bad a hit is, where it sits in MITRE ATT&CK, how an
 * analyst should read it, how far back it must remember, and the parameters a deployment may change.
 *
 * <p>Fields the file leaves out are null (lists empty), so a pack with gaps still loads and
 * {@code RulePackValidator} can name every gap at once; the engine refuses to compile a rule whose name,
 * severity, score or horizon is missing.
 *
 * @param parameters name to default value, in file order: {@link Long} for integers, {@link Double} for
 *     decimals, {@link Boolean}, {@link Duration} for ISO-8601 durations ({@code PT15M}), otherwise {@link String}
 */
public record RuleMetadata(
        String id,
        String name,
        Severity severity,
        Integer riskScore,
        List<String> mitre,
        String description,
        List<String> falsePositives,
        String triage,
        String maturity,
        Duration horizon,
        Map<String, Object> parameters) implements Serializable {

    /** Metadata keys in {@code rule.yaml}, as written there. */
    public static final String ID = "id";
    public static final String NAME = "name";
    public static final String SEVERITY = "severity";
    public static final String RISK_SCORE = "risk_score";
    public static final String MITRE = "mitre";
    public static final String DESCRIPTION = "description";
    public static final String FALSE_POSITIVES = "false_positives";
    public static final String TRIAGE = "triage";
    public static final String MATURITY = "maturity";
    public static final String HORIZON = "horizon";
    public static final String PARAMETERS = "parameters";

    /** Every key {@code rule.yaml} must have; {@code parameters} may be left out when there are none. */
    public static final List<String> REQUIRED =
            List.of(ID, NAME, SEVERITY, RISK_SCORE, MITRE, DESCRIPTION, FALSE_POSITIVES, TRIAGE, MATURITY, HORIZON);

    public RuleMetadata {
        mitre = mitre == null ? List.of() : List.copyOf(mitre);
        falsePositives = falsePositives == null ? List.of() : List.copyOf(falsePositives);
        parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    }

    /** The same metadata with other parameter values (already checked by {@link RuleParameters}). */
    RuleMetadata withParameters(Map<String, Object> values) {
        return new RuleMetadata(id, name, severity, riskScore, mitre, description, falsePositives, triage, maturity,
                horizon, values);
    }
}
