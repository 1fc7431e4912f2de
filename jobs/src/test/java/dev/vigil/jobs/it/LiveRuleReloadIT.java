package dev.vigil.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Principal;
import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.elasticsearch.ElasticsearchOptions;
import dev.vigil.connectors.kafka.ControlTopic;
import dev.vigil.connectors.kafka.EventPublisher;
import dev.vigil.connectors.kafka.KafkaOptions;
import dev.vigil.connectors.testing.KafkaExtension;
import dev.vigil.event.Action;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.EventType;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.jobs.cli.VigilCli;
import dev.vigil.jobs.graph.DetectionGraph;
import dev.vigil.jobs.graph.DetectionOptions;
import dev.vigil.jobs.graph.DetectionStreams;
import dev.vigil.jobs.runtime.LocalFlink;
import dev.vigil.jobs.stream.StreamingJob;
import dev.vigil.output.Finding;
import dev.vigil.rules.pack.RulePack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The streaming job following its control topic on a real Kafka broker: while it runs, {@code vigil rules deploy}
 * publishes a pack that adds a rule, then one that changes it, and events after each swap raise the new rule, then
 * the changed one, each finding stamped with the version of the pack that produced it. No restart in between.
 */
@ExtendWith(KafkaExtension.class)
class LiveRuleReloadIT {
    private static final Path PACKS = Path.of("src", "test", "resources", "packs", "reload");
    private static final RulePack ADDED = RulePack.builtInWith(PACKS.resolve("v1"));
    private static final RulePack CHANGED = RulePack.builtInWith(PACKS.resolve("v2"));
    private static final long MINUTE = 60_000;
    private static final long BASE = Instant.parse("2026-03-10T08:00:00Z").toEpochMilli();
    /** How long a deployed pack may take to reach every task, compile and swap in. */
    private static final Duration SWAP_LIMIT = Duration.ofSeconds(45);
    /** How long a probe gets to raise its finding before the next probe is sent. */
    private static final Duration PROBE_EVERY = Duration.ofSeconds(2);

    private final Queue<Finding> findings = new ConcurrentLinkedQueue<>();
    private final Queue<DeadLetter> deadLetters = new ConcurrentLinkedQueue<>();
    private long clock = BASE;
    private String controlTopic;
    private int probes;

    @Test
    void aRuleAddedAndThenChangedWhileTheJobRunsFiresFromTheNextEventsWithTheNewVersion() throws Exception {
        String events = KafkaExtension.uniqueTopic("reload-events");
        KafkaExtension.kafka().createTopics(2, events);
        KafkaOptions kafka = KafkaOptions.builder().bootstrapServers(KafkaExtension.bootstrapServers())
                .eventsTopic(events)
                .controlTopic(KafkaExtension.uniqueTopic("reload-control"))
                .controlEnabled(true)
                .startingOffsets(KafkaOptions.StartingOffsets.EARLIEST)
                .groupId(KafkaExtension.uniqueTopic("reload"))
                .build();
        controlTopic = kafka.controlTopic();
        // As vigil run does when it follows the control topic.
        ControlTopic.ensureExists(kafka);
        JobClient job = start(kafka);
        try (EventPublisher publisher = new EventPublisher(kafka)) {
            String before = probe(publisher);
            awaitFinding(f -> f.getRuleId().equals("PUM-001") && f.getEventIds().contains(before));
            assertThat(findings).as("the built-in pack runs: no ACME-001 yet").allSatisfy(f -> {
                assertThat(f.getRuleId()).isNotEqualTo("ACME-001");
                assertThat(f.getRuleVersion()).isEqualTo(RulePack.builtIn().version());
            });

            deploy("v1", "add ACME-001");
            Finding added = probeUntil(publisher, f -> f.getRuleId().equals("ACME-001"));
            assertThat(added.getRuleVersion()).isEqualTo(ADDED.version());
            assertThat(added.getExplanation()).contains(" opened a root session on db-payroll-1 ");
            assertThat(findings).as("a new rule starts afresh: nothing for the events before it")
                    .noneMatch(f -> f.getRuleId().equals("ACME-001") && f.getEventIds().contains(before));

            deploy("v2", "reword ACME-001");
            Finding changed = probeUntil(publisher,
                    f -> f.getRuleId().equals("ACME-001") && f.getRuleVersion().equals(CHANGED.version()));
            assertThat(changed.getExplanation()).contains(" used root on payroll database db-payroll-1 ");

            assertThat(findings).filteredOn(f -> f.getRuleId().equals("ACME-001"))
                    .allSatisfy(f -> assertThat(f.getRuleVersion()).isEqualTo(
                            f.getExplanation().contains("used root") ? CHANGED.version() : ADDED.version()));
            assertThat(deadLetters).isEmpty();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private JobClient start(KafkaOptions kafka) throws Exception {
        StreamExecutionEnvironment env = LocalFlink.environment(2, -1, new Configuration());
        DetectionOptions detection = DetectionOptions.defaults();
        detection.outOfOrderness = Duration.ofSeconds(1);
        detection.sourceIdleness = Duration.ofSeconds(1);
        StreamingJob.Settings settings = new StreamingJob.Settings(kafka, ElasticsearchOptions.defaults(), detection,
                RulePack.builtIn(), false);
        // The streaming job's sources and graph; findings and dead letters collected here instead of Elasticsearch.
        DataStream<RawRecord> raw = StreamingJob.source(env, settings);
        DetectionStreams streams = DetectionGraph.build(raw, settings.pack(), detection,
                StreamingJob.controlSource(env, settings));
        CloseableIterator<Finding> found = streams.findings().collectAsync();
        CloseableIterator<DeadLetter> dead = streams.deadLetters().collectAsync();
        JobClient job = env.executeAsync("vigil live reload test");
        drain(found, findings);
        drain(dead, deadLetters);
        return job;
    }

    private static <T> void drain(CloseableIterator<T> records, Queue<T> into) {
        Thread t = new Thread(() -> {
            try (records) {
                records.forEachRemaining(into::add);
            } catch (Exception e) {
                // The job was cancelled.
            }
        }, "reload-output-reader");
        t.setDaemon(true);
        t.start();
    }

    private void deploy(String version, String label) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VigilCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), "rules", "deploy",
                "--bootstrap", KafkaExtension.bootstrapServers(), "--topic", controlTopic, "--label", label,
                PACKS.resolve(version).toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("deployed pack ").contains("\"" + label + "\"");
    }

