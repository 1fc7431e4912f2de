package dev.vigil.connectors.file;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits JSON documents into records, streaming: the elements of a top-level array, each top-level object of
 * pretty-printed objects one after another, or the elements of a wrapper's {@code Records}/{@code records}/
 * {@code value} array (other fields of the wrapper, such as {@code @odata.context}, are not records). Each record
 * is handed on as compact JSON. A document broken mid-way cannot be resynchronised: the line where it breaks
 * becomes one rejected record whose reason says so, and the rest of the file is not read.
 */
final class JsonDocumentRecords implements InputRecords {
    /** Opens the file again, to fetch the raw line where a document breaks. */
    interface Opener {
        InputStream open() throws IOException;
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JsonParser parser;
    private final boolean wrapped;
    private final Opener opener;
    private final int maxLineBytes;
    private long line;
    private long ordinal;
    private String rejection;
    private boolean done;
    /** Inside a top-level array (plain documents) or a wrapper's record array. */
    private boolean inArray;
    /** Inside a wrapper object, between its fields. */
    private boolean inWrapper;
    private boolean wrapperHadRecords;
    private long wrapperLine;

    JsonDocumentRecords(InputStream in, boolean wrapped, Opener opener, int maxLineBytes) throws IOException {
        this.parser = FileLayout.JSON.createParser(in);
        this.wrapped = wrapped;
        this.opener = opener;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public String position() {
        return line + "#" + ordinal;
    }

    @Override
    public String rejection() {
        return rejection;
    }

    @Override
    public byte[] next() throws IOException {
        rejection = null;
        if (done) {
            return null;
        }
        try {
            return advance();
        } catch (JsonProcessingException e) {
            done = true;
            line = e.getLocation() == null ? line : e.getLocation().getLineNr();
            ordinal++;
            String m = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage().split("\n")[0];
            rejection = "malformed JSON document at line " + line + ": " + m + "; the rest of the file was not read";
            return rawLine(line);
        }
    }

    private byte[] advance() throws IOException {
        while (true) {
            if (inArray) {
                JsonToken t = parser.nextToken();
                if (t == JsonToken.END_ARRAY) {
                    inArray = false;
                    continue;
                }
                if (t == null) {
                    throw new com.fasterxml.jackson.core.JsonParseException(parser, "unexpected end of file inside an array");
                }
                return record();
            }
            if (inWrapper) {
                JsonToken t = parser.nextToken();
                if (t == JsonToken.END_OBJECT) {
                    inWrapper = false;
                    if (!wrapperHadRecords) {
                        line = wrapperLine;
                        ordinal++;
                        rejection = "JSON document at line " + wrapperLine + " has no Records, records or value array";
                        return new byte[0];
                    }
                    continue;
                }
                if (t != JsonToken.FIELD_NAME) {
                    throw new com.fasterxml.jackson.core.JsonParseException(parser, "unexpected end of file inside an object");
                }
                String name = parser.currentName();
                if (parser.nextToken() == JsonToken.START_ARRAY && FileLayout.WRAPPERS.contains(name)) {
                    inArray = true;
                    wrapperHadRecords = true;
                } else {
                    parser.skipChildren();
                }
                continue;
            }
            JsonToken t = parser.nextToken();
            if (t == null) {
                done = true;
                return null;
            }
            if (t == JsonToken.START_ARRAY) {
                inArray = true;
            } else if (t == JsonToken.START_OBJECT && wrapped) {
                inWrapper = true;
                wrapperHadRecords = false;
                wrapperLine = parser.currentTokenLocation().getLineNr();
            } else {
                return record();
            }
        }
    }

    private byte[] record() throws IOException {
        line = parser.currentTokenLocation().getLineNr();
        JsonNode node = MAPPER.readTree(parser);
        ordinal++;
        return MAPPER.writeValueAsBytes(node);
    }

    /** The file's line {@code n} as it is, cut like an oversize line. */
    private byte[] rawLine(long n) throws IOException {
        try (LineRecords lines = new LineRecords(opener.open(), maxLineBytes)) {
            byte[] l;
            long i = 0;
            while ((l = lines.next()) != null) {
                if (++i == n) {
                    return l;
                }
            }
        }
        return "(end of file)".getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
