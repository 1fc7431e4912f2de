package dev.vigil.jobs.it;

import dev.vigil.connectors.RawRecord;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.LabelledEvent;
import dev.vigil.jobs.graph.DetectionGraph;
import dev.vigil.jobs.graph.DetectionOptions;
import dev.vigil.jobs.graph.DetectionStreams;
import dev.vigil.jobs.ingest.EventParser;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.Finding;
import dev.vigil.output.PumCase;
import dev.vigil.rules.pack.RulePack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * One bounded run of the detection graph on the test's MiniCluster, with every output collected. Cases and evidence
 * are re-emitted as they change; like the NDJSON files and the Elasticsearch indices, {@link #cases} and
 * {@link #evidence} keep the last version of each id.
 */
final class GraphRun {
    final Map<String, Finding> findings = new TreeMap<>();
    final Map<String, PumCase> cases = new TreeMap<>();
    final Map<String, EvidenceRecord> evidence = new TreeMap<>();
    final List<LabelledEvent> labelled = new ArrayList<>();
    final List<LabelledEvent> late = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    long events;
    long deadLetterCount;
    long skipped;

    /** A run that has not finished by then has hung: fail rather than wait for the build's timeout. */
    private static final Duration RUN_LIMIT = Duration.ofSeconds(90);

    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "graph-output-reader");
        t.setDaemon(true);
        return t;
    });

    private GraphRun() {}

    /**
     * @param source builds the raw input in the given environment
     * @param beforeRun a last look at the streams before the job starts (e.g. to attach an observer); may be null
     */
    static GraphRun run(Function<StreamExecutionEnvironment, DataStream<RawRecord>> source, DetectionOptions options,
            RulePack pack, Consumer<DetectionStreams> beforeRun) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // As every driver runs it (LocalFlink): records pass between chained operators uncopied.
        env.getConfig().enableObjectReuse();
        DetectionStreams streams = DetectionGraph.build(source.apply(env), pack, options);
        if (beforeRun != null) {
            beforeRun.accept(streams);
        }
        CloseableIterator<Finding> findings = streams.findings().collectAsync();
        CloseableIterator<PumCase> cases = streams.cases().collectAsync();
        CloseableIterator<EvidenceRecord> evidence = streams.evidence().collectAsync();
        CloseableIterator<LabelledEvent> labelled = streams.labelled().collectAsync();
        CloseableIterator<LabelledEvent> late = streams.late().collectAsync();
        CloseableIterator<DeadLetter> deadLetters = streams.deadLetters().collectAsync();
        JobClient job = env.executeAsync("detection graph test");

        // Drained side by side: a collect sink whose buffer fills waits for its reader, and would hold back the
        // operators it shares an input with, so reading one output to its end before the next could stall the job.
        GraphRun run = new GraphRun();
        List<CompletableFuture<Void>> drains = List.of(
                drain(findings, f -> run.findings.put(f.getFindingId(), f)),
                drain(cases, c -> run.cases.put(c.getCaseId(), c)),
                drain(evidence, e -> run.evidence.put(e.getEvidenceId(), e)),
                drain(labelled, run.labelled::add),
                drain(late, run.late::add),
                drain(deadLetters, run.deadLetters::add));
        JobExecutionResult result = job.getJobExecutionResult().get(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS);
        CompletableFuture.allOf(drains.toArray(CompletableFuture[]::new)).get(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS);
        run.events = counter(result, EventParser.EVENTS);
        run.deadLetterCount = counter(result, EventParser.DEAD);
        run.skipped = counter(result, EventParser.SKIPPED);
        return run;
    }

    private static <T> CompletableFuture<Void> drain(CloseableIterator<T> records, Consumer<T> into) {
        return CompletableFuture.runAsync(() -> {
            try (records) {
                records.forEachRemaining(into);
            } catch (Exception e) {
                throw new IllegalStateException("collecting an output failed", e);
            }
        }, READERS);
    }

    private static long counter(JobExecutionResult result, String name) {
        Object v = result.getAllAccumulatorResults().get(name);
        return v instanceof Number n ? n.longValue() : 0L;
    }
}
