package dev.vigil.jobs.anomaly;

import dev.vigil.connectors.control.ControlMessage;
import dev.vigil.connectors.kafka.ControlTopic;
import dev.vigil.connectors.kafka.KafkaOptions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes an anomaly model on the control topic ({@code vigil model deploy}), for running jobs that follow it to
 * score with from then on. The artifact travels byte for byte; its version on the topic is the model's own version
 * and the start of the artifact's SHA-256, so two trainings that reuse a version name are still told apart.
 */
public final class ModelDeployment {
    private ModelDeployment() {}

    /** The control message carrying {@code artifact}, which must already have passed {@link AnomalyModel#parse}. */
    public static ControlMessage message(AnomalyModel model, byte[] artifact, String label, String createdBy, long createdAt) {
        return new ControlMessage(ControlMessage.Kind.MODEL, model.version() + "@" + digest(artifact), label, createdBy,
                createdAt, artifact);
    }

    /** Creates the control topic when missing and publishes the message; where it landed. */
    public static RecordMetadata publish(KafkaOptions kafka, ControlMessage message) {
        ControlTopic.ensureExists(kafka);
        return ControlTopic.publish(kafka, message);
    }

    static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