    /**
     * Sends a root session on a payroll database without a grant (PUM-001 always, ACME-001 once deployed), then
     * sessions of other people a minute later on both partitions, so the watermark passes the probe.
     *
     * @return the probe's event id
     */
    private String probe(EventPublisher publisher) {
        String id = "probe-" + probes++;
        clock += MINUTE;
        publisher.publish(session(id, "carol", clock, "db-payroll-1", "root"));
        clock += MINUTE;
        for (int i = 0; i < 8; i++) {
            publisher.publish(session(id + "-filler-" + i, "filler-" + i, clock, "app-" + i, "deploy"));
        }
        publisher.flush();
        return id;
    }

    /** Probes every two seconds until a finding matches; the swap happens at some point in between. */
    private Finding probeUntil(EventPublisher publisher, Predicate<Finding> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + SWAP_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            probe(publisher);
            Finding f = firstBefore(wanted, Math.min(deadline, System.nanoTime() + PROBE_EVERY.toNanos()));
            if (f != null) {
                return f;
            }
        }
        throw new AssertionError("no matching finding within " + SWAP_LIMIT + "; findings: " + findings
                + "; dead letters: " + deadLetters);
    }

    private void awaitFinding(Predicate<Finding> wanted) throws InterruptedException {
        if (firstBefore(wanted, System.nanoTime() + SWAP_LIMIT.toNanos()) == null) {
            throw new AssertionError("no matching finding within " + SWAP_LIMIT + "; findings: " + findings);
        }
    }

    /** The first collected finding that matches, looking every 100 ms until {@code deadline} (nanoTime); else null. */
    private Finding firstBefore(Predicate<Finding> wanted, long deadline) throws InterruptedException {
        while (true) {
            Finding f = findings.stream().filter(wanted).findFirst().orElse(null);
            if (f != null || System.nanoTime() >= deadline) {
                return f;
            }
            Thread.sleep(100);
        }
    }

    private static PrivilegedEvent session(String id, String principal, long time, String target, String account) {
        return PrivilegedEvent.newBuilder()
                .setEventId(id).setEventTime(time).setSource("teleport").setType(EventType.SESSION)
                .setPrincipal(Principal.newBuilder().setId(principal).setKind(PrincipalKind.HUMAN).build())
                .setAction(Action.START).setSessionId("s-" + id).setTarget(target).setAccount(account)
                .setProtocol("ssh").setInteractive(true).setRecorded(true)
                .build();
    }
}
