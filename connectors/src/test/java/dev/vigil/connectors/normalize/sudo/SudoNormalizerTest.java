package dev.vigil.connectors.normalize.sudo;

import static dev.vigil.connectors.normalize.text.GoldenSamples.SAMPLES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.normalize.Normalizers;
import dev.vigil.connectors.normalize.text.GoldenSamples;
import dev.vigil.connectors.normalize.text.GoldenSamples.Outcome;
import dev.vigil.connectors.normalize.text.SyslogYear;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SudoNormalizerTest {
    /** The samples' syslog lines have no year; replaying them as of this date gives them one. */
    private static final SudoNormalizer NORMALIZER =
            new SudoNormalizer(new SyslogYear(LocalDate.of(2026, 11, 30), ZoneOffset.UTC));
    private static final Path DIR = SAMPLES.resolve("sudo");

    private static List<Outcome> run(String file) throws IOException {
        return GoldenSamples.normalize(NORMALIZER, GoldenSamples.lines(DIR.resolve(file)));
    }

    private static List<PrivilegedEvent> events(String file) throws IOException {
        return run(file).stream().flatMap(o -> o.events().stream()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"beats_system_auth_test.log", "handwritten_sudo.log", "handwritten_malformed.log"})
    void everyLogMatchesItsGoldenAndLosesNothing(String file) throws IOException {
        var records = GoldenSamples.lines(DIR.resolve(file));
        List<Outcome> outcomes = GoldenSamples.normalize(NORMALIZER, records);
        GoldenSamples.assertNothingLost(records, outcomes);
        GoldenSamples.assertGolden("sudo", file, outcomes);
    }

    /** sudo's regression documents are pretty-printed: each file is one record. */
    @ParameterizedTest
    @ValueSource(strings = {"sudo_test1.json.in", "sudo_test2.json.in", "sudo_test3.json.in", "sudo_test4.json.in"})
    void everyJsonDocumentMatchesItsGoldenAndLosesNothing(String file) throws IOException {
        var records = GoldenSamples.document(DIR.resolve(file));
        List<Outcome> outcomes = GoldenSamples.normalize(NORMALIZER, records);
        GoldenSamples.assertNothingLost(records, outcomes);
        GoldenSamples.assertGolden("sudo", file, outcomes);
    }

    /** The same event as sudo itself renders it in its classic log (the .sudo.out.ok beside each document). */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void theJsonEventAgreesWithSudosOwnLogLine(int n) throws IOException {
        List<PrivilegedEvent> events = GoldenSamples.normalize(NORMALIZER, GoldenSamples.document(DIR.resolve("sudo_test" + n + ".json.in")))
                .get(0).events();
        SudoLogFields classic = SudoLogFields.parse(
                Files.readAllLines(DIR.resolve("sudo_test" + n + ".sudo.out.ok"), StandardCharsets.UTF_8).get(0));
        PrivilegedEvent command = events.stream().filter(e -> e.getAction() == Action.COMMAND).findFirst().orElseThrow();
        assertThat(command.getCommand()).isEqualTo(classic.get("COMMAND"));
        assertThat(command.getTarget()).isEqualTo(classic.get("HOST"));
        assertThat(command.getAccount()).isEqualTo(classic.get("USER"));
        assertThat(command.getRecorded()).as("TSID means sudo kept an I/O log").isEqualTo(classic.get("TSID") != null);
        assertThat(command.getPrincipal().getId()).isEqualTo("sudo:millert");
    }

    @Test
    void registeredUnderItsFormatName() {
        assertThat(Normalizers.forFormat("sudo")).isInstanceOf(SudoNormalizer.class);
    }

    @Test
    void aSingleLineJsonDocumentReadsLikeThePrettyPrintedOne() throws Exception {
        String pretty = Files.readString(DIR.resolve("sudo_test3.json.in"));
        String line = new com.fasterxml.jackson.databind.ObjectMapper().readTree(pretty).toString();
        List<PrivilegedEvent> a = NORMALIZER.normalize(new RawRecord("a", "sudo", pretty.getBytes(StandardCharsets.UTF_8)));
        List<PrivilegedEvent> b = NORMALIZER.normalize(new RawRecord("a", "sudo", line.getBytes(StandardCharsets.UTF_8)));
        assertThat(b).isEqualTo(a);
        assertThat(a).extracting(PrivilegedEvent::getAction).containsExactly(Action.START, Action.COMMAND, Action.END);
        // submit_time, not the server's receipt two years later
        assertThat(a.get(0).getEventTime()).isEqualTo(Instant.ofEpochSecond(1633116433L, 682537651L).toEpochMilli());
        assertThat(a.get(1).getExitCode()).isEqualTo(131);
    }

    @Test
    void anAcceptedCommandIsAShortSessionAsTheRunAsAccount() throws IOException {
        List<PrivilegedEvent> events = events("beats_system_auth_test.log");
        List<PrivilegedEvent> first = events.stream().filter(e -> e.getEventTime()
                == Instant.parse("2026-02-21T23:35:33Z").toEpochMilli()).toList();
        assertThat(first).extracting(PrivilegedEvent::getAction).containsExactly(Action.START, Action.COMMAND);
        assertThat(first).allSatisfy(e -> {
            assertThat(e.getType()).isEqualTo(EventType.SESSION);
            assertThat(e.getPrincipal().getId()).isEqualTo("sudo:vagrant");
            assertThat(e.getTarget()).isEqualTo("localhost");
            assertThat(e.getAccount()).isEqualTo("root");
            assertThat(e.getInteractive()).isTrue();
            assertThat(e.getRecorded()).isFalse();
        });
        assertThat(first.get(0).getSessionId()).isEqualTo(first.get(1).getSessionId());
        assertThat(first.get(1).getCommand()).isEqualTo("/bin/ls");
    }

    @Test
    void refusalsAreDeniedElevations() throws IOException {
        List<PrivilegedEvent> denied = events("beats_system_auth_test.log").stream()
                .filter(e -> e.getType() == EventType.ELEVATION).toList();
        assertThat(denied).hasSize(1);
        assertThat(denied.get(0).getAction()).isEqualTo(Action.DENIED);
        assertThat(denied.get(0).getPrincipal().getId()).isEqualTo("sudo:tsg");
        assertThat(denied.get(0).getReason()).isEqualTo("user NOT in sudoers: /bin/ls");
        assertThat(denied.get(0).getScope()).containsExactly("precise32");

        List<String> reasons = events("handwritten_sudo.log").stream().filter(e -> e.getAction() == Action.DENIED)
                .map(PrivilegedEvent::getReason).toList();
        assertThat(reasons).containsExactly("3 incorrect password attempts: /usr/bin/id",
                "command not allowed: /bin/bash -i", "user NOT in sudoers: /bin/sh");
    }

    @Test
    void otherProgramsAndSudosPamNotesAreSkipped() throws IOException {
        List<Outcome> beats = run("beats_system_auth_test.log");
        assertThat(GoldenSamples.count(beats, Outcome::skipped)).isEqualTo(7);
        List<Outcome> hand = run("handwritten_sudo.log");
        assertThat(hand.get(1).skipped()).as("pam_unix").isTrue();
        assertThat(hand.get(10).skipped()).as("unable to resolve host").isTrue();
    }

    @Test
    void exitCodesTtysRecordingsAndServiceAccountsComeFromSudosOwnFields() throws IOException {
        List<PrivilegedEvent> events = events("handwritten_sudo.log");
        PrivilegedEvent bob = events.stream().filter(e -> e.getPrincipal().getId().equals("sudo:bob")
                && e.getAction() == Action.COMMAND).findFirst().orElseThrow();
        assertThat(bob.getExitCode()).isEqualTo(1);
        assertThat(bob.getRecorded()).isTrue();
        assertThat(bob.getAccount()).isEqualTo("mysql");
        assertThat(bob.getCommand()).as("redacted as the job does").contains("-p[REDACTED]").doesNotContain("S3cretPass");
        assertThat(events.stream().filter(e -> e.getPrincipal().getId().equals("sudo:bob")).map(PrivilegedEvent::getAction))
                .containsExactly(Action.START, Action.COMMAND, Action.END);

        PrivilegedEvent deploy = events.stream().filter(e -> e.getPrincipal().getId().equals("sudo:deploy")).findFirst().orElseThrow();
        assertThat(deploy.getInteractive()).isFalse();
        assertThat(deploy.getEventTime()).isEqualTo(Instant.parse("2026-11-02T09:19:30.123Z").toEpochMilli());

        PrivilegedEvent backup = events.stream().filter(e -> e.getPrincipal().getId().equals("sudo:backup")).findFirst().orElseThrow();
        assertThat(backup.getPrincipal().getKind()).isEqualTo(PrincipalKind.SERVICE);

        List<PrivilegedEvent> tail = events.stream()
                .filter(e -> "sudo:b8a2e4c1-7d3f-4e21-9c0a-1f2e3d4c5b6a".equals(e.getSessionId())).toList();
        assertThat(tail).extracting(PrivilegedEvent::getAction).containsExactly(Action.START, Action.COMMAND, Action.END);
        assertThat(tail.get(2).getEventTime()).isEqualTo(Instant.parse("2026-11-02T09:25:00Z").toEpochMilli());
        assertThat(tail.get(0).getRecorded()).isTrue();
    }

    @Test
    void brokenRecordsAreRejectedWithTheirReason() throws IOException {
        List<String> reasons = run("handwritten_malformed.log").stream().map(Outcome::reason).toList();
        assertThat(reasons).doesNotContainNull();
        assertThat(reasons.get(0)).startsWith("not a syslog line");
        assertThat(reasons.get(1)).startsWith("malformed JSON");
        assertThat(reasons.get(2)).isEqualTo("sudo JSON event without submituser");
        assertThat(reasons.get(3)).startsWith("sudo JSON event without submit_time");
        assertThat(reasons.get(4)).startsWith("malformed JSON");
        assertThat(reasons.get(5)).startsWith("unreadable syslog timestamp");
    }
}
