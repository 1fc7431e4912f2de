package dev.vigil.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.normalize.FormatDetector;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file reader: records per line or split out of JSON documents, and the format detected per file. */
class LineFormatTest {
    static final String CANONICAL = "{\"event_id\":\"e%d\",\"event_time\":\"2026-03-01T10:00:00Z\",\"source\":\"teleport\","
            + "\"type\":\"SESSION\",\"action\":\"START\",\"principal\":{\"id\":\"teleport:alice\",\"kind\":\"HUMAN\"}}";

    @TempDir
    java.nio.file.Path dir;

    private java.nio.file.Path file(String name, String text) throws IOException {
        java.nio.file.Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    static List<RawRecord> read(java.nio.file.Path file, String format, long skip) throws IOException {
        long size = Files.size(file);
        FileSourceSplit split = new FileSourceSplit("s", new Path(file.toUri()), 0, size, 0, size);
        if (skip > 0) {
            split = split.updateWithCheckpointedPosition(new CheckpointedPosition(CheckpointedPosition.NO_OFFSET, skip));
        }
        LineFormat f = new LineFormat(format, 1 << 20);
        List<RawRecord> out = new ArrayList<>();
        try (BulkFormat.Reader<RawRecord> r = skip > 0 ? f.restoreReader(new Configuration(), split)
                : f.createReader(new Configuration(), split)) {
            BulkFormat.RecordIterator<RawRecord> batch;
            while ((batch = r.readBatch()) != null) {
                RecordAndPosition<RawRecord> rp;
                while ((rp = batch.next()) != null) {
                    out.add(rp.getRecord());
                }
                batch.releaseBatch();
            }
        }
        return out;
    }

    static List<String> texts(List<RawRecord> records) {
        return records.stream().map(r -> new String(r.payload, StandardCharsets.UTF_8)).toList();
    }

    static List<String> origins(List<RawRecord> records) {
        return records.stream().map(r -> r.origin.substring(r.origin.lastIndexOf('/') + 1)).toList();
    }

    @Test
    void linesAreRecordsAndBlankLinesStay() throws IOException {
        var f = file("a.ndjson", "{\"a\":1}\r\n\n{\"b\":2}");
        List<RawRecord> r = read(f, "canonical", 0);
        assertThat(texts(r)).containsExactly("{\"a\":1}", "", "{\"b\":2}");
        assertThat(origins(r)).containsExactly("a.ndjson:1", "a.ndjson:2", "a.ndjson:3");
        assertThat(r).allSatisfy(x -> assertThat(x.format).isEqualTo("canonical"));
    }

    @Test
    void prettyPrintedObjectsOneAfterAnotherAreSplit() throws IOException {
        var f = file("pretty.json", """
                {
                  "a": 1,
                  "nested": {"x": [1, 2]}
                }
                {
                  "b": 2
                }
                """);
        List<RawRecord> r = read(f, "canonical", 0);
        assertThat(texts(r)).containsExactly("{\"a\":1,\"nested\":{\"x\":[1,2]}}", "{\"b\":2}");
        assertThat(origins(r)).containsExactly("pretty.json:1#1", "pretty.json:5#2");
    }

    @Test
    void aTopLevelArrayIsSplitIntoItsElements() throws IOException {
        var f = file("array.json", "[\n  {\"a\": 1},\n  {\"b\": 2}, {\"c\": 3}\n]\n");
        assertThat(texts(read(f, "canonical", 0))).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
        assertThat(origins(read(f, "canonical", 0))).containsExactly("array.json:2#1", "array.json:3#2", "array.json:3#3");
    }

    @Test
    void wrappersAreSplitEvenOnOneLineAndTheirOtherFieldsAreNotRecords() throws IOException {
        var cloudtrail = file("ct.json", "{\"Records\":[{\"eventName\":\"AssumeRole\"},{\"eventName\":\"GetSecretValue\"}]}");
        assertThat(texts(read(cloudtrail, "canonical", 0)))
                .containsExactly("{\"eventName\":\"AssumeRole\"}", "{\"eventName\":\"GetSecretValue\"}");
        var graph = file("graph.json", """
                {
                  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits",
                  "value": [
                    {"id": "1", "activityDisplayName": "Add member to role completed (PIM activation)"},
                    {"id": "2"}
                  ],
                  "@odata.nextLink": "https://graph.microsoft.com/next"
                }
                """);
        List<RawRecord> r = read(graph, "canonical", 0);
        assertThat(texts(r)).hasSize(2).first().asString().contains("PIM activation");
        assertThat(origins(r)).containsExactly("graph.json:4#1", "graph.json:5#2");
        var lower = file("lower.json", "{\"records\": [{\"a\": 1}]}\n{\"records\": [{\"b\": 2}]}\n");
        assertThat(texts(read(lower, "canonical", 0))).containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void aBrokenDocumentEndsInOneRejectedRecordWithItsRawLine() throws IOException {
        var f = file("broken.json", "[\n  {\"a\": 1},\n  {\"b\": 2,,},\n  {\"c\": 3}\n]\n");
        List<RawRecord> r = read(f, "canonical", 0);
        assertThat(texts(r)).containsExactly("{\"a\":1}", "  {\"b\": 2,,},");
        assertThat(r.get(0).rejection).isNull();
        assertThat(r.get(1).rejection).startsWith("malformed JSON document at line 3:").endsWith("the rest of the file was not read");
        assertThat(origins(r).get(1)).isEqualTo("broken.json:3#2");
    }

    @Test
    void aWrapperFileWithoutRecordsIsRejectedNotDropped() throws IOException {
        var f = file("w.json", "{\"Records\": [{\"a\": 1}]}\n{\"other\": []}\n");
        List<RawRecord> r = read(f, "canonical", 0);
        assertThat(r).hasSize(2);
        assertThat(r.get(1).rejection).isEqualTo("JSON document at line 2 has no Records, records or value array");
    }

    @Test
    void autoDetectsTheFormatPerFile() throws IOException {
        var canonical = file("c.ndjson", String.format(CANONICAL, 1) + "\n\n" + String.format(CANONICAL, 2) + "\n");
        List<RawRecord> r = read(canonical, FormatDetector.AUTO, 0);
        assertThat(r).hasSize(3).allSatisfy(x -> {
            assertThat(x.format).isEqualTo("canonical");
            assertThat(x.rejection).isNull();
        });
        var prettyCanonical = file("c.json", "[\n" + String.format(CANONICAL, 3) + ",\n" + String.format(CANONICAL, 4) + "\n]");
        assertThat(read(prettyCanonical, FormatDetector.AUTO, 0)).extracting(x -> x.format).containsExactly("canonical", "canonical");
    }

    @Test
    void aFileNoFormatRecognizesIsRejectedRecordByRecord() throws IOException {
        var text = file("notes.txt", "Mar  1 10:00:00 host something happened\n\nmore\n");
        List<RawRecord> r = read(text, FormatDetector.AUTO, 0);
        assertThat(r).hasSize(3);
        assertThat(r.get(0).rejection).startsWith("format not recognized: none of canonical, avro");
        assertThat(r.get(1).rejection).as("a blank line stays a skip").isNull();
        assertThat(r.get(2).rejection).isNotNull();
    }

    @Test
    void aRestoredReaderSkipsWhatWasEmittedInEveryLayout() throws IOException {
        var lines = file("c.ndjson", String.format(CANONICAL, 1) + "\n" + String.format(CANONICAL, 2) + "\n" + String.format(CANONICAL, 3));
        assertThat(origins(read(lines, FormatDetector.AUTO, 2))).containsExactly("c.ndjson:3");
        var array = file("a.json", "[{\"a\":1},\n{\"b\":2},\n{\"c\":3}]");
        assertThat(texts(read(array, "canonical", 1))).containsExactly("{\"b\":2}", "{\"c\":3}");
    }

    @Test
    void gzipFilesAreSplitToo() throws IOException {
        java.nio.file.Path f = dir.resolve("ct.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("{\"Records\":[{\"a\":1},{\"b\":2}]}".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(texts(read(f, "canonical", 0))).containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    private static byte[] avro(String eventId, String source) throws IOException {
        dev.vigil.event.PrivilegedEvent e = dev.vigil.event.PrivilegedEvent.newBuilder().setEventId(eventId)
                .setEventTime(1_773_000_000_000L).setSource(source)
                .setType(dev.vigil.event.EventType.SESSION).setAction(dev.vigil.event.Action.START)
                .setPrincipal(dev.vigil.common.Principal.newBuilder().setId("alice")
                        .setKind(dev.vigil.common.PrincipalKind.HUMAN).build()).build();
        java.nio.ByteBuffer b = e.toByteBuffer();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    @Test
    void avroFilesAreSplitByDecodingSinceTheirBytesMayHoldNewlines() throws IOException {
        byte[] first = avro("e-1", "entra"); // a 5-character string's length is the byte 0x0A, a newline
        byte[] second = avro("e-2", "vault");
        assertThat(new String(first, StandardCharsets.ISO_8859_1)).contains("\n");
        java.nio.file.Path f = dir.resolve("events.avro");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.write(first);
        bytes.write('\n'); // a newline between records is allowed
        bytes.write(second);
        bytes.write(second, 0, second.length - 3); // truncated
        Files.write(f, bytes.toByteArray());

        List<RawRecord> r = read(f, FormatDetector.AUTO, 0);
        assertThat(r).hasSize(3);
        assertThat(r.get(0).payload).isEqualTo(first);
        assertThat(r.get(1).payload).isEqualTo(second);
        assertThat(r).extracting(x -> x.format).containsOnly("avro");
        assertThat(origins(r)).containsExactly("events.avro:#1", "events.avro:#2", "events.avro:#3");
        assertThat(r.get(0).rejection).isNull();
        assertThat(r.get(2).rejection).isEqualTo("truncated Avro record; the rest of the file was not read");
        assertThat(texts(read(f, "avro", 2))).hasSize(1);
    }
}
