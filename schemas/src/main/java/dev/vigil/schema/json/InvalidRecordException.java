package dev.vigil.schema.json;

/** A record that cannot become a canonical event or output record; the message is the one-line reason. */
public class InvalidRecordException extends Exception {
    public InvalidRecordException(String reason) {
        super(reason);
    }
}
