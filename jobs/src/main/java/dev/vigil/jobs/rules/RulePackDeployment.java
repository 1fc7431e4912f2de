package dev.vigil.jobs.rules;

import dev.vigil.connectors.control.ControlMessage;
import dev.vigil.connectors.kafka.ControlTopic;
import dev.vigil.connectors.kafka.KafkaOptions;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.rules.pack.RuleProblem;
import dev.vigil.rules.test.RulePackValidator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * What {@code vigil rules deploy} does: check a rule pack exactly as {@code vigil rules validate} does, and only
 * when it is sound publish it on the control topic, where running jobs that follow it swap to it.
 */
public final class RulePackDeployment {
    private RulePackDeployment() {}

    /**
     * @param problems what is wrong with the pack, file:line each; when not empty nothing was published
     * @param message the message published, null when refused
     * @param where the topic, partition and offset it was written to, null when refused
     */
    public record Outcome(List<RuleProblem> problems, ControlMessage message, RecordMetadata where) {
        public boolean published() {
            return message != null;
        }
    }

    /**
     * Validates the pack and publishes it, creating the control topic when it does not exist.
     *
     * @param clock the publisher's wall clock, for the message's created-at (metadata only)
     * @throws IllegalStateException when Kafka refuses or does not answer
     */
    public static Outcome deploy(KafkaOptions kafka, RulePack pack, String label, Clock clock) {
        List<RuleProblem> problems = check(pack);
        if (!problems.isEmpty()) {
            return new Outcome(problems, null, null);
        }
        return publish(kafka, pack, label, clock);
    }

    /** The checks of {@code vigil rules validate}; empty when the pack may be deployed. */
    public static List<RuleProblem> check(RulePack pack) {
        return RulePackValidator.validate(pack);
    }

    /** Publishes a pack that passed {@link #check}, creating the control topic when it does not exist. */
    public static Outcome publish(KafkaOptions kafka, RulePack pack, String label, Clock clock) {
        ControlMessage message = RulePackPayload.message(pack, label, publisher(), clock.millis());
        ControlTopic.ensureExists(kafka);
        RecordMetadata where = ControlTopic.publish(kafka, message);
        return new Outcome(List.of(), message, where);
    }

    /** {@code user@host} of this process, for the message's created-by. */
    public static String publisher() {
        String user = System.getProperty("user.name", "unknown");
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "unknown");
        }
        return user + "@" + host;
    }
}
