package dev.vigil.connectors.normalize.text;

import com.fasterxml.jackson.core.JsonProcessingException;

/** One-line dead-letter reasons for JSON that does not parse, without the parser's location dump. */
public final class JsonErrors {
    private JsonErrors() {}

    public static String reason(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            return "malformed JSON";
        }
        int cut = m.indexOf(" (start marker at");
        if (cut > 0) {
            m = m.substring(0, cut);
        }
        int nl = m.indexOf('\n');
        if (nl > 0) {
            m = m.substring(0, nl);
        }
        return "malformed JSON: " + m.strip();
    }
}
