package dev.vigil.jobs.bench;

import dev.vigil.connectors.RawRecord;
import dev.vigil.jobs.graph.DetectionGraph;
import dev.vigil.jobs.graph.DetectionOptions;
import dev.vigil.jobs.graph.DetectionStreams;
import dev.vigil.jobs.graph.FindingTally;
import dev.vigil.jobs.graph.JobCounters;
import dev.vigil.jobs.ingest.EventParser;
import dev.vigil.jobs.runtime.LocalFlink;
import dev.vigil.jobs.synthetic.SyntheticSource;
import dev.vigil.jobs.synthetic.TrafficProfile;
import dev.vigil.rules.pack.RulePack;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Throughput of the bounded detection graph on generated traffic, against a baseline of the same source, parser
 * and shuffle with nothing behind them: the ratio says how much of the machine's ceiling the detection costs.
 */
public final class GraphBench {
    /** What to run: event count, parallelism, source encoding, the traffic's seed and its number of principals. */
    public record Settings(long events, int parallelism, String format, long seed, int humans, int services,
                           RulePack pack, Duration outOfOrderness) {}

    private GraphBench() {}

    public static Map<String, Object> run(Settings s) throws Exception {
        return run(s, null);
    }

    /** As {@link #run(Settings)}, PUM-100 scoring with {@code model} (null: baselines alone). */
    public static Map<String, Object> run(Settings s, dev.vigil.jobs.anomaly.AnomalyModel model) throws Exception {
        TrafficProfile profile = TrafficProfile.builder().humans(s.humans()).services(s.services()).build();

        HeapWatch.reset();
        long t0 = System.nanoTime();
        JobExecutionResult baseline = baseline(s, profile);
        double baselineSeconds = (System.nanoTime() - t0) / 1e9;

        HeapWatch.reset();
        long t1 = System.nanoTime();
        JobExecutionResult full = full(s, profile, model);
        double seconds = (System.nanoTime() - t1) / 1e9;
        long heap = HeapWatch.peakMiB();

        Map<String, Long> byRule = FindingTally.fromAccumulators(full.getAllAccumulatorResults());
        double eps = s.events() / seconds;
        double baselineEps = s.events() / baselineSeconds;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("mode", "graph");
        r.put("events", s.events());
        r.put("seconds", round(seconds));
        r.put("events_per_second", Math.round(eps));
        r.put("parallelism", s.parallelism());
        r.put("format", s.format());
        r.put("rules", s.pack().rules().size());
        r.put("anomaly_model", model == null ? "none (baselines)" : model.version());
        r.put("principals", s.humans() + s.services());
        r.put("baseline_events_per_second", Math.round(baselineEps));
        r.put("ratio_to_baseline", round(eps / baselineEps));
        r.put("parsed", counter(full, EventParser.EVENTS));
        r.put("dead_letters", counter(full, EventParser.DEAD));
        r.put("findings", byRule.values().stream().mapToLong(Long::longValue).sum());
        r.put("findings_by_rule", byRule);
        r.put("cases", counter(full, "bench.cases"));
        r.put("evidence", counter(full, "bench.evidence"));
        r.put("peak_heap_mib", heap);
        r.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
        return r;
    }

    /** Source, parse, key by principal, discard: what the machine does before any detection. */
    private static JobExecutionResult baseline(Settings s, TrafficProfile profile) throws Exception {
        StreamExecutionEnvironment env = LocalFlink.environment(s.parallelism(), -1);
        source(env, s, profile)
                .process(new EventParser(256 * 1024, Duration.ofDays(1).toMillis(), 16 * 1024)).name("parse")
                .keyBy(e -> e.getPrincipal().getId())
                .sinkTo(new DiscardingSink<>()).name("discard");
        return env.execute("vigil bench baseline");
    }

    private static JobExecutionResult full(Settings s, TrafficProfile profile, dev.vigil.jobs.anomaly.AnomalyModel model)
            throws Exception {
        StreamExecutionEnvironment env = LocalFlink.environment(s.parallelism(), -1);
        DetectionOptions options = DetectionOptions.defaults();
        options.outOfOrderness = s.outOfOrderness();
        options.anomalyModel = model;
        DetectionStreams streams = DetectionGraph.build(source(env, s, profile), s.pack(), options);
        streams.findings().sinkTo(new DiscardingSink<>()).name("discard findings");
        streams.cases().map(new Tally<>("bench.cases")).sinkTo(new DiscardingSink<>()).name("discard cases");
        streams.evidence().map(new Tally<>("bench.evidence")).sinkTo(new DiscardingSink<>()).name("discard evidence");
        streams.deadLetters().sinkTo(new DiscardingSink<>()).name("discard dead letters");
        return env.execute("vigil bench graph");
    }

    private static DataStream<RawRecord> source(StreamExecutionEnvironment env, Settings s, TrafficProfile profile) {
        return env.fromSource(SyntheticSource.create(s.seed(), profile, s.events(), s.format()),
                WatermarkStrategy.noWatermarks(), "synthetic");
    }

    static long counter(JobExecutionResult result, String name) {
        return JobCounters.get(result.getAllAccumulatorResults(), name);
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
