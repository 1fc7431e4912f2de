package dev.vigil.jobs.anomaly;

/** A model artifact that cannot be used, with a one-line reason that names where it came from. */
public class InvalidModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
        super(message);
    }
}
