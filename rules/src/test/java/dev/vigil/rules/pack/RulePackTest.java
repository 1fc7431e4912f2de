package dev.vigil.rules.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.common.Severity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulePackTest {
    private static final Path PACK = Path.of("pack");

    /** The rule folders of the built-in pack, in id order: what every load of it must list. */
    static List<String> ruleFolders() {
        try (Stream<Path> dirs = Files.list(PACK)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("rule.yaml")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void loadsTheRuleFoldersOfADirectory() {
        RulePack pack = RulePack.load(PACK);

        assertThat(pack.rules()).extracting(RuleDefinition::id).containsExactlyElementsOf(ruleFolders());
        RuleDefinition pum002 = pack.rule("PUM-002").orElseThrow();
        assertThat(pum002.location()).isEqualTo("pack/PUM-002");
        assertThat(pum002.metadataFile()).isEqualTo("pack/PUM-002/rule.yaml");
        RuleMetadata m = pum002.metadata();
        assertThat(m.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(m.riskScore()).isEqualTo(88);
        assertThat(m.mitre()).contains("T1078");
        assertThat(m.falsePositives()).isNotEmpty();
        assertThat(m.horizon()).isEqualTo(Duration.ofHours(24));
        assertThat(m.parameters()).containsEntry("report_again_after", Duration.ofHours(24));
        assertThat(pum002.metadataLines()).containsEntry("id", 1).containsEntry("severity", 3);
        assertThat(pum002.epl()).contains("@Name('pum002-first-act-after-grant-ended')");
        assertThat(pum002.fixtures()).extracting(RuleFixture::name).contains(
                "fire/session-outlives-grant", "quiet/session-closed-before-grant-ended");
        RuleFixture fire = pum002.fixtures().stream().filter(f -> f.name().equals("fire/session-outlives-grant"))
                .findFirst().orElseThrow();
        assertThat(fire.kind()).isEqualTo(RuleFixture.Kind.FIRE);
        assertThat(fire.file()).isEqualTo("pack/PUM-002/fixtures/fire/session-outlives-grant.ndjson");
        assertThat(fire.expectFile()).isEqualTo("pack/PUM-002/fixtures/fire/session-outlives-grant.expect.yaml");
        assertThat(pack.longestHorizon()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void theBuiltInPackIsTheSameFromTheClasspathAndFromAJar(@TempDir Path tmp) throws IOException {
        RulePack fromDir = RulePack.load(PACK);
        RulePack builtIn = RulePack.builtIn();
        assertThat(builtIn.version()).isEqualTo(fromDir.version()).hasSize(12);
        assertThat(builtIn.rule("PUM-001").orElseThrow().location()).isEqualTo("classpath:vigil/pack/PUM-001");

        Path jar = tmp.resolve("vigil with spaces.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(PACK)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry("vigil/pack/" + PACK.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, (OutputStream) out);
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            RulePack fromJar = RulePack.fromClasspath(loader);
            assertThat(fromJar.version()).isEqualTo(fromDir.version());
            assertThat(fromJar.rules()).extracting(RuleDefinition::id).containsExactlyElementsOf(ruleFolders());
            assertThat(fromJar.rule("PUM-003").orElseThrow().fixtures()).hasSize(2);
            // A second load while nothing holds the jar open works the same.
            assertThat(RulePack.fromClasspath(loader).version()).isEqualTo(fromDir.version());
        }
    }

    @Test
    void aUsersDirectoryReplacesRulesOfTheSameIdAndAddsItsOwn() {
        RulePack builtIn = RulePack.builtIn();
        RulePack merged = builtIn.merge(RulePack.load(Path.of("src/test/resources/packs/user")));

        List<String> expected = new java.util.ArrayList<>(ruleFolders());
        expected.add("PUM-960");
        assertThat(merged.rules()).extracting(RuleDefinition::id).containsExactlyElementsOf(expected);
        assertThat(merged.rule("PUM-001").orElseThrow().metadata().name()).endsWith("(site copy)");
        assertThat(merged.rule("PUM-002").orElseThrow().location()).isEqualTo("classpath:vigil/pack/PUM-002");
        assertThat(merged.version()).isNotEqualTo(builtIn.version());
        assertThat(RulePack.builtInWith(Path.of("src/test/resources/packs/user")).version()).isEqualTo(merged.version());
    }

    @Test
    void theVersionFollowsRulesAndParametersButNotFixtures(@TempDir Path tmp) throws IOException {
        copy(PACK, tmp.resolve("a"));
        copy(PACK, tmp.resolve("b"));
        String original = RulePack.load(tmp.resolve("a")).version();
        assertThat(RulePack.load(tmp.resolve("b")).version()).isEqualTo(original);

        Files.writeString(tmp.resolve("b/PUM-003/fixtures/quiet/extra.ndjson"), "");
        assertThat(RulePack.load(tmp.resolve("b")).version()).isEqualTo(original);

        Files.writeString(tmp.resolve("b/PUM-003/rule.epl"), "\n// reviewed\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(RulePack.load(tmp.resolve("b")).version()).isNotEqualTo(original);

        RulePack tuned = RulePack.load(tmp.resolve("a")).withParameters(Map.of("PUM-002", Map.of("report_again_after", "PT1H")));
        assertThat(tuned.version()).isNotEqualTo(original);
        assertThat(tuned.rule("PUM-002").orElseThrow().metadata().parameters())
                .containsEntry("report_again_after", Duration.ofHours(1));
    }

    @Test
    void parameterOverridesMustNameRealParametersAndFitTheirType() {
        RulePack pack = RulePack.builtIn();
        assertThatThrownBy(() -> pack.withParameters(Map.of("PUM-099", Map.of("x", 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no rule PUM-099 in the pack to set parameters of");
        assertThatThrownBy(() -> pack.withParameters(Map.of("PUM-002", Map.of("window", "PT1H"))))
                .hasMessage("rule PUM-002 has no parameter 'window' (declared: report_again_after)");
        assertThatThrownBy(() -> pack.withParameters(Map.of("PUM-001", Map.of("include_scripted_service_sessions", "maybe"))))
                .hasMessage("rule PUM-001 parameter 'include_scripted_service_sessions' must be true or false, not 'maybe'");
        assertThatThrownBy(() -> pack.withParameters(Map.of("PUM-002", Map.of("report_again_after", "an hour"))))
                .hasMessage("rule PUM-002 parameter 'report_again_after' 'an hour' is not an ISO-8601 duration"
                        + " (e.g. PT15M, PT24H, P7D)");
        assertThat(pack.withParameters(Map.of("PUM-001", Map.of("include_scripted_service_sessions", "true")))
                .rule("PUM-001").orElseThrow().metadata().parameters())
                .containsEntry("include_scripted_service_sessions", true);
    }

    @Test
    void unreadableRulesAreNamedByFileAndLine() {
        Path dir = Path.of("src/test/resources/packs/unloadable");
        assertThatThrownBy(() -> RulePack.load(dir))
                .isInstanceOf(RulePackException.class)
                .hasMessageStartingWith(dir + "/PUM-911/rule.yaml:")
                .satisfies(e -> {
                    List<String> problems = ((RulePackException) e).problems().stream().map(RuleProblem::toString).toList();
                    assertThat(problems).hasSize(4);
                    assertThat(problems.get(0)).matches(".*/PUM-911/rule.yaml:[67]: .*").doesNotContain("\n");
                });
        assertThatThrownBy(() -> RulePack.load(Path.of("no/such/dir")))
                .isInstanceOf(RulePackException.class).hasMessage("no/such/dir: not a directory");
    }

    @Test
    void aPackSurvivesJavaSerialization() throws Exception {
        RulePack pack = RulePack.builtIn().withParameters(Map.of("PUM-002", Map.of("report_again_after", "PT2H")));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(pack);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            RulePack copy = (RulePack) in.readObject();
            assertThat(copy.version()).isEqualTo(pack.version());
            assertThat(copy.rules()).isEqualTo(pack.rules());
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
