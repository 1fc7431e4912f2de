package dev.vigil.connectors.control;

import java.util.Arrays;
import java.util.Objects;

/**
 * One version of something a running job can swap without a restart, as it travels on the control topic: what it
 * is ({@link Kind}), which version, a label people recognise it by, who published it and when, and the artifact
 * itself as bytes whose layout belongs to the kind. The job keeps the newest accepted message of each kind in its
 * checkpoints, so a restored job runs what it ran before.
 *
 * <p>A Flink POJO (public no-arg constructor, public fields) so it travels between operators without Kryo.
 */
public class ControlMessage {
    /** What a control message carries; a job dead-letters a kind it does not know rather than failing. */
    public enum Kind {
        /** A rule pack: every rule file as data (see the jobs module's rule pack payload). */
        RULE_PACK,
        /** A behavioural anomaly model: the artifact {@code vigil model train} writes, byte for byte. */
        MODEL
    }

    /** What the payload is. */
    public Kind kind;
    /** The version id: for a rule pack, the hash of its content, which every finding then carries. */
    public String version;
    /** A label for people, e.g. a release name or a ticket; may be empty. */
    public String label;
    /** Who published it: user and host of the publisher. */
    public String createdBy;
    /** When it was published, epoch ms (wall clock of the publisher: metadata, never used for detection). */
    public long createdAt;
    /** The artifact, laid out as its kind says. */
    public byte[] payload;

    public ControlMessage() {}

    public ControlMessage(Kind kind, String version, String label, String createdBy, long createdAt, byte[] payload) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.version = Objects.requireNonNull(version, "version");
        this.label = label == null ? "" : label;
        this.createdBy = createdBy == null ? "" : createdBy;
        this.createdAt = createdAt;
        this.payload = Objects.requireNonNull(payload, "payload");
    }

    /** {@code RULE_PACK 3f2a9c01b7e4 "release 12"}: enough to find it in a log. */
    public String describe() {
        return kind + " " + version + (label == null || label.isEmpty() ? "" : " \"" + label + "\"");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ControlMessage other)) {
            return false;
        }
        return kind == other.kind && Objects.equals(version, other.version) && Objects.equals(label, other.label)
                && Objects.equals(createdBy, other.createdBy) && createdAt == other.createdAt
                && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, version, label, createdBy, createdAt) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "ControlMessage{" + describe() + ", by " + createdBy + " at " + createdAt + ", "
                + (payload == null ? 0 : payload.length) + " bytes}";
    }
}
