package dev.vigil.connectors.normalize.auditd;

import static dev.vigil.connectors.normalize.text.GoldenSamples.SAMPLES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.normalize.Normalizers;
import dev.vigil.connectors.normalize.text.GoldenSamples;
import dev.vigil.connectors.normalize.text.GoldenSamples.Outcome;
import dev.vigil.connectors.normalize.text.GoldenSamples.Record;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditdNormalizerTest {
    private static final Path DIR = SAMPLES.resolve("auditd");

    /** Raw records: every line of a log; of go-libaudit's yaml test files, the raw lines they hold, in order. */
    static List<Record> records(String file) throws IOException {
        if (!file.endsWith(".yaml")) {
            return GoldenSamples.lines(DIR.resolve(file));
        }
        List<Record> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(DIR.resolve(file), StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.startsWith("type=") || t.startsWith("node=")) {
                out.add(new Record(file + ":" + (i + 1), t));
            }
        }
        return out;
    }

    private static List<Outcome> run(String file) throws IOException {
        return GoldenSamples.normalize(new AuditdNormalizer("testhost"), records(file));
    }

    private static List<PrivilegedEvent> events(String file) throws IOException {
        return run(file).stream().flatMap(o -> o.events().stream()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"go-libaudit_auparse_testdata_audit-rhel7.log",
            "go-libaudit_aucoalesce_testdata_rhel-7-linux-3.10.0.yaml",
            "go-libaudit_aucoalesce_testdata_ubuntu-16.10-linux-4.8.0.yaml",
            "go-libaudit_aucoalesce_testdata_ubuntu-17.04-linux-4.10.0.yaml",
            "handwritten_audit.log", "handwritten_malformed.log"})
    void everySampleMatchesItsGoldenAndLosesNothing(String file) throws IOException {
        List<Record> records = records(file);
        List<Outcome> outcomes = GoldenSamples.normalize(new AuditdNormalizer("testhost"), records);
        GoldenSamples.assertNothingLost(records, outcomes);
        GoldenSamples.assertGolden("auditd", file, outcomes);
    }

    @Test
    void registeredUnderItsFormatName() {
        assertThat(Normalizers.forFormat("auditd")).isInstanceOf(AuditdNormalizer.class);
    }

    @Test
    void anSshLoginSessionWithSudoCommandsInsideIt() throws IOException {
        List<PrivilegedEvent> events = events("handwritten_audit.log").stream()
                .filter(e -> "auditd:web01:ses:7".equals(e.getSessionId())).toList();
        assertThat(events).extracting(PrivilegedEvent::getAction)
                .containsExactly(Action.START, Action.COMMAND, Action.COMMAND, Action.COMMAND, Action.END);
        PrivilegedEvent start = events.get(0);
        assertThat(start.getPrincipal().getId()).isEqualTo("auditd:alice");
        assertThat(start.getPrincipal().getKind()).isEqualTo(PrincipalKind.HUMAN);
        assertThat(start.getPrincipal().getSourceIp()).isEqualTo("203.0.113.9");
        assertThat(start.getTarget()).isEqualTo("web01");
        assertThat(start.getAccount()).isEqualTo("alice");
        assertThat(start.getProtocol()).isEqualTo("ssh");
        assertThat(events.get(1).getCommand()).as("USER_CMD, hex-decoded").isEqualTo("systemctl restart nginx");
        assertThat(events.get(2).getCommand()).as("EXECVE as root").isEqualTo("systemctl restart nginx");
        assertThat(events.get(2).getAccount()).isEqualTo("root");
        assertThat(events.get(2).getEventTime()).isEqualTo(Instant.parse("2026-11-02T09:20:31.002Z").toEpochMilli());
        assertThat(events.get(3).getCommand()).as("EXECVE before its SYSCALL, hex argument")
                .isEqualTo("cat /etc/shadow backup");
    }

    @Test
    void aRefusedSudoCommandIsADeniedElevation() throws IOException {
        PrivilegedEvent denied = events("handwritten_audit.log").stream()
                .filter(e -> e.getType() == EventType.ELEVATION).findFirst().orElseThrow();
        assertThat(denied.getAction()).isEqualTo(Action.DENIED);
        assertThat(denied.getReason()).isEqualTo("sudo refused: passwd root");
        assertThat(denied.getPrincipal().getId()).isEqualTo("auditd:alice");
    }

    @Test
    void cronSessionsAreServicesAndFailedOnesAreSkipped() throws IOException {
        List<Outcome> outcomes = run("handwritten_audit.log");
        PrivilegedEvent cron = outcomes.get(outcomes.size() - 2).events().get(0);
        assertThat(cron.getPrincipal().getKind()).isEqualTo(PrincipalKind.SERVICE);
        assertThat(cron.getInteractive()).isFalse();
        assertThat(cron.getTarget()).as("no node=: the configured host").isEqualTo("testhost");
        assertThat(cron.getPrincipal().getId()).as("no enriched name: the login uid").isEqualTo("auditd:uid/0");
        assertThat(outcomes.get(outcomes.size() - 1).skipped()).isTrue();
    }

    @Test
    void theUpstreamSamplesYieldTheirSudoAndExecEvents() throws IOException {
        assertThat(events("go-libaudit_aucoalesce_testdata_ubuntu-17.04-linux-4.10.0.yaml").stream()
                .filter(e -> e.getAction() == Action.COMMAND).map(PrivilegedEvent::getCommand))
                .containsExactly("su", "docker inspect 721df12151a7");
        assertThat(events("go-libaudit_auparse_testdata_audit-rhel7.log").stream()
                .filter(e -> e.getAction() == Action.COMMAND).map(PrivilegedEvent::getCommand))
                .contains("./metricbeat -c mb.dev.yml");
    }

    @Test
    void openExecEventsAreBoundedPerStream() throws Exception {
        AuditdNormalizer n = new AuditdNormalizer("h");
        for (int i = 0; i < 1000; i++) {
            String line = "type=SYSCALL msg=audit(1793611310.000:" + i + "): arch=c000003e syscall=59 success=yes exit=0"
                    + " ppid=1 pid=2 auid=1000 uid=0 euid=0 tty=pts1 ses=7 comm=\"x\"";
            assertThat(n.normalize(new RawRecord("f:" + i, "auditd", line.getBytes(StandardCharsets.UTF_8)))).isEmpty();
        }
        java.lang.reflect.Field f = AuditdNormalizer.class.getDeclaredField("pending");
        f.setAccessible(true);
        assertThat(((PendingExecs) f.get(n)).size()).isEqualTo(PendingExecs.PER_STREAM);
    }

    @Test
    void brokenRecordsAreRejectedWithTheirReason() throws IOException {
        List<String> reasons = run("handwritten_malformed.log").stream().map(Outcome::reason).toList();
        assertThat(reasons).hasSize(4).doesNotContainNull()
                .allSatisfy(r -> assertThat(r).startsWith("not an auditd record"));
    }
}
