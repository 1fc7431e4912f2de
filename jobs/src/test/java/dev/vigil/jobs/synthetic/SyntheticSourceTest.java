package dev.vigil.jobs.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.connectors.RawRecord;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.AvroJson;
import dev.vigil.schema.json.CanonicalJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SyntheticSourceTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final TrafficProfile PROFILE = TrafficProfile.defaults();

    @Test
    void aBoundedRunYieldsExactlyTheCountAndTheExpectedEvents() throws Exception {
        List<RawRecord> records = run(SyntheticSource.create(42, PROFILE, 20_001, SyntheticSource.CANONICAL));
        assertThat(records).hasSize(20_001);
        Set<String> origins = new HashSet<>();
        Map<String, String> byOrigin = new HashMap<>();
        for (RawRecord r : records) {
            assertThat(r.format).isEqualTo("canonical");
            assertThat(origins.add(r.origin)).as("duplicate origin %s", r.origin).isTrue();
            byOrigin.put(r.origin, new String(r.payload, StandardCharsets.UTF_8));
        }
        // The same multiset as two partitions generated here: 10 001 + 10 000 events, position by position.
        for (int p = 0; p < 2; p++) {
            SyntheticTraffic t = new SyntheticTraffic(42, PROFILE, p, 2).limit(p == 0 ? 10_001 : 10_000);
            long n = 0;
            while (t.hasNext()) {
                assertThat(byOrigin.get("synthetic/" + p + "/" + n)).isEqualTo(CanonicalJson.toJson(t.next()));
                n++;
            }
        }
    }

    @Test
    void avroRecordsDecodeToTheSameEvents() throws Exception {
        List<RawRecord> records = run(SyntheticSource.create(9, PROFILE, 4_000, SyntheticSource.AVRO));
        assertThat(records).hasSize(4_000);
        Map<String, PrivilegedEvent> expected = new HashMap<>();
        for (int p = 0; p < 2; p++) {
            SyntheticTraffic t = new SyntheticTraffic(9, PROFILE, p, 2).limit(2_000);
            for (long n = 0; t.hasNext(); n++) {
                expected.put("synthetic/" + p + "/" + n, t.next());
            }
        }
        for (RawRecord r : records) {
            assertThat(r.format).isEqualTo("avro");
            assertThat(PrivilegedEvent.fromByteBuffer(ByteBuffer.wrap(r.payload))).isEqualTo(expected.get(r.origin));
        }
    }

    @Test
    void aRateLimitedRunStillDeliversEverything() throws Exception {
        assertThat(run(SyntheticSource.create(3, PROFILE, 300, SyntheticSource.CANONICAL, 1_000))).hasSize(300);
    }

    @Test
    void badArgumentsAreRefusedWithAReason() {
        assertThatThrownBy(() -> SyntheticSource.create(1, PROFILE, 0, SyntheticSource.AVRO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count");
        assertThatThrownBy(() -> SyntheticSource.create(1, PROFILE, 10, "xml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format");
    }

    @Test
    void splitsArePartitionsAndNeverMoreThanThePrincipals() {
        List<NumberSequenceSplit> splits = new PartitionedSequence(10, 3).splitNumberRange(0, 9, 4);
        assertThat(splits).hasSize(3);
        long total = 0;
        for (int p = 0; p < splits.size(); p++) {
            NumberSequenceSplit s = splits.get(p);
            assertThat(PartitionedSequence.partitions(s.from())).isEqualTo(3);
            assertThat(PartitionedSequence.partition(s.from())).isEqualTo(p);
            assertThat(PartitionedSequence.position(s.from())).isZero();
            total += s.to() - s.from() + 1;
        }
        assertThat(total).isEqualTo(10);
        assertThat(new PartitionedSequence(2, 50).splitNumberRange(0, 1, 3)).hasSize(2);
    }

    @Test
    void anIndexAlwaysYieldsTheSameRecordWhateverCameBefore() throws Exception {
        SyntheticRecordGenerator sequential = new SyntheticRecordGenerator(5, PROFILE, SyntheticSource.CANONICAL);
        sequential.open(null);
        List<RawRecord> expected = new ArrayList<>();
        for (long n = 0; n < 300; n++) {
            expected.add(sequential.map(PartitionedSequence.index(3, 1, n)));
        }
        // As after a restore: resume mid-split, go back, switch partitions, come back.
        SyntheticRecordGenerator jumping = new SyntheticRecordGenerator(5, PROFILE, SyntheticSource.CANONICAL);
        jumping.open(null);
        for (long n : new long[] {250, 251, 10, 11, 299, 0}) {
            assertThat(jumping.map(PartitionedSequence.index(3, 1, n))).isEqualTo(expected.get((int) n));
            jumping.map(PartitionedSequence.index(3, 2, n));
        }
        assertThat(new String(expected.get(0).payload, StandardCharsets.UTF_8))
                .isEqualTo(new String(AvroJson.toJsonBytes(new SyntheticTraffic(5, PROFILE, 1, 3).next()),
                        StandardCharsets.UTF_8));
        assertThat(expected.get(7).origin).isEqualTo("synthetic/1/7");
    }

    private static List<RawRecord> run(org.apache.flink.api.connector.source.Source<RawRecord, ?, ?> source)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<RawRecord> out = new ArrayList<>();
        try (CloseableIterator<RawRecord> it = env.fromSource(source, WatermarkStrategy.noWatermarks(), "synthetic")
                .executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
