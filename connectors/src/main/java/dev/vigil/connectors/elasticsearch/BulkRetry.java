package dev.vigil.connectors.elasticsearch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends one batch of documents until every one is acknowledged: connection errors, 429 and 5xx (of the whole
 * request or of single documents) are retried with exponential backoff, sending again only what failed; a
 * permanent rejection or exhausted retries end in an {@link IOException} with a one-line reason naming the index
 * and the document id. Resending is safe because every document is indexed under its deterministic id.
 */
final class BulkRetry {

    /** One bulk request: either per-document answers, in the order sent, or a failure of the whole request. */
    interface Attempt {
        List<BulkItemResult> send(List<BufferedDocument> documents) throws BulkRequestFailure;
    }

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private static final int MAX_REASON_CHARS = 400;

    private final String index;
    private final int maxRetries;
    private final long initialBackoffMs;
    private final Sleeper sleeper;
    private final BulkMetrics metrics;

    BulkRetry(String index, int maxRetries, long initialBackoffMs, Sleeper sleeper, BulkMetrics metrics) {
        this.index = index;
        this.maxRetries = maxRetries;
        this.initialBackoffMs = initialBackoffMs;
        this.sleeper = sleeper;
        this.metrics = metrics;
    }

    /** Whether an HTTP status (or {@link BulkRequestFailure#NO_RESPONSE}) is worth another try. */
    static boolean isRetryable(int status) {
        return status == BulkRequestFailure.NO_RESPONSE || status == 429 || status >= 500;
    }

    /** Wait before retry number {@code retry} (1-based): the initial backoff, doubled for each further retry. */
    static long backoffMs(long initialBackoffMs, int retry) {
        int doublings = Math.min(Math.max(retry - 1, 0), 30);
        long delay = initialBackoffMs << doublings;
        return delay < initialBackoffMs ? Long.MAX_VALUE : delay;
    }

    /**
     * Sends the documents, retrying what fails retryably.
     *
     * @throws IOException with a one-line reason when a document is rejected for good or retries run out
     */
    void send(List<BufferedDocument> documents, Attempt attempt) throws IOException, InterruptedException {
        List<BufferedDocument> pending = documents;
        for (int retry = 0; !pending.isEmpty(); retry++) {
            if (retry > 0) {
                metrics.retried(pending.size());
                sleeper.sleep(backoffMs(initialBackoffMs, retry));
            }
            List<BulkItemResult> results;
            long started = System.nanoTime();
            try {
                results = attempt.send(pending);
            } catch (BulkRequestFailure f) {
                if (!f.retryable() || retry == maxRetries) {
                    metrics.failed(pending.size());
                    String when = f.retryable() ? " after " + maxRetries + " retries" : "";
                    throw new IOException(oneLine("Elasticsearch bulk request to index '" + index + "' failed" + when
                            + " (" + describe(f) + "); document '" + pending.get(0).id() + "'"
                            + (pending.size() > 1 ? " and " + (pending.size() - 1) + " more not written" : " not written")), f);
                }
                continue;
            }
            metrics.requestSent(bytes(pending), (System.nanoTime() - started) / 1_000_000);
            pending = retryableFailures(pending, results, retry);
        }
    }

    private List<BufferedDocument> retryableFailures(List<BufferedDocument> sent, List<BulkItemResult> results, int retry)
            throws IOException {
        if (results.size() != sent.size()) {
            metrics.failed(sent.size());
            throw new IOException("Elasticsearch answered " + results.size() + " items for a bulk request of "
                    + sent.size() + " documents to index '" + index + "' (first '" + sent.get(0).id() + "')");
        }
        List<BufferedDocument> again = new ArrayList<>();
        BulkItemResult firstRetryable = null;
        BulkItemResult firstRejected = null;
        int rejected = 0;
        int written = 0;
        for (int i = 0; i < sent.size(); i++) {
            BulkItemResult result = results.get(i);
            if (result.succeeded()) {
                written++;
            } else if (isRetryable(result.status())) {
                again.add(sent.get(i));
                if (firstRetryable == null) {
                    firstRetryable = result;
                }
            } else {
                rejected++;
                if (firstRejected == null) {
                    firstRejected = result;
                }
            }
        }
        if (firstRejected != null) {
            // No point retrying the others: the job fails and replays them from its last checkpoint.
            metrics.written(written);
            metrics.failed(rejected + again.size());
            throw new IOException(oneLine("Elasticsearch rejected document '" + firstRejected.id() + "' for index '"
                    + index + "' (" + shorten(firstRejected.describe()) + ")"
                    + (rejected + again.size() > 1 ? "; " + (rejected + again.size() - 1) + " more documents not written" : "")));
        }
        metrics.written(written);
        if (!again.isEmpty() && retry == maxRetries) {
            metrics.failed(again.size());
            throw new IOException(oneLine("Elasticsearch did not accept document '" + again.get(0).id() + "' for index '"
                    + index + "' after " + maxRetries + " retries (" + shorten(firstRetryable.describe()) + ")"
                    + (again.size() > 1 ? "; " + (again.size() - 1) + " more documents not written" : "")));
        }
        return again;
    }

    private static String describe(BulkRequestFailure f) {
        String reason = shorten(f.getMessage());
        return f.status() == BulkRequestFailure.NO_RESPONSE ? "no response: " + reason
                : f.status() > 0 ? "status " + f.status() + ": " + reason : reason;
    }

    private static long bytes(List<BufferedDocument> documents) {
        long sum = 0;
        for (BufferedDocument d : documents) {
            sum += d.json().length;
        }
        return sum;
    }

    /** Reasons from the server can span lines (stack traces, pretty JSON); a failure reason must stay one line. */
    static String oneLine(String text) {
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** A server-supplied reason on one line and short enough that the message around it stays readable. */
    static String shorten(String reason) {
        String flat = oneLine(String.valueOf(reason));
        return flat.length() <= MAX_REASON_CHARS ? flat : flat.substring(0, MAX_REASON_CHARS) + "...";
    }
}
