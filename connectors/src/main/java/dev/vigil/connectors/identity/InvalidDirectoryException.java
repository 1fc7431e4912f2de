package dev.vigil.connectors.identity;

/** A principal directory that cannot be used; the message is one line starting with {@code file:line:}. */
public final class InvalidDirectoryException extends IllegalArgumentException {
    public InvalidDirectoryException(String message) {
        super(message);
    }
}
