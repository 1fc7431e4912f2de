package dev.vigil.connectors.elasticsearch;

/**
 * What Elasticsearch answered for one document of a bulk request.
 *
 * @param errorType the error type (e.g. {@code mapper_parsing_exception}) or null when the item succeeded
 */
record BulkItemResult(String id, int status, String errorType, String errorReason) {

    static BulkItemResult ok(String id, int status) {
        return new BulkItemResult(id, status, null, null);
    }

    boolean succeeded() {
        return errorType == null && status >= 200 && status < 300;
    }

    String describe() {
        return "status " + status + ", " + errorType + ": " + errorReason;
    }
}
