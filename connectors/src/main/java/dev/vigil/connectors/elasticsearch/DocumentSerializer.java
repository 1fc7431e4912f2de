package dev.vigil.connectors.elasticsearch;

import java.io.Serializable;

/**
 * Turns one output record into the document {@link ElasticsearchSink} indexes: its deterministic id (so a re-sent
 * record overwrites itself instead of duplicating) and its JSON.
 *
 * @param <T> the record type
 */
public interface DocumentSerializer<T> extends Serializable {

    /** The document id; the same record must always give the same id. */
    String id(T doc);

    /** The whole document as UTF-8 JSON; it replaces any earlier version with the same id. */
    byte[] json(T doc);
}
