package dev.vigil.connectors.elasticsearch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The retry and backoff decisions of the sink, driven by scripted bulk answers. */
class BulkRetryTest {

    private static final String INDEX = "pum-cases";

    private final List<Long> sleeps = new ArrayList<>();
    private final List<List<String>> sentIds = new ArrayList<>();
    private final SinkCounters counters = new SinkCounters();
    private final BulkMetrics metrics = new BulkMetrics() {
        @Override
        public void written(int documents) {
            counters.addWritten(documents);
        }

        @Override
        public void retried(int documents) {
            counters.addRetried(documents);
        }

        @Override
        public void failed(int documents) {
            counters.addFailed(documents);
        }

        @Override
        public void requestSent(long bytes, long millis) {
            counters.addBulkRequest();
        }
    };

    private BulkRetry retry(int maxRetries, long initialBackoffMs) {
        return new BulkRetry(INDEX, maxRetries, initialBackoffMs, sleeps::add, metrics);
    }

    private static List<BufferedDocument> docs(String... ids) {
        List<BufferedDocument> out = new ArrayList<>();
        for (String id : ids) {
            out.add(new BufferedDocument(id, ("{\"id\":\"" + id + "\"}").getBytes(UTF_8)));
        }
        return out;
    }

    /** Answers each attempt with the next script step, recording which ids it was sent. */
    private BulkRetry.Attempt script(List<Function<List<BufferedDocument>, Object>> steps) {
        Deque<Function<List<BufferedDocument>, Object>> queue = new ArrayDeque<>(steps);
        return documents -> {
            sentIds.add(documents.stream().map(BufferedDocument::id).toList());
            Object answer = queue.isEmpty() ? allOk(documents) : queue.poll().apply(documents);
            if (answer instanceof BulkRequestFailure f) {
                throw f;
            }
            @SuppressWarnings("unchecked")
            List<BulkItemResult> results = (List<BulkItemResult>) answer;
            return results;
        };
    }

    private static List<BulkItemResult> allOk(List<BufferedDocument> documents) {
        return documents.stream().map(d -> BulkItemResult.ok(d.id(), 201)).toList();
    }

    private static Function<List<BufferedDocument>, Object> failRequest(int status, String reason) {
        return documents -> BulkRequestFailure.withStatus(status, reason, null);
    }

    /** Items whose id is in {@code failing} get the status and error; the rest succeed. */
    private static Function<List<BufferedDocument>, Object> failItems(int status, String type, String reason,
                                                                      String... failing) {
        List<String> failingIds = List.of(failing);
        return documents -> documents.stream()
                .map(d -> failingIds.contains(d.id()) ? new BulkItemResult(d.id(), status, type, reason)
                        : BulkItemResult.ok(d.id(), 200))
                .toList();
    }

    @Test
    void sendsOnceWhenEverythingIsAccepted() throws Exception {
        retry(5, 100).send(docs("a", "b", "c"), script(List.of()));

        assertThat(sentIds).containsExactly(List.of("a", "b", "c"));
        assertThat(sleeps).isEmpty();
        assertThat(counters.written()).isEqualTo(3);
        assertThat(counters.retried()).isZero();
        assertThat(counters.bulkRequests()).isEqualTo(1);
    }

    @Test
    void connectionErrorsAreRetriedWithDoublingBackoff() throws Exception {
        retry(5, 100).send(docs("a", "b"), script(List.of(
                failRequest(BulkRequestFailure.NO_RESPONSE, "ConnectException: Connection refused"),
                failRequest(503, "unavailable"),
                failRequest(429, "too many requests"))));

        assertThat(sleeps).containsExactly(100L, 200L, 400L);
        assertThat(sentIds).hasSize(4).allSatisfy(ids -> assertThat(ids).containsExactly("a", "b"));
        assertThat(counters.written()).isEqualTo(2);
        assertThat(counters.retried()).isEqualTo(6);
        assertThat(counters.failed()).isZero();
    }

    @Test
    void onlyTheItemsThatFailedRetryablyAreSentAgain() throws Exception {
        retry(5, 50).send(docs("a", "b", "c", "d"), script(List.of(
                failItems(429, "es_rejected_execution_exception", "queue full", "b", "d"),
                failItems(503, "unavailable_shards_exception", "primary not active", "d"))));

        assertThat(sentIds).containsExactly(List.of("a", "b", "c", "d"), List.of("b", "d"), List.of("d"));
        assertThat(sleeps).containsExactly(50L, 100L);
        assertThat(counters.written()).isEqualTo(4);
        assertThat(counters.retried()).isEqualTo(3);
    }

