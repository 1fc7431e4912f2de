package dev.vigil.jobs.cli;

import dev.vigil.connectors.kafka.KafkaOptions;
import dev.vigil.jobs.config.ConfigFile;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Where the control topic is, for the commands that publish on it ({@code rules deploy}, {@code model deploy}). */
final class ControlTopicOptions {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka brokers to publish to; overrides kafka.bootstrap.servers of --config.")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "The control topic (default: kafka.topic.control of --config, else pum.control).")
    String topic;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The job's YAML configuration: its kafka section (brokers, TLS, SASL, topic) is used.")
    Path config;

    /** {@code --config}'s kafka section, then --bootstrap and --topic over it. */
    KafkaOptions kafka() {
        if (bootstrap == null && config == null) {
            throw new UserError("say where Kafka is: --bootstrap HOST:PORT or --config FILE");
        }
        try {
            KafkaOptions.Builder b = KafkaOptions.builder();
            if (config != null) {
                Properties props = new Properties();
                props.putAll(ConfigFile.read(config));
                b = KafkaOptions.fromProperties(props).toBuilder();
            }
            if (bootstrap != null) {
                b.bootstrapServers(bootstrap);
            }
            if (topic != null) {
                b.controlTopic(topic);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UserError((config == null ? "" : "config " + config + ": ") + e.getMessage());
        }
    }
}
