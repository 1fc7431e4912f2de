package dev.vigil.jobs.cli;

/** A mistake the user can fix (a missing file, an unknown format, a server that does not answer): one line, no trace. */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
