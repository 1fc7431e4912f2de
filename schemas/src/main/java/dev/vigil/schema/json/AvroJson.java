package dev.vigil.schema.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The JSON form of every Vigil record: the canonical event that adapters write and {@code replay} reads, and the
 * findings, cases and evidence that go to Elasticsearch and NDJSON.
 *
 * <p>One rule maps Avro to JSON so the index, the files and the documentation agree: field names as in the
 * schema; times ({@code event_time}, {@code window_start}, {@code window_end} and every {@code *_at}) as ISO-8601
 * UTC strings (numbers of epoch milliseconds are accepted on input); enums by name; nulls and empty arrays left
 * out; nested records as objects. On input, unknown fields are ignored and everything else is checked: a wrong
 * type, an unknown enum symbol or a missing required field is an {@link InvalidRecordException} naming the field.
 */
public final class AvroJson {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(1 << 20).build())
            .build();
    private static final Map<Schema, RecordPlan> PLANS = new ConcurrentHashMap<>();

    private AvroJson() {}

    /** Whether a long field holds a point in time, and so is written as ISO-8601. */
    public static boolean isTimeField(String name) {
        return name.equals("event_time") || name.equals("window_start") || name.equals("window_end")
                || name.endsWith("_at");
    }

    public static String toJson(SpecificRecord record) {
        return new String(toJsonBytes(record), java.nio.charset.StandardCharsets.UTF_8);
    }

    public static byte[] toJsonBytes(SpecificRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            writeRecord(gen, record.getSchema(), record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes a record as one JSON object into an open generator. */
    public static void write(JsonGenerator gen, SpecificRecord record) throws IOException {
        writeRecord(gen, record.getSchema(), record);
    }

    public static <T extends SpecificRecord> T fromJson(String json, Class<T> type) throws InvalidRecordException {
        return fromJson(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
    }

    public static <T extends SpecificRecord> T fromJson(byte[] json, Class<T> type) throws InvalidRecordException {
        return fromJson(json, 0, json.length, type);
    }

    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> T fromJson(byte[] json, int offset, int length, Class<T> type)
            throws InvalidRecordException {
        Schema schema = SpecificData.get().getSchema(type);
        try (JsonParser p = JSON.createParser(json, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidRecordException("not a JSON object");
            }
            T record = (T) readRecord(p, schema, "");
            if (p.nextToken() != null) {
                throw new InvalidRecordException("trailing content after the JSON object");
            }
            return record;
        } catch (IOException e) {
            throw new InvalidRecordException("malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    // ---------------------------------------------------------------- writing

    private static void writeRecord(JsonGenerator gen, Schema schema, Object value) throws IOException {
        SpecificRecord record = (SpecificRecord) value;
        gen.writeStartObject();
        for (Schema.Field field : schema.getFields()) {
            Object v = record.get(field.pos());
            if (v == null || (v instanceof List<?> l && l.isEmpty())) {
                continue;
            }
            gen.writeFieldName(field.name());
            writeValue(gen, nonNull(field.schema()), v, isTimeField(field.name()));
        }
        gen.writeEndObject();
    }

    private static void writeValue(JsonGenerator gen, Schema schema, Object v, boolean time) throws IOException {
        switch (schema.getType()) {
            case RECORD -> writeRecord(gen, schema, v);
            case ENUM, STRING -> gen.writeString(v.toString());
            case LONG -> {
                if (time) {
                    gen.writeString(Instant.ofEpochMilli((Long) v).toString());
                } else {
                    gen.writeNumber((Long) v);
                }
            }
            case INT -> gen.writeNumber((Integer) v);
            case DOUBLE -> gen.writeNumber((Double) v);
            case FLOAT -> gen.writeNumber((Float) v);
            case BOOLEAN -> gen.writeBoolean((Boolean) v);
            case BYTES -> {
                ByteBuffer buf = ((ByteBuffer) v).duplicate();
                byte[] bytes = new byte[buf.remaining()];
                buf.get(bytes);
                gen.writeString(Base64.getEncoder().encodeToString(bytes));
            }
            case ARRAY -> {
                gen.writeStartArray();
                for (Object item : (List<?>) v) {
                    writeValue(gen, nonNull(schema.getElementType()), item, time);
                }
                gen.writeEndArray();
            }
            case MAP -> {
                gen.writeStartObject();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    gen.writeFieldName(e.getKey().toString());
                    writeValue(gen, nonNull(schema.getValueType()), e.getValue(), time);
                }
                gen.writeEndObject();
            }
            default -> throw new IllegalStateException("unsupported schema type " + schema.getType());
        }
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        for (Schema s : schema.getTypes()) {
            if (s.getType() != Schema.Type.NULL) {
                return s;
            }
        }
        return schema;
    }

    // ---------------------------------------------------------------- reading

    /** Per-schema field lookup, built once, so parsing a record costs one hash lookup per field. */
    private record RecordPlan(Map<String, Schema.Field> fields, Schema.Field[] required, Schema.Field[] defaulted) {
        static RecordPlan of(Schema schema) {
            Map<String, Schema.Field> byName = new HashMap<>();
            List<Schema.Field> required = new ArrayList<>();
            List<Schema.Field> defaulted = new ArrayList<>();
            for (Schema.Field f : schema.getFields()) {
                byName.put(f.name(), f);
                if (!f.hasDefaultValue() && f.schema().getType() != Schema.Type.UNION) {
                    required.add(f);
                } else if (f.hasDefaultValue() && SpecificData.get().getDefaultValue(f) != null) {
                    defaulted.add(f);
                }
            }
            return new RecordPlan(byName, required.toArray(Schema.Field[]::new), defaulted.toArray(Schema.Field[]::new));
        }
    }

    private static Object readRecord(JsonParser p, Schema schema, String path)
            throws IOException, InvalidRecordException {
        RecordPlan plan = PLANS.computeIfAbsent(schema, RecordPlan::of);
        SpecificRecord record = (SpecificRecord) SpecificData.get().newRecord(null, schema);
        // Fields with a non-null default (empty lists, false) start from it, so leaving them out is valid.
        for (Schema.Field f : plan.defaulted()) {
            record.put(f.pos(), SpecificData.get().deepCopy(f.schema(), SpecificData.get().getDefaultValue(f)));
        }
        boolean[] seen = new boolean[schema.getFields().size()];
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            Schema.Field field = plan.fields().get(name);
            JsonToken valueToken = p.nextToken();
            if (field == null) {
                p.skipChildren();
                continue;
            }
            String fieldPath = path.isEmpty() ? name : path + "." + name;
            Object v = readValue(p, valueToken, field.schema(), fieldPath, isTimeField(name));
            record.put(field.pos(), v);
            seen[field.pos()] = v != null;
        }
        if (t != JsonToken.END_OBJECT) {
            throw new InvalidRecordException("malformed JSON object at " + (path.isEmpty() ? "top level" : path));
        }
        for (Schema.Field f : plan.required()) {
            if (!seen[f.pos()]) {
                throw new InvalidRecordException("missing " + (path.isEmpty() ? f.name() : path + "." + f.name()));
            }
        }
        return record;
    }

    private static Object readValue(JsonParser p, JsonToken t, Schema schema, String path, boolean time)
            throws IOException, InvalidRecordException {
        if (t == JsonToken.VALUE_NULL) {
            if (schema.getType() == Schema.Type.UNION || schema.getType() == Schema.Type.NULL) {
                return null;
            }
            throw new InvalidRecordException(path + " must not be null");
        }
        Schema s = nonNull(schema);
        switch (s.getType()) {
            case RECORD -> {
                expect(t, JsonToken.START_OBJECT, path, "an object");
                return readRecord(p, s, path);
            }
            case STRING -> {
                if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT) {
                    throw new InvalidRecordException(path + " must be a string");
                }
                return p.getText();
            }
            case ENUM -> {
                expect(t, JsonToken.VALUE_STRING, path, "a string");
                String symbol = p.getText();
                if (!s.hasEnumSymbol(symbol)) {
                    String upper = symbol.toUpperCase(java.util.Locale.ROOT);
                    if (!s.hasEnumSymbol(upper)) {
                        throw new InvalidRecordException(
                                "unknown " + path + " '" + abbreviate(symbol) + "' (expected one of " + s.getEnumSymbols() + ")");
                    }
                    symbol = upper;
                }
                return SpecificData.get().createEnum(symbol, s);
            }
            case LONG -> {
                if (t == JsonToken.VALUE_NUMBER_INT) {
                    return p.getLongValue();
                }
                if (time && t == JsonToken.VALUE_STRING) {
                    return parseInstant(p.getText(), path);
                }
                throw new InvalidRecordException(path + (time ? " must be an ISO-8601 time" : " must be an integer"));
            }
            case INT -> {
                expect(t, JsonToken.VALUE_NUMBER_INT, path, "an integer");
                return p.getIntValue();
            }
            case DOUBLE -> {
                if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                    throw new InvalidRecordException(path + " must be a number");
                }
                return p.getDoubleValue();
            }
            case FLOAT -> {
                if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                    throw new InvalidRecordException(path + " must be a number");
                }
                return p.getFloatValue();
            }
            case BOOLEAN -> {
                if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                    throw new InvalidRecordException(path + " must be true or false");
                }
                return t == JsonToken.VALUE_TRUE;
            }
            case BYTES -> {
                expect(t, JsonToken.VALUE_STRING, path, "a base64 string");
                try {
                    return ByteBuffer.wrap(Base64.getDecoder().decode(p.getText()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidRecordException(path + " is not valid base64");
                }
            }
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                if (t != JsonToken.START_ARRAY) {
                    // A single value where a list is expected (e.g. "scope": "db-*") is the list of that value.
                    items.add(readValue(p, t, s.getElementType(), path, time));
                    return items;
                }
                JsonToken it;
                while ((it = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (it == null) {
                        throw new InvalidRecordException("unterminated array at " + path);
                    }
                    items.add(readValue(p, it, s.getElementType(), path + "[]", time));
                }
                return items;
            }
            default -> throw new InvalidRecordException(path + " has an unsupported type " + s.getType());
        }
    }

    private static void expect(JsonToken actual, JsonToken wanted, String path, String what) throws InvalidRecordException {
        if (actual != wanted) {
            throw new InvalidRecordException(path + " must be " + what);
        }
    }

    private static long parseInstant(String text, String path) throws InvalidRecordException {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                // Offsets other than Z ("+02:00") are valid ISO-8601 too.
                return java.time.OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new InvalidRecordException(path + " is not an ISO-8601 time: '" + abbreviate(text) + "'");
            }
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
