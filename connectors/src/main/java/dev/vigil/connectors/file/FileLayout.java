package dev.vigil.connectors.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Set;

/**
 * How a file's records are laid out, judged from its first value: one per line (NDJSON, syslog, any text), or JSON
 * documents that span lines or hold several records: a top-level array, pretty-printed objects one after another,
 * or wrappers such as CloudTrail's {@code {"Records":[...]}} and Microsoft Graph's {@code {"value":[...]}}.
 */
enum FileLayout {
    LINES, DOCUMENTS, WRAPPED_DOCUMENTS,
    /** Canonical events in Avro single-object encoding (marker C3 01), which may contain any byte. */
    AVRO_OBJECTS;

    /** Top-level fields whose array holds the records of a wrapper document. */
    static final Set<String> WRAPPERS = Set.of("Records", "records", "value");

    static final JsonFactory JSON = new JsonFactory();

    /** Reads as much of the stream as its first JSON value needs (one line for NDJSON) and closes it. */
    static FileLayout of(InputStream raw) throws IOException {
        try (PushbackInputStream in = new PushbackInputStream(raw, 4)) {
            int b = in.read();
            if (b == 0xEF) {
                in.read();
                in.read();
                b = in.read();
            }
            while (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                b = in.read();
            }
            if (b == '[') {
                return DOCUMENTS;
            }
            if (b == 0xC3) {
                return in.read() == 0x01 ? AVRO_OBJECTS : LINES;
            }
            if (b != '{') {
                return LINES;
            }
            in.unread(b);
            return ofObject(in);
        }
    }

    private static FileLayout ofObject(InputStream in) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
            p.nextToken();
            int startLine = p.currentTokenLocation().getLineNr();
            boolean wrapped = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (p.nextToken() == JsonToken.START_ARRAY && WRAPPERS.contains(name)) {
                    wrapped = true;
                }
                p.skipChildren();
            }
            if (wrapped) {
                return WRAPPED_DOCUMENTS;
            }
            return p.currentTokenLocation().getLineNr() > startLine ? DOCUMENTS : LINES;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Not one JSON value: let each line be read, or dead-lettered, on its own.
            return LINES;
        }
    }
}
