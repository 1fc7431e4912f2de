package dev.vigil.connectors.elasticsearch;

/**
 * A bulk request that failed as a whole (no per-document answer): connection trouble, or an error status for the
 * entire request.
 */
final class BulkRequestFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** Status used when no HTTP response arrived (connection refused, reset, timed out). */
    static final int NO_RESPONSE = 0;

    private final int status;
    private final boolean retryable;

    private BulkRequestFailure(int status, String reason, boolean retryable, Throwable cause) {
        super(reason, cause);
        this.status = status;
        this.retryable = retryable;
    }

    /** A failure classified by its HTTP status ({@link #NO_RESPONSE} when there was none). */
    static BulkRequestFailure withStatus(int status, String reason, Throwable cause) {
        return new BulkRequestFailure(status, reason, BulkRetry.isRetryable(status), cause);
    }

    /** A failure that no retry can fix, such as an answer the client cannot read. */
    static BulkRequestFailure permanent(String reason, Throwable cause) {
        return new BulkRequestFailure(-1, reason, false, cause);
    }

    int status() {
        return status;
    }

    boolean retryable() {
        return retryable;
    }
}
