package dev.vigil.rules.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.pack.RuleDefinition;
import dev.vigil.rules.pack.RulePack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RuleReferenceTest {
    /** The reference the documentation links to, committed so it can be read without running anything. */
    private static final Path COMMITTED = Path.of("..", "docs", "rules.md");

    @Test
    void everyRuleHasARowThatLinksToItsOwnSection() {
        RulePack pack = RulePack.builtIn();
        String md = RuleReference.markdown(pack);

        for (RuleDefinition rule : pack.rules()) {
            String anchor = RuleReference.anchor(rule);
            assertThat(md).contains("| [" + rule.id() + "](#" + anchor + ") | ");
            assertThat(md).contains("\n## " + rule.id() + ": " + rule.metadata().name().trim() + "\n");
            for (String fp : rule.metadata().falsePositives()) {
                assertThat(md).contains("- " + fp.trim().replaceAll("\\s*\\n\\s*", " "));
            }
            for (String technique : rule.metadata().mitre()) {
                assertThat(md).contains("[" + technique + "](https://attack.mitre.org/techniques/"
                        + technique.replace('.', '/') + "/)");
            }
        }
        // Every anchor the table uses is a heading GitHub would make.
        Matcher links = Pattern.compile("\\]\\(#([^)]+)\\)").matcher(md);
        List<String> headings = md.lines().filter(l -> l.startsWith("## "))
                .map(l -> l.substring(3).toLowerCase().replaceAll("[^a-z0-9 _-]", "").replace(' ', '-')).toList();
        int count = 0;
        while (links.find()) {
            assertThat(headings).contains(links.group(1));
            count++;
        }
        assertThat(count).isEqualTo(pack.rules().size());
    }

    @Test
    void parametersAreListedWithTypeAndDefault() {
        String md = RuleReference.markdown(RulePack.builtIn());

        assertThat(md).contains("| `report_again_after` | duration | `PT24H` |");
    }

    @Test
    void aListParameterIsCountedNotPrinted() {
        assertThat(RuleReference.defaultValue("# audit\na/b: ^x\n\nc/d: ^y\n")).isEqualTo("2 entries, one a line (see `rule.yaml`)");
        assertThat(RuleReference.defaultValue("")).isEqualTo("(empty)");
        assertThat(RuleReference.defaultValue("sftp, scp")).isEqualTo("`sftp, scp`");
    }

    @Test
    void horizonsReadAsPlainDurations() {
        assertThat(RuleReference.human(Duration.ZERO)).isEqualTo("nothing (stateless)");
        assertThat(RuleReference.human(Duration.ofHours(24))).isEqualTo("1 day");
        assertThat(RuleReference.human(Duration.ofHours(36))).isEqualTo("36 hours");
        assertThat(RuleReference.human(Duration.ofMinutes(15))).isEqualTo("15 minutes");
        assertThat(RuleReference.human(Duration.ofSeconds(90))).isEqualTo("PT1M30S");
    }

    @Test
    void theCommittedReferenceIsTheOneThePackWrites() throws IOException {
        String expected = RuleReference.markdown(RulePack.builtIn());

        assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
                .as("docs/rules.md is stale: regenerate it with ./vigil rules docs --out docs/rules.md")
                .isEqualTo(expected);
    }
}