    @Test
    void aRejectedDocumentFailsAtOnceNamingIndexAndId() {
        BulkRetry.Attempt attempt = script(List.of(failItems(400, "document_parsing_exception",
                "[1:15] failed to parse field [risk_score] of type [integer]\nPreview of field's value: 'high'",
                "case-7")));

        assertThatThrownBy(() -> retry(5, 100).send(docs("case-6", "case-7", "case-8"), attempt))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'case-7'")
                .hasMessageContaining("'" + INDEX + "'")
                .hasMessageContaining("document_parsing_exception")
                .hasMessageContaining("status 400")
                .hasMessageNotContaining("\n");
        assertThat(sleeps).isEmpty();
        assertThat(counters.failed()).isEqualTo(1);
        assertThat(counters.written()).as("the other two were accepted").isEqualTo(2);
        assertThat(sentIds).hasSize(1);
    }

    @Test
    void exhaustedItemRetriesFailNamingTheFirstDocumentLeft() {
        BulkRetry.Attempt alwaysRejected = script(List.of(
                failItems(429, "es_rejected_execution_exception", "queue full", "x", "y"),
                failItems(429, "es_rejected_execution_exception", "queue full", "x", "y"),
                failItems(429, "es_rejected_execution_exception", "queue full", "x", "y"),
                failItems(429, "es_rejected_execution_exception", "queue full", "x", "y")));

        assertThatThrownBy(() -> retry(3, 10).send(docs("w", "x", "y"), alwaysRejected))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'x'")
                .hasMessageContaining("after 3 retries")
                .hasMessageContaining("'" + INDEX + "'")
                .hasMessageContaining("1 more");
        assertThat(sleeps).containsExactly(10L, 20L, 40L);
        assertThat(sentIds).hasSize(4);
        assertThat(counters.written()).isEqualTo(1);
        assertThat(counters.failed()).isEqualTo(2);
    }

    @Test
    void exhaustedRequestRetriesFailWithTheConnectionReason() {
        List<Function<List<BufferedDocument>, Object>> down = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            down.add(failRequest(BulkRequestFailure.NO_RESPONSE, "ConnectException: Connection refused"));
        }

        assertThatThrownBy(() -> retry(2, 10).send(docs("case-1", "case-2"), script(down)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("after 2 retries")
                .hasMessageContaining("Connection refused")
                .hasMessageContaining("'case-1'")
                .hasMessageContaining("'" + INDEX + "'");
        assertThat(sleeps).containsExactly(10L, 20L);
        assertThat(counters.failed()).isEqualTo(2);
    }

    @Test
    void aRequestErrorThatNoRetryFixesFailsAtOnce() {
        BulkRetry.Attempt tooLarge = script(List.of(failRequest(413, "request entity too large")));

        assertThatThrownBy(() -> retry(5, 10).send(docs("case-1"), tooLarge))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("status 413")
                .hasMessageContaining("'case-1'")
                .hasMessageNotContaining("retries");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void zeroRetriesMeansOneAttempt() {
        BulkRetry.Attempt down = script(List.of(failRequest(503, "unavailable")));

        assertThatThrownBy(() -> retry(0, 10).send(docs("a"), down)).hasMessageContaining("after 0 retries");
        assertThat(sentIds).hasSize(1);
    }

    @Test
    void retryableStatuses() {
        assertThat(BulkRetry.isRetryable(BulkRequestFailure.NO_RESPONSE)).isTrue();
        assertThat(BulkRetry.isRetryable(429)).isTrue();
        assertThat(BulkRetry.isRetryable(500)).isTrue();
        assertThat(BulkRetry.isRetryable(503)).isTrue();
        assertThat(BulkRetry.isRetryable(400)).isFalse();
        assertThat(BulkRetry.isRetryable(404)).isFalse();
        assertThat(BulkRetry.isRetryable(409)).isFalse();
        assertThat(BulkRetry.isRetryable(413)).isFalse();
    }

    @Test
    void backoffDoublesAndSaturatesInsteadOfOverflowing() {
        assertThat(BulkRetry.backoffMs(200, 1)).isEqualTo(200);
        assertThat(BulkRetry.backoffMs(200, 2)).isEqualTo(400);
        assertThat(BulkRetry.backoffMs(200, 5)).isEqualTo(3200);
        assertThat(BulkRetry.backoffMs(0, 5)).isZero();
        assertThat(BulkRetry.backoffMs(Long.MAX_VALUE / 2, 10)).isEqualTo(Long.MAX_VALUE);
        assertThat(BulkRetry.backoffMs(1, 1_000)).isPositive();
    }

    @Test
    void serverReasonsAreFlattenedAndShortened() {
        assertThat(BulkRetry.oneLine("a\n  b\r\nc")).isEqualTo("a b c");
        String longReason = "x".repeat(5_000);
        assertThat(BulkRetry.shorten(longReason)).hasSizeLessThan(500).endsWith("...");
    }
}
