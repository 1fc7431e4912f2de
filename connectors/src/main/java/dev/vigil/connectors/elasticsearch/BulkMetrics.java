package dev.vigil.connectors.elasticsearch;

/** Where the sink reports what happened to the documents it sent. */
interface BulkMetrics {

    /** Documents Elasticsearch acknowledged. */
    void written(int documents);

    /** Documents sent again after a retryable failure. */
    void retried(int documents);

    /** Documents given up on: a permanent rejection or retries exhausted. */
    void failed(int documents);

    /** One bulk request answered, carrying this many bytes of documents, after this many ms. */
    void requestSent(long bytes, long millis);
}
