package dev.vigil.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.GrantLabel;
import dev.vigil.connectors.RawRecord;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.jobs.graph.DetectionOptions;
import dev.vigil.jobs.synthetic.Scenario;
import dev.vigil.jobs.synthetic.ScenarioTruth;
import dev.vigil.jobs.synthetic.SyntheticTraffic;
import dev.vigil.jobs.synthetic.TrafficProfile;
import dev.vigil.output.BehaviourItem;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.Finding;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.schema.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.groups.Tuple;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole detection graph on a MiniCluster at parallelism 2 over bounded input: results independent of input
 * order, late events kept out of the rules but not out of the evidence, and bad input dead-lettered and counted.
 */
class DetectionGraphIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final RulePack PACK = RulePack.builtIn();

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ (a) order independence

    @Test
    void shuffledInputGivesTheSameFindingsCasesAndEvidenceAsSortedInput() throws Exception {
        TrafficProfile profile = TrafficProfile.builder().attackRate(0.3).build();
        Path file = dir.resolve("events.ndjson");
        SyntheticTraffic.writeCanonical(file, dir.resolve("truth.json"), 11, profile, 2, 1500);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.addAll(SAME_INSTANT);
        List<String> sorted = new ArrayList<>(lines);
        sorted.sort(Comparator.comparing(DetectionGraphIT::eventTimeOf).thenComparing(DetectionGraphIT::eventIdOf));
        List<String> shuffled = new ArrayList<>(lines);
        Collections.shuffle(shuffled, new Random(5));
        assertThat(shuffled).isNotEqualTo(sorted);

        GraphRun inOrder = GraphRun.run(env -> lines(env, sorted), replayOptions(), PACK, null);
        GraphRun outOfOrder = GraphRun.run(env -> lines(env, shuffled), replayOptions(), PACK, null);

        // Not a comparison of two empty results: the traffic holds attacks of every rule in the pack.
        assertThat(inOrder.events).isEqualTo(lines.size());
        assertThat(inOrder.findings.values().stream().map(Finding::getRuleId).filter(id -> !id.equals("PUM-100"))
                .collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("PUM-001", "PUM-002", "PUM-003", "PUM-004", "PUM-005", "PUM-006", "PUM-008",
                        "PUM-009", "PUM-010", "PUM-011", "PUM-012", "PUM-013");
        // Without a model PUM-100 judges on per-principal baselines: on so short a traffic, only injected behaviour
        // anomalies (of service accounts, whose many runs a day end their warm-up early) are far enough out.
        Set<String> injected = ScenarioTruth.readJson(dir.resolve("truth.json")).stream()
                .filter(t -> t.scenario() == Scenario.BEHAVIOUR_ANOMALY).map(ScenarioTruth::sessionId)
                .collect(Collectors.toSet());
        assertThat(inOrder.findings.values()).filteredOn(f -> f.getRuleId().equals("PUM-100"))
                .extracting(Finding::getSessionId).allMatch(injected::contains);
        assertThat(inOrder.cases).isNotEmpty();
        assertThat(inOrder.evidence).hasSizeGreaterThan(inOrder.cases.size());

        assertThat(outOfOrder.findings.keySet()).isEqualTo(inOrder.findings.keySet());
        assertThat(outOfOrder.cases.keySet()).isEqualTo(inOrder.cases.keySet());
        assertThat(outOfOrder.evidence.keySet()).isEqualTo(inOrder.evidence.keySet());
        inOrder.findings.forEach((id, f) -> assertThat(outOfOrder.findings.get(id)).as(id).isEqualTo(f));
        inOrder.cases.forEach((id, c) -> assertThat(outOfOrder.cases.get(id)).as(id).isEqualTo(c));
        inOrder.evidence.forEach((id, e) -> assertThat(outOfOrder.evidence.get(id)).as(id).isEqualTo(e));
        assertThat(outOfOrder.late).isEmpty();
        assertThat(inOrder.late).isEmpty();

        // At one instant a grant change governs the act, whichever line comes first (ids sort the act first).
        for (GraphRun run : List.of(inOrder, outOfOrder)) {
            assertThat(run.findings.values()).filteredOn(f -> f.getPrincipal().getId().startsWith("tie-"))
                    .extracting(Finding::getRuleId, f -> f.getEventIds().get(0))
                    .containsExactlyInAnyOrder(
                            Tuple.tuple("PUM-002", "tie-a-command-at-revocation"),
                            Tuple.tuple("PUM-001", "tie-a-start-after-expiry"));
        }
    }

    /**
     * Acts at the very millisecond of a grant change, whose event ids sort before the change's: a graph that
     * judged equal times in arrival order would label them differently in the two runs. Tie-1's command at the
     * revocation is after the grant (PUM-002); tie-2's session opened at the approval is in grant (nothing);
     * tie-3's session opened at the expiry is after every grant (PUM-001).
     */
    private static final List<String> SAME_INSTANT = List.of(
            grantStep("tie-r1", "tie-1", "REQUESTED", "2026-03-10T08:50:00Z"),
            grantStep("tie-r2", "tie-1", "APPROVED", "2026-03-10T09:00:00Z"),
            tieSession("tie-s1", "tie-1", "START", "s-tie-1", "2026-03-10T09:05:00Z"),
            grantStep("tie-z-revoked", "tie-1", "REVOKED", "2026-03-10T09:30:00Z"),
            tieSession("tie-a-command-at-revocation", "tie-1", "COMMAND", "s-tie-1", "2026-03-10T09:30:00Z"),
            grantStep("tie-r3", "tie-2", "REQUESTED", "2026-03-10T08:50:00Z"),
            grantStep("tie-z-approved", "tie-2", "APPROVED", "2026-03-10T09:00:00Z"),
            tieSession("tie-a-start-at-approval", "tie-2", "START", "s-tie-2", "2026-03-10T09:00:00Z"),
            grantStep("tie-r4", "tie-3", "REQUESTED", "2026-03-10T08:50:00Z"),
            grantStep("tie-r5", "tie-3", "APPROVED", "2026-03-10T09:00:00Z"),
            grantStep("tie-z-expired", "tie-3", "EXPIRED", "2026-03-10T10:00:00Z"),
            tieSession("tie-a-start-after-expiry", "tie-3", "START", "s-tie-3", "2026-03-10T10:00:00Z"));

    private static String grantStep(String id, String principal, String action, String at) {
        String request = "req-" + principal;
        String window = action.equals("APPROVED")
                ? ",\"approver\":\"omar\",\"window_start\":\"" + at + "\",\"window_end\":\"2026-03-10T10:00:00Z\"" : "";
        return "{\"event_id\":\"" + id + "\",\"event_time\":\"" + at + "\",\"source\":\"entra\",\"type\":\"ELEVATION\","
                + "\"principal\":{\"id\":\"" + principal + "\",\"kind\":\"HUMAN\"},\"action\":\"" + action + "\","
                + "\"request_id\":\"" + request + "\",\"role\":\"linux-admin\",\"scope\":[\"web-prod-*\"]" + window + "}";
    }

    private static String tieSession(String id, String principal, String action, String sessionId, String at) {
        String extra = action.equals("COMMAND") ? ",\"command\":\"systemctl restart nginx\",\"exit_code\":0"
                : ",\"account\":\"root\",\"protocol\":\"ssh\",\"interactive\":true,\"recorded\":true";
        return "{\"event_id\":\"" + id + "\",\"event_time\":\"" + at + "\",\"source\":\"teleport\",\"type\":\"SESSION\","
                + "\"principal\":{\"id\":\"" + principal + "\",\"kind\":\"HUMAN\"},\"action\":\"" + action + "\","
                + "\"session_id\":\"" + sessionId + "\",\"target\":\"web-prod-01\"" + extra + "}";
    }

    // ------------------------------------------------------------------ (b) late events

    /** Set by the graph when the on-time session has been labelled, i.e. the watermark has passed it. */
    static final AtomicBoolean ON_TIME_LABELLED = new AtomicBoolean();

    private static final Instant T0 = Instant.parse("2026-03-10T09:00:00Z");

    @Test
    void anEventLaterThanTheBoundReachesTheEvidenceFlaggedLateButRaisesNoFinding() throws Exception {
        ON_TIME_LABELLED.set(false);
        DetectionOptions options = DetectionOptions.defaults();
        options.outOfOrderness = Duration.ofMinutes(2);
        options.parallelism = 2;

        GraphRun run = GraphRun.run(env -> lateScenario(env, true), options, PACK,
                streams -> streams.labelled().map(new SignalWhenLabelled("on-time-start"))
                        .sinkTo(new DiscardingSink<>()).name("watch the watermark"));

        // The late START is labelled, marked late, and sent only to the late output.
        assertThat(run.late).singleElement().satisfies(l -> {
            assertThat(l.getEvent().getEventId()).isEqualTo("late-start");
            assertThat(l.getLate()).isTrue();
            assertThat(l.getLabel()).isEqualTo(GrantLabel.NO_GRANT);
        });
        assertThat(run.labelled).extracting(l -> l.getEvent().getEventId()).doesNotContain("late-start")
                .contains("on-time-start");
        // The rules saw the on-time session without a grant, not the late one.
        assertThat(run.findings.values()).extracting(Finding::getSessionId).containsExactly("s-on-time");
        // The evidence of the late session holds the late act, flagged.
        List<BehaviourItem> lateActs = run.evidence.values().stream()
                .flatMap(e -> e.getBehaviour().stream())
                .filter(b -> b.getEventId().equals("late-start"))
                .toList();
        assertThat(lateActs).singleElement().satisfies(b -> {
            assertThat(b.getLate()).isTrue();
            assertThat(b.getLabel()).isEqualTo(GrantLabel.NO_GRANT);
            assertThat(b.getSessionId()).isEqualTo("s-late");
        });
    }

    @Test
    void theSameEventsJudgedAtTheEndOfInputRaiseAFindingForTheLateSessionToo() throws Exception {
        // The control of the test above: nothing about the late session itself keeps it from a finding.
        GraphRun run = GraphRun.run(env -> lateScenario(env, false), replayOptions(), PACK, null);

        assertThat(run.late).isEmpty();
        assertThat(run.findings.values()).extracting(Finding::getSessionId)
                .containsExactlyInAnyOrder("s-on-time", "s-late");
    }

    /**
     * One principal's session without a grant at T0, two clock events at T0+10 min (one per parallel watermark
     * task, so both move past T0+8 min), then, once the graph has labelled the first session, a second session of
     * the same principal at T0+1 min: seven minutes behind a watermark that allows two.
     */
    private static DataStream<RawRecord> lateScenario(StreamExecutionEnvironment env, boolean waitForWatermark) {
        List<String> lines = List.of(
                session("on-time-start", "mira", "s-on-time", "web-prod-01", T0),
                elevation("clock-1", "clock-a", "req-clock-a", T0.plus(Duration.ofMinutes(10))),
                elevation("clock-2", "clock-b", "req-clock-b", T0.plus(Duration.ofMinutes(10))),
                session("late-start", "mira", "s-late", "web-prod-02", T0.plus(Duration.ofMinutes(1))));
        return env.fromSource(new DataGeneratorSource<>(new HeldBackLine(lines, 3, waitForWatermark), lines.size(),
                        TypeInformation.of(RawRecord.class)), WatermarkStrategy.noWatermarks(), "late scenario")
                // One reader, so the lines leave in this order and round-robin to the two parse tasks.
                .setParallelism(1);
    }

    /** Hands out the lines in order, holding the one at {@code heldIndex} until the watermark passed the first. */
    static final class HeldBackLine implements GeneratorFunction<Long, RawRecord> {
        private final List<String> lines;
        private final int heldIndex;
        private final boolean hold;

        HeldBackLine(List<String> lines, int heldIndex, boolean hold) {
            this.lines = List.copyOf(lines);
            this.heldIndex = heldIndex;
            this.hold = hold;
        }

        @Override
        public RawRecord map(Long index) throws Exception {
            if (hold && index == heldIndex) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!ON_TIME_LABELLED.get()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the watermark never passed the on-time session");
                    }
                    synchronized (ON_TIME_LABELLED) {
                        ON_TIME_LABELLED.wait(50);
                    }
                }
            }
            int i = index.intValue();
            return new RawRecord("late.ndjson:" + (i + 1), "canonical", lines.get(i).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Passes labelled events on, and signals once the given event has come through. */
    static final class SignalWhenLabelled implements org.apache.flink.api.common.functions.MapFunction<LabelledEvent, String> {
        private final String eventId;

        SignalWhenLabelled(String eventId) {
            this.eventId = eventId;
        }

        @Override
        public String map(LabelledEvent e) {
            String id = e.getEvent().getEventId();
            if (id.equals(eventId)) {
                ON_TIME_LABELLED.set(true);
                synchronized (ON_TIME_LABELLED) {
                    ON_TIME_LABELLED.notifyAll();
                }
            }
            return id;
        }
    }

    // ------------------------------------------------------------------ (c) bad input

    @Test
    void badRecordsBecomeDeadLettersWithReasonsAndEveryLineIsAccountedFor() throws Exception {
        String ok = session("e-1", "mira", "s-1", "web-prod-01", T0);
        Map<String, byte[]> bad = new TreeMap<>();
        bad.put("malformed JSON", utf8("{\"event_id\": \"broken\", \"event_time\": "));
        bad.put("unknown type", utf8(ok.replace("\"SESSION\"", "\"LOGIN\"")));
        bad.put("unknown action", utf8(ok.replace("\"START\"", "\"TELEPORT\"")));
        bad.put("missing event_id", utf8(ok.replace("\"event_id\":\"e-1\",", "")));
        bad.put("blank event_id", utf8(ok.replace("\"e-1\"", "\" \"")));
        bad.put("missing principal", utf8(ok.replaceAll("\"principal\":\\{[^}]*},", "")));
        bad.put("session without id", utf8(ok.replace("\"session_id\":\"s-1\",", "")));
        bad.put("event time far in the future", utf8(ok.replace(T0.toString(), "2999-01-01T00:00:00Z")));
        bad.put("event time before 2000", utf8(ok.replace(T0.toString(), "1970-01-02T00:00:00Z")));
        bad.put("not a time", utf8(ok.replace(T0.toString(), "yesterday")));
        bad.put("oversize record", utf8(ok.replace("\"source\":\"teleport\"",
                "\"source\":\"teleport\",\"padding\":\"" + "x".repeat(300 * 1024) + "\"")));
        bad.put("not UTF-8", new byte[] {(byte) 0xC3, 0x28, '{', '}'});

        // Each bad line between a good session and a blank line, then a command and a grant request.
        List<byte[]> lines = new ArrayList<>();
        Map<String, String> causeByOrigin = new TreeMap<>();
        String[] blanks = {"", "   ", "\t"};
        int n = 0;
        for (Map.Entry<String, byte[]> b : bad.entrySet()) {
            lines.add(utf8(session("good-" + n, "mira", "s-good-" + n, "web-prod-01", T0.plusSeconds(n))));
            lines.add(b.getValue());
            causeByOrigin.put("input.ndjson:" + lines.size(), b.getKey());
            lines.add(utf8(blanks[n % blanks.length]));
            n++;
        }
        lines.add(utf8("{\"event_id\":\"cmd-1\",\"event_time\":\"2026-03-10T09:01:00Z\",\"source\":\"teleport\","
                + "\"type\":\"SESSION\",\"principal\":{\"id\":\"mira\",\"kind\":\"HUMAN\"},\"action\":\"COMMAND\","
                + "\"session_id\":\"s-good-0\",\"command\":\"uptime\",\"exit_code\":0,\"unknown_field\":1}"));
        lines.add(utf8(elevation("req-1", "omar", "req-omar", T0)));
        int sessions = bad.size();

        GraphRun run = GraphRun.run(env -> records(env, lines, "input.ndjson"), replayOptions(), PACK, null);

        assertThat(run.deadLetterCount).isEqualTo(bad.size());
        assertThat(run.skipped).isEqualTo(bad.size());
        assertThat(run.events).isEqualTo(sessions + 2);
        assertThat(run.events + run.deadLetterCount + run.skipped).isEqualTo(lines.size());

        Map<String, DeadLetter> byOrigin = run.deadLetters.stream()
                .collect(Collectors.toMap(DeadLetter::getOrigin, d -> d));
        assertThat(byOrigin.keySet()).isEqualTo(causeByOrigin.keySet());
        Map<String, String> reasons = new TreeMap<>();
        causeByOrigin.forEach((origin, cause) -> {
            DeadLetter d = byOrigin.get(origin);
            assertThat(d.getReason()).as(cause).isNotBlank().doesNotContain("\n");
            assertThat(d.getFormat()).isEqualTo("canonical");
            assertThat(d.getPayload().remaining()).as(cause).isPositive();
            reasons.put(cause, d.getReason());
        });
        assertThat(reasons.get("malformed JSON")).contains("malformed JSON");
        assertThat(reasons.get("unknown type")).contains("unknown type").contains("LOGIN");
        assertThat(reasons.get("unknown action")).contains("unknown action").contains("TELEPORT");
        assertThat(reasons.get("missing event_id")).contains("missing event_id");
        assertThat(reasons.get("blank event_id")).contains("missing event_id");
        assertThat(reasons.get("missing principal")).contains("missing principal");
        assertThat(reasons.get("session without id")).contains("session_id");
        assertThat(reasons.get("event time far in the future")).contains("in the future");
        assertThat(reasons.get("event time before 2000")).contains("before 2000");
        assertThat(reasons.get("not a time")).contains("event_time").contains("ISO-8601");
        assertThat(reasons.get("oversize record")).contains("exceeds the limit");
        assertThat(reasons.get("not UTF-8")).contains("malformed JSON");
        // The dead letter keeps the bytes, cut at the limit for an oversize record.
        assertThat(byOrigin.get(originOf(causeByOrigin, "oversize record")).getPayload().remaining())
                .isEqualTo(DetectionOptions.defaults().maxRecordBytes);
        assertThat(byOrigin.get(originOf(causeByOrigin, "not UTF-8")).getPayloadText()).isNull();

        // What was good went on through the graph: each session without a grant raised its finding.
        assertThat(run.labelled).hasSize((int) run.events);
        assertThat(run.findings.values()).extracting(Finding::getRuleId).containsOnly("PUM-001");
        assertThat(run.findings.values()).extracting(Finding::getSessionId).hasSize(sessions).doesNotHaveDuplicates();
    }

    // ------------------------------------------------------------------ helpers

    private static String originOf(Map<String, String> causeByOrigin, String cause) {
        return causeByOrigin.entrySet().stream().filter(e -> e.getValue().equals(cause)).findFirst().orElseThrow().getKey();
    }

    private static DetectionOptions replayOptions() {
        DetectionOptions options = DetectionOptions.forReplay();
        options.parallelism = 2;
        return options;
    }

    private static DataStream<RawRecord> lines(StreamExecutionEnvironment env, List<String> lines) {
        return records(env, lines.stream().map(DetectionGraphIT::utf8).toList(), "events.ndjson");
    }

    /** The lines as a file source hands them over: one raw record each, origin {@code file:line}. */
    private static DataStream<RawRecord> records(StreamExecutionEnvironment env, List<byte[]> lines, String file) {
        List<RawRecord> records = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            records.add(new RawRecord(file + ":" + (i + 1), "canonical", lines.get(i)));
        }
        return env.fromData(records);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String session(String id, String principal, String sessionId, String target, Instant at) {
        return "{\"event_id\":\"" + id + "\",\"event_time\":\"" + at + "\",\"source\":\"teleport\",\"type\":\"SESSION\","
                + "\"principal\":{\"id\":\"" + principal + "\",\"kind\":\"HUMAN\",\"source_ip\":\"10.0.0.7\"},"
                + "\"action\":\"START\",\"session_id\":\"" + sessionId + "\",\"target\":\"" + target + "\","
                + "\"account\":\"root\",\"protocol\":\"ssh\",\"interactive\":true,\"recorded\":true}";
    }

    private static String elevation(String id, String principal, String requestId, Instant at) {
        return "{\"event_id\":\"" + id + "\",\"event_time\":\"" + at + "\",\"source\":\"entra\",\"type\":\"ELEVATION\","
                + "\"principal\":{\"id\":\"" + principal + "\",\"kind\":\"HUMAN\"},\"action\":\"REQUESTED\","
                + "\"request_id\":\"" + requestId + "\",\"role\":\"linux-admin\",\"scope\":[\"web-prod-*\"]}";
    }

    private static long eventTimeOf(String line) {
        return parse(line).getEventTime();
    }

    private static String eventIdOf(String line) {
        return parse(line).getEventId();
    }

    private static PrivilegedEvent parse(String line) {
        try {
            return CanonicalJson.parse(line);
        } catch (Exception e) {
            throw new IllegalArgumentException(line, e);
        }
    }
}
