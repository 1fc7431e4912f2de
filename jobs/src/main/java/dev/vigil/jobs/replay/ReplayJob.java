package dev.vigil.jobs.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.file.FileSources;
import dev.vigil.connectors.file.NdjsonFileSink;
import dev.vigil.connectors.normalize.Normalizers;
import dev.vigil.event.DeadLetter;
import dev.vigil.jobs.cli.UserError;
import dev.vigil.jobs.graph.DetectionGraph;
import dev.vigil.jobs.graph.DetectionOptions;
import dev.vigil.jobs.graph.DetectionStreams;
import dev.vigil.jobs.graph.JobCounters;
import dev.vigil.jobs.ingest.EventParser;
import dev.vigil.jobs.ingest.IngestReport;
import dev.vigil.connectors.identity.IdentityResolver;
import dev.vigil.connectors.normalize.FormatDetector;
import dev.vigil.jobs.runtime.LocalFlink;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.Finding;
import dev.vigil.output.PumCase;
import dev.vigil.rules.pack.RulePack;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code vigil replay}: the detection graph over files, bounded, with its outputs as NDJSON. Lines may be in any
 * order: by default the graph holds every event until the end of input and judges them in event-time order.
 */
public final class ReplayJob {
    public static final String FINDINGS = "findings.ndjson";
    public static final String CASES = "cases.ndjson";
    public static final String EVIDENCE = "evidence.ndjson";
    public static final String DEAD_LETTERS = "dead-letters.ndjson";

    /**
     * What to replay. {@code outOfOrderness} null = wait for the end of input (order-independent). {@code format}
     * {@value FormatDetector#AUTO} detects the format per file; {@code identities} null keeps the products' ids.
     */
    public record Request(List<Path> inputs, String format, Path out, RulePack pack, int parallelism,
                          Duration outOfOrderness, IdentityResolver identities) {
        public Request(List<Path> inputs, String format, Path out, RulePack pack, int parallelism, Duration outOfOrderness) {
            this(inputs, format, out, pack, parallelism, outOfOrderness, null);
        }
    }

    /** What a replay read and wrote, counted from its outputs. */
    public record Summary(long events, long deadLetters, long skipped, Map<String, Long> findingsByRule,
                          long findings, long cases, long evidence, Map<String, Long> deadLetterReasons,
                          Duration took, Path out, IngestReport ingest) {}

    private ReplayJob() {}

    public static Summary run(Request request) throws Exception {
        return run(request, null);
    }

    /** As {@link #run(Request)}, PUM-100 scoring with {@code model} (null: principal and peer-group baselines alone). */
    public static Summary run(Request request, dev.vigil.jobs.anomaly.AnomalyModel model) throws Exception {
        for (Path p : request.inputs()) {
            if (!Files.exists(p)) {
                throw new UserError("input not found: " + p);
            }
        }
        if (!FormatDetector.AUTO.equals(request.format())) {
            try {
                Normalizers.forFormat(request.format());
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
        try {
            Files.createDirectories(request.out());
        } catch (IOException e) {
            throw new UserError("cannot create output directory " + request.out() + ": " + e.getMessage());
        }

        StreamExecutionEnvironment env = LocalFlink.environment(request.parallelism(), -1);
        DataStream<RawRecord> raw = env.fromSource(
                FileSources.lines(request.inputs(), request.format()), WatermarkStrategy.noWatermarks(), "files")
                .uid("file-source");
        DetectionOptions options = DetectionOptions.forReplay();
        options.outOfOrderness = request.outOfOrderness();
        options.identities = request.identities();
        options.anomalyModel = model;
        DetectionStreams streams = DetectionGraph.build(raw, request.pack(), options);
        attachFileSinks(streams, request.out());

        long start = System.nanoTime();
        JobExecutionResult result = env.execute("vigil replay");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        return summarize(result, request.out(), took);
    }

    /** NDJSON outputs of a bounded run: the final version of every record, one line per id. */
    public static void attachFileSinks(DetectionStreams streams, Path out) {
        streams.findings().sinkTo(new NdjsonFileSink<Finding>(out.resolve(FINDINGS), Finding::getFindingId))
                .setParallelism(1).name("findings.ndjson").uid("findings-file");
        streams.cases().sinkTo(new NdjsonFileSink<PumCase>(out.resolve(CASES), PumCase::getCaseId))
                .setParallelism(1).name("cases.ndjson").uid("cases-file");
        streams.evidence().sinkTo(new NdjsonFileSink<EvidenceRecord>(out.resolve(EVIDENCE), EvidenceRecord::getEvidenceId))
                .setParallelism(1).name("evidence.ndjson").uid("evidence-file");
        streams.deadLetters().sinkTo(new NdjsonFileSink<DeadLetter>(out.resolve(DEAD_LETTERS), DeadLetter::getOrigin))
                .setParallelism(1).name("dead-letters.ndjson").uid("dead-letters-file");
    }

    private static Summary summarize(JobExecutionResult result, Path out, Duration took) throws IOException {
        Map<String, Object> acc = result.getAllAccumulatorResults();
        Map<String, Long> byRule = countField(out.resolve(FINDINGS), "rule_id");
        Map<String, Long> reasons = countField(out.resolve(DEAD_LETTERS), "reason");
        return new Summary(
                JobCounters.get(acc, EventParser.EVENTS), JobCounters.get(acc, EventParser.DEAD), JobCounters.get(acc, EventParser.SKIPPED),
                byRule, byRule.values().stream().mapToLong(Long::longValue).sum(),
                lines(out.resolve(CASES)), lines(out.resolve(EVIDENCE)), reasons, took, out, IngestReport.from(acc));
    }


    static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var s = Files.lines(file)) {
            return s.count();
        }
    }

    static Map<String, Long> countField(Path file, String field) throws IOException {
        Map<String, Long> counts = new TreeMap<>();
        if (!Files.exists(file)) {
            return counts;
        }
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode v = json.readTree(line).get(field);
                counts.merge(v == null ? "?" : v.asText(), 1L, Long::sum);
            }
        }
        return counts;
    }
}
