package dev.vigil.connectors.elasticsearch;

/** One document waiting in the sink's buffer for the next bulk request. */
record BufferedDocument(String id, byte[] json) {
}
