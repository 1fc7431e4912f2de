package dev.vigil.rules.docs;

import dev.vigil.rules.pack.RuleDefinition;
import dev.vigil.rules.pack.RuleFixture;
import dev.vigil.rules.pack.RuleMetadata;
import dev.vigil.rules.pack.RulePack;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rule reference an analyst or detection engineer reads: a table of every detection of a pack, then a section
 * per rule with its metadata, parameters, false positives and triage notes. Written from the pack itself, so the
 * reference cannot drift from what the job runs ({@code vigil rules docs}).
 */
public final class RuleReference {
    private static final String ATTACK = "https://attack.mitre.org/techniques/";

    private RuleReference() {}

    /** Markdown for every rule of the pack, in id order. */
    public static String markdown(RulePack pack) {
        List<RuleDefinition> rules = pack.rules().stream()
                .sorted(Comparator.comparing(RuleDefinition::id))
                .toList();
        StringBuilder md = new StringBuilder();
        md.append("# Detection rule reference\n\n");
        md.append("<!-- Written by `vigil rules docs`; edit the rules' `rule.yaml`, not this file. -->\n\n");
        md.append(String.format(Locale.ROOT,
                "Pack `%s`, version `%s`: %d rules. Each rule lives in its own folder (`rule.yaml`, `rule.epl`, "
                        + "`fixtures/`); see the [detection engineer's guide](detection-engineer.md) for how to "
                        + "write, test, tune and deploy one.%n%n",
                pack.name(), pack.version(), rules.size()));
        md.append("| id | name | severity | score | MITRE ATT&CK | maturity | remembers |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (RuleDefinition rule : rules) {
            RuleMetadata m = rule.metadata();
            md.append("| [").append(rule.id()).append("](#").append(anchor(rule)).append(") | ")
                    .append(cell(m.name())).append(" | ")
                    .append(m.severity() == null ? "" : m.severity().name()).append(" | ")
                    .append(m.riskScore() == null ? "" : m.riskScore()).append(" | ")
                    .append(String.join(", ", m.mitre())).append(" | ")
                    .append(cell(m.maturity())).append(" | ")
                    .append(m.horizon() == null ? "" : human(m.horizon())).append(" |\n");
        }
        for (RuleDefinition rule : rules) {
            section(md, rule);
        }
        return md.toString();
    }

    private static void section(StringBuilder md, RuleDefinition rule) {
        RuleMetadata m = rule.metadata();
        md.append("\n## ").append(rule.id()).append(": ").append(m.name() == null ? "" : m.name().trim()).append("\n\n");
        md.append("- **Severity**: ").append(m.severity()).append(", risk score ").append(m.riskScore()).append('\n');
        if (!m.mitre().isEmpty()) {
            md.append("- **MITRE ATT&CK**: ");
            for (int i = 0; i < m.mitre().size(); i++) {
                String t = m.mitre().get(i);
                md.append(i == 0 ? "" : ", ").append('[').append(t).append("](").append(ATTACK)
                        .append(t.replace('.', '/')).append("/)");
            }
            md.append('\n');
        }
        md.append("- **Maturity**: ").append(m.maturity()).append('\n');
        if (m.horizon() != null && m.horizon().isZero()) {
            md.append("- **State horizon**: none, the rule decides on each event alone\n");
        } else if (m.horizon() != null) {
            md.append("- **State horizon**: ").append(human(m.horizon())).append(" (`").append(m.horizon())
                    .append("`): how far back the rule remembers; a restored job replays this much history\n");
        }
        long fire = rule.fixtures().stream().filter(f -> f.kind() == RuleFixture.Kind.FIRE).count();
        long quiet = rule.fixtures().stream().filter(f -> f.kind() == RuleFixture.Kind.QUIET).count();
        md.append("- **Fixtures**: ").append(fire).append(" that must fire, ").append(quiet)
                .append(" that must stay quiet\n\n");
        md.append(paragraph(m.description())).append("\n\n");
        if (!m.parameters().isEmpty()) {
            md.append("**Parameters** (override per deployment without editing EPL):\n\n");
            md.append("| parameter | type | default |\n|---|---|---|\n");
            for (Map.Entry<String, Object> p : m.parameters().entrySet()) {
                md.append("| `").append(p.getKey()).append("` | ").append(typeOf(p.getValue()))
                        .append(" | ").append(defaultValue(p.getValue())).append(" |\n");
            }
            md.append('\n');
        }
        if (!m.falsePositives().isEmpty()) {
            md.append("**Known false positives**:\n\n");
            m.falsePositives().forEach(fp -> md.append("- ").append(paragraph(fp)).append('\n'));
            md.append('\n');
        }
        if (m.triage() != null) {
            md.append("**Triage**: ").append(paragraph(m.triage())).append('\n');
        }
    }

    /** GitHub's heading anchor for the rule's section. */
    static String anchor(RuleDefinition rule) {
        String heading = rule.id() + ": " + (rule.metadata().name() == null ? "" : rule.metadata().name().trim());
        return heading.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-');
    }

    private static String typeOf(Object value) {
        if (value instanceof Long) {
            return "integer";
        }
        if (value instanceof Double) {
            return "number";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        return value instanceof Duration ? "duration" : "string";
    }

    static String defaultValue(Object value) {
        String text = value instanceof Duration d ? d.toString() : String.valueOf(value);
        if (text.strip().contains("\n")) {
            // A list, one entry a line (such as command patterns): counted here, read in rule.yaml.
            long entries = text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
            return entries + " entries, one a line (see `rule.yaml`)";
        }
        if (text.isEmpty()) {
            return "(empty)";
        }
        if (text.length() > 120) {
            text = text.substring(0, 117) + "...";
        }
        return "`" + text.replace("|", "\\|").replace("`", "'") + "`";
    }

    /** PT24H as "24 hours", P7D as "7 days": the table is read by people. */
    static String human(Duration d) {
        if (d.isZero()) {
            return "nothing (stateless)";
        }
        long minutes = d.toMinutes();
        if (minutes % (24 * 60) == 0) {
            return plural(minutes / (24 * 60), "day");
        }
        if (minutes % 60 == 0) {
            return plural(minutes / 60, "hour");
        }
        if (minutes > 0 && d.toSecondsPart() == 0) {
            return plural(minutes, "minute");
        }
        return d.toString();
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    private static String paragraph(String text) {
        return text == null ? "" : text.trim().replaceAll("\\s*\\n\\s*", " ");
    }

    private static String cell(String text) {
        return text == null ? "" : paragraph(text).replace("|", "\\|");
    }
}
