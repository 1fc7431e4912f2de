package dev.vigil.jobs.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.connectors.RawRecord;
import dev.vigil.rules.pack.RulePack;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/**
 * Where the rules run in the job graph: chained to the grant context without a control stream, so replay, bench and
 * a job without live reload pay nothing for it; a task of their own with one (a two-input operator does not chain).
 */
class DetectionGraphChainingTest {
    private static final RawRecord LINE = new RawRecord("test:1", "canonical", new byte[0]);

    @Test
    void withoutAControlStreamTheRulesShareTheGrantContextsTask() {
        List<String> tasks = tasks(false);
        assertThat(tasks).filteredOn(t -> t.contains("rules")).singleElement().asString()
                .contains("grant context");
    }

    @Test
    void withAControlStreamTheRulesAreATaskOfTheirOwn() {
        List<String> tasks = tasks(true);
        assertThat(tasks).filteredOn(t -> t.contains("rules")).singleElement().asString()
                .doesNotContain("grant context");
        assertThat(tasks).anyMatch(t -> t.contains("parse control"));
    }

    private static List<String> tasks(boolean withControl) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataStream<RawRecord> raw = env.fromData(TypeInformation.of(RawRecord.class), LINE);
        DataStream<RawRecord> control = withControl ? env.fromData(TypeInformation.of(RawRecord.class), LINE) : null;
        DetectionStreams streams = DetectionGraph.build(raw, RulePack.builtIn(), DetectionOptions.defaults(), control);
        streams.findings().sinkTo(new DiscardingSink<>());
        streams.deadLetters().sinkTo(new DiscardingSink<>());
        Iterable<JobVertex> vertices = env.getStreamGraph().getJobGraph().getVertices();
        return StreamSupport.stream(vertices.spliterator(), false).map(JobVertex::getName).toList();
    }
}
