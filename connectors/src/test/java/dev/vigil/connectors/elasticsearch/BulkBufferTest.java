package dev.vigil.connectors.elasticsearch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BulkBufferTest {

    private static byte[] json(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void laterVersionOfADocumentReplacesTheEarlierOne() {
        BulkBuffer buffer = new BulkBuffer(100, 1_000_000);

        assertThat(buffer.add("case-1", json("{\"v\":1}"), 0)).isFalse();
        assertThat(buffer.add("case-2", json("{\"v\":1}"), 0)).isFalse();
        assertThat(buffer.add("case-1", json("{\"v\":22}"), 0)).isTrue();

        List<BufferedDocument> drained = buffer.drain();
        assertThat(drained).extracting(BufferedDocument::id).containsExactly("case-1", "case-2");
        assertThat(new String(drained.get(0).json(), UTF_8)).isEqualTo("{\"v\":22}");
    }

    @Test
    void bytesFollowReplacements() {
        BulkBuffer buffer = new BulkBuffer(100, 1_000_000);
        buffer.add("a", new byte[100], 0);
        buffer.add("b", new byte[50], 0);
        buffer.add("a", new byte[10], 0);

        assertThat(buffer.bytes()).isEqualTo(60);
        assertThat(buffer.size()).isEqualTo(2);
    }

    @Test
    void fullWhenDistinctDocumentsReachMaxActions() {
        BulkBuffer buffer = new BulkBuffer(3, 1_000_000);
        buffer.add("a", json("{}"), 0);
        buffer.add("b", json("{}"), 0);
        buffer.add("a", json("{}"), 0);
        assertThat(buffer.isFull()).as("a repeated id does not count twice").isFalse();

        buffer.add("c", json("{}"), 0);
        assertThat(buffer.isFull()).isTrue();
    }

    @Test
    void fullWhenBytesReachMaxBytes() {
        BulkBuffer buffer = new BulkBuffer(1000, 100);
        buffer.add("a", new byte[60], 0);
        assertThat(buffer.isFull()).isFalse();

        buffer.add("b", new byte[40], 0);
        assertThat(buffer.isFull()).isTrue();
    }

    @Test
    void dueOnceTheOldestDocumentHasWaitedTheInterval() {
        BulkBuffer buffer = new BulkBuffer(1000, 1_000_000);
        assertThat(buffer.isDue(10_000, 500)).as("empty is never due").isFalse();

        buffer.add("a", json("{}"), 1_000);
        buffer.add("b", json("{}"), 1_400);
        assertThat(buffer.firstAddedAt()).isEqualTo(1_000);
        assertThat(buffer.isDue(1_499, 500)).isFalse();
        assertThat(buffer.isDue(1_500, 500)).isTrue();
    }

    @Test
    void drainEmptiesAndRestartsTheClock() {
        BulkBuffer buffer = new BulkBuffer(2, 1_000_000);
        buffer.add("a", json("{}"), 1_000);
        buffer.add("b", json("{}"), 1_000);
        buffer.drain();

        assertThat(buffer.isEmpty()).isTrue();
        assertThat(buffer.bytes()).isZero();
        assertThat(buffer.isFull()).isFalse();
        assertThat(buffer.firstAddedAt()).isEqualTo(-1);

        buffer.add("c", json("{}"), 5_000);
        assertThat(buffer.firstAddedAt()).isEqualTo(5_000);
        assertThat(buffer.isDue(5_400, 500)).isFalse();
    }

    @Test
    void rejectsLimitsThatCouldNeverBeMet() {
        assertThatThrownBy(() -> new BulkBuffer(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BulkBuffer(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
