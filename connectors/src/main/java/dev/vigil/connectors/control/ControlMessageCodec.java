package dev.vigil.connectors.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;

/**
 * Control messages as JSON on the control topic: one object with {@code kind}, {@code version}, {@code label},
 * {@code created_by}, {@code created_at} (epoch ms) and {@code payload}
 * (base64). JSON, so a person can read a message with any console consumer and a job of another version can still
 * tell what a message is before it decides it cannot use it.
 */
public final class ControlMessageCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlMessageCodec() {}

    /** Why bytes from the control topic are not a control message this job can use; one line. */
    public static final class InvalidControlMessage extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidControlMessage(String message) {
            super(message);
        }
    }

    public static byte[] encode(ControlMessage m) {
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", m.kind.name());
        node.put("version", m.version);
        node.put("label", m.label);
        node.put("created_by", m.createdBy);
        node.put("created_at", m.createdAt);
        node.put("payload", m.payload);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree of strings and numbers always serializes", e);
        }
    }

    /**
     * @throws InvalidControlMessage when the bytes are not JSON, a field is missing or of the wrong type, or the
     *     kind is one this job does not know (a newer publisher's, say)
     */
    public static ControlMessage decode(byte[] bytes) throws InvalidControlMessage {
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidControlMessage("not JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new InvalidControlMessage("not a JSON object");
        }
        String kindName = text(node, "kind");
        ControlMessage.Kind kind;
        try {
            kind = ControlMessage.Kind.valueOf(kindName);
        } catch (IllegalArgumentException e) {
            throw new InvalidControlMessage("unknown control message kind '" + kindName + "' (this job knows "
                    + Arrays.toString(ControlMessage.Kind.values()) + ")");
        }
        String version = text(node, "version");
        if (version.isBlank()) {
            throw new InvalidControlMessage("empty version");
        }
        JsonNode createdAt = node.get("created_at");
        if (createdAt == null || !createdAt.isIntegralNumber()) {
            throw new InvalidControlMessage("created_at must be epoch milliseconds");
        }
        byte[] payload;
        try {
            payload = node.path("payload").isTextual() ? node.get("payload").binaryValue() : null;
        } catch (IOException e) {
            payload = null;
        }
        if (payload == null) {
            throw new InvalidControlMessage("payload must be base64 text");
        }
        return new ControlMessage(kind, version, optionalText(node, "label"), optionalText(node, "created_by"),
                createdAt.asLong(), payload);
    }

    private static String text(JsonNode node, String field) throws InvalidControlMessage {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidControlMessage("missing or non-text field '" + field + "'");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? "" : value.asText();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
