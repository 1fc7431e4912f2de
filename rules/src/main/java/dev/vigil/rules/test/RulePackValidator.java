package dev.vigil.rules.test;

import dev.vigil.common.Severity;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.pack.RuleDefinition;
import dev.vigil.rules.pack.RuleFixture;
import dev.vigil.rules.pack.RuleMetadata;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.rules.pack.RulePackException;
import dev.vigil.rules.pack.RuleProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Lints a rule pack as data, as {@code vigil rules validate} does: everything {@link CompiledPack} needs to run it
 * (EPL compiles and deploys, statements named, finding columns, parameters used are declared and declared ones
 * used, unique ids), plus what makes a rule reviewable: complete metadata, an id that matches its folder, MITRE
 * technique ids, a severity consistent with the score, and fixtures that must fire and fixtures that must not.
 *
 * <p>Severity bands by risk score: CRITICAL 85-100, HIGH 65-84, MEDIUM 40-64, LOW 0-39.
 */
public final class RulePackValidator {
    private static final Pattern RULE_ID = Pattern.compile("[A-Z][A-Z0-9]*-\\d{3}");
    private static final Pattern TECHNIQUE = Pattern.compile("T\\d{4}(\\.\\d{3})?");
    /** Maturity levels, as Sigma names them. */
    public static final Set<String> MATURITIES = Set.of("experimental", "test", "stable");
    /** Metadata the compiler does not need but a reviewer does; name, severity, score and horizon it checks itself. */
    private static final List<String> REVIEW_KEYS = List.of(RuleMetadata.ID, RuleMetadata.MITRE,
            RuleMetadata.DESCRIPTION, RuleMetadata.FALSE_POSITIVES, RuleMetadata.TRIAGE, RuleMetadata.MATURITY);

    private RulePackValidator() {}

    /** Every problem of the pack under dir, including those that stop it loading; empty when it is sound. */
    public static List<RuleProblem> validate(Path dir) {
        try {
            return validate(RulePack.load(dir));
        } catch (RulePackException e) {
            return e.problems();
        }
    }

    /** Every problem of a loaded pack; empty when it is sound. */
    public static List<RuleProblem> validate(RulePack pack) {
        List<RuleProblem> problems = new ArrayList<>(CompiledPack.check(pack));
        for (RuleDefinition rule : pack.rules()) {
            metadata(rule, problems);
            fixtures(rule, problems);
        }
        return problems;
    }

    /** The severity a risk score calls for. */
    public static Severity severityFor(int riskScore) {
        if (riskScore >= 85) {
            return Severity.CRITICAL;
        }
        if (riskScore >= 65) {
            return Severity.HIGH;
        }
        if (riskScore >= 40) {
            return Severity.MEDIUM;
        }
        return Severity.LOW;
    }

    private static void metadata(RuleDefinition rule, List<RuleProblem> problems) {
        RuleMetadata m = rule.metadata();
        for (String key : rule.metadataLines().keySet()) {
            if (!RuleMetadata.REQUIRED.contains(key) && !key.equals(RuleMetadata.PARAMETERS)) {
                problems.add(rule.metadataProblem(key, "unknown key '" + key + "'"));
            }
        }
        for (String key : REVIEW_KEYS) {
            if (!rule.metadataLines().containsKey(key)) {
                problems.add(rule.metadataProblem(key, "missing " + key));
            }
        }
        if (!RULE_ID.matcher(rule.id()).matches()) {
            problems.add(rule.metadataProblem(RuleMetadata.ID, "id '" + rule.id() + "' is not of the form PUM-001"));
        }
        String folder = rule.location().substring(rule.location().lastIndexOf('/') + 1);
        if (!folder.equals(rule.id())) {
            problems.add(rule.metadataProblem(RuleMetadata.ID, "id " + rule.id() + " differs from its folder name '"
                    + folder + "'"));
        }
        if (rule.metadataLines().containsKey(RuleMetadata.MITRE) && m.mitre().isEmpty()) {
            problems.add(rule.metadataProblem(RuleMetadata.MITRE, "mitre lists no technique"));
        }
        for (String technique : m.mitre()) {
            if (!TECHNIQUE.matcher(technique).matches()) {
                problems.add(rule.metadataProblem(RuleMetadata.MITRE,
                        "'" + technique + "' is not a MITRE ATT&CK technique id such as T1078 or T1078.003"));
            }
        }
        if (m.maturity() != null && !MATURITIES.contains(m.maturity())) {
            problems.add(rule.metadataProblem(RuleMetadata.MATURITY,
                    "maturity '" + m.maturity() + "' is not one of " + MATURITIES));
        }
        if (m.severity() != null && m.riskScore() != null && severityFor(m.riskScore()) != m.severity()) {
            problems.add(rule.metadataProblem(RuleMetadata.SEVERITY, "severity " + m.severity() + " does not fit risk_score "
                    + m.riskScore() + ", which calls for " + severityFor(m.riskScore())
                    + " (CRITICAL 85-100, HIGH 65-84, MEDIUM 40-64, LOW 0-39)"));
        }
    }

    private static void fixtures(RuleDefinition rule, List<RuleProblem> problems) {
        String fixtures = rule.location() + "/" + RuleDefinition.FIXTURES_DIR;
        if (rule.fixtures().stream().noneMatch(f -> f.kind() == RuleFixture.Kind.FIRE)) {
            problems.add(new RuleProblem(fixtures + "/fire", 0, "no fixture: every rule needs events that must fire it"));
        }
        if (rule.fixtures().stream().noneMatch(f -> f.kind() == RuleFixture.Kind.QUIET)) {
            problems.add(new RuleProblem(fixtures + "/quiet", 0,
                    "no fixture: every rule needs events that must not fire it"));
        }
        for (RuleFixture f : rule.fixtures()) {
            if (f.kind() == RuleFixture.Kind.FIRE && f.expect() == null) {
                problems.add(new RuleProblem(f.file(), 0, "fire fixture without its "
                        + f.file().replaceAll("\\.ndjson$", RuleFixture.EXPECT_SUFFIX)
                        .substring(f.file().lastIndexOf('/') + 1) + " listing the findings it must produce"));
            }
            if (f.expect() != null) {
                try {
                    ExpectedFinding.read(f);
                } catch (RulePackException e) {
                    problems.addAll(e.problems());
                }
            }
        }
    }
}
