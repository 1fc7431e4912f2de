package dev.vigil.connectors.kafka;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * How Vigil talks to Kafka: where the cluster is, how to authenticate, which topics to use and how sinks deliver.
 * Every option, its key in a properties file and its default, in one place:
 *
 * <table>
 * <caption>Kafka options</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code kafka.bootstrap.servers}</td><td>{@code localhost:9092}</td>
 *     <td>comma-separated {@code host:port} list of brokers to bootstrap from</td></tr>
 * <tr><td>{@code kafka.group.id}</td><td>{@code vigil}</td>
 *     <td>consumer group of the sources; offsets are committed under it on each checkpoint</td></tr>
 * <tr><td>{@code kafka.starting.offsets}</td><td>{@code committed}</td>
 *     <td>where a source starts: {@code earliest}, {@code latest}, or {@code committed} (the group's committed
 *     offsets, earliest for partitions without one). A restore from a checkpoint ignores this.</td></tr>
 * <tr><td>{@code kafka.security.protocol}</td><td>{@code PLAINTEXT}</td>
 *     <td>{@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}</td></tr>
 * <tr><td>{@code kafka.sasl.mechanism}</td><td>unset (Kafka's {@code GSSAPI})</td>
 *     <td>SASL mechanism, e.g. {@code PLAIN}, {@code SCRAM-SHA-512}, {@code OAUTHBEARER}</td></tr>
 * <tr><td>{@code kafka.sasl.jaas.config}</td><td>unset</td>
 *     <td>JAAS login module line for the SASL mechanism (holds credentials: never logged)</td></tr>
 * <tr><td>{@code kafka.ssl.truststore.location}, {@code kafka.ssl.truststore.password}</td><td>unset</td>
 *     <td>trust store with the CA of the brokers' certificates (SSL, SASL_SSL)</td></tr>
 * <tr><td>{@code kafka.ssl.keystore.location}, {@code kafka.ssl.keystore.password},
 *     {@code kafka.ssl.key.password}</td><td>unset</td>
 *     <td>key store with Vigil's client certificate, for brokers that require mutual TLS</td></tr>
 * <tr><td>{@code kafka.topic.events}</td><td>{@code pum.events}</td><td>canonical events in (Avro single-object)</td></tr>
 * <tr><td>{@code kafka.topic.cases}</td><td>{@code pum.cases}</td><td>scored cases out, keyed by case id</td></tr>
 * <tr><td>{@code kafka.topic.dlq}</td><td>{@code pum.dlq}</td><td>dead letters out, keyed by origin</td></tr>
 * <tr><td>{@code kafka.topic.control}</td><td>{@code pum.control}</td>
 *     <td>control messages in (rule updates for a running job); created by {@code vigil rules deploy} and by
 *     {@code vigil run} when it follows it, with {@code max.message.bytes} of 8 MiB</td></tr>
 * <tr><td>{@code kafka.control.enabled}</td><td>{@code false}</td>
 *     <td>whether the job follows the control topic: {@code true} lets {@code vigil rules deploy} swap the rule
 *     pack of the running job without a restart</td></tr>
 * <tr><td>{@code kafka.topic.raw.<format>}</td><td>none</td>
 *     <td>a topic of raw product records in {@code <format>} (one of the {@code --format} names, e.g.
 *     {@code kafka.topic.raw.teleport: teleport.audit}), one key per source; each is read beside the events topic
 *     and normalized by that format's normalizer in the same job graph</td></tr>
 * <tr><td>{@code kafka.delivery.guarantee}</td><td>{@code at-least-once}</td>
 *     <td>sinks: {@code at-least-once} (flush on checkpoint; consumers may see a record twice after a restore)
 *     or {@code exactly-once} (Kafka transactions committed on checkpoint: readers with
 *     {@code isolation.level=read_committed} see each record once, but only after the checkpoint)</td></tr>
 * <tr><td>{@code kafka.transactional.id.prefix}</td><td>{@code vigil}</td>
 *     <td>exactly-once only: prefix of the sinks' transactional ids, unique per job writing to the cluster</td></tr>
 * <tr><td>{@code kafka.transaction.timeout}</td><td>{@code PT15M}</td>
 *     <td>exactly-once only: producer transaction timeout (ISO-8601 duration); at most the brokers'
 *     {@code transaction.max.timeout.ms}, and longer than the checkpoint interval</td></tr>
 * <tr><td>{@code kafka.client.<name>}</td><td>none</td>
 *     <td>any other Kafka client property {@code <name>}, passed as is; applied last, so it wins</td></tr>
 * </table>
 *
 * <p>Serializable, so sources and sinks built from it can be shipped to the cluster.
 */
public final class KafkaOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Where a source starts reading when it is not restored from a checkpoint. */
    public enum StartingOffsets {
        /** The oldest retained record. */
        EARLIEST,
        /** Only records written after the source starts. */
        LATEST,
        /** The consumer group's committed offsets; the earliest record where the group has none. */
        COMMITTED
    }

    /** Prefix of every key {@link #fromProperties(Properties)} reads. */
    public static final String PREFIX = "kafka.";
    /** Prefix of keys passed to the Kafka clients as they are. */
    public static final String CLIENT_PREFIX = PREFIX + "client.";

    public static final String BOOTSTRAP_SERVERS = PREFIX + "bootstrap.servers";
    public static final String GROUP_ID = PREFIX + "group.id";
    public static final String STARTING_OFFSETS = PREFIX + "starting.offsets";
    public static final String SECURITY_PROTOCOL = PREFIX + "security.protocol";
    public static final String SASL_MECHANISM = PREFIX + "sasl.mechanism";
    public static final String SASL_JAAS_CONFIG = PREFIX + "sasl.jaas.config";
    public static final String TRUSTSTORE_LOCATION = PREFIX + "ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = PREFIX + "ssl.truststore.password";
    public static final String KEYSTORE_LOCATION = PREFIX + "ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = PREFIX + "ssl.keystore.password";
    public static final String KEY_PASSWORD = PREFIX + "ssl.key.password";
    public static final String TOPIC_EVENTS = PREFIX + "topic.events";
    public static final String TOPIC_CASES = PREFIX + "topic.cases";
    public static final String TOPIC_DLQ = PREFIX + "topic.dlq";
    public static final String TOPIC_CONTROL = PREFIX + "topic.control";
    public static final String CONTROL_ENABLED = PREFIX + "control.enabled";
    /** Prefix of the raw product topics: {@code kafka.topic.raw.<format>}. */
    public static final String TOPIC_RAW_PREFIX = PREFIX + "topic.raw.";
    public static final String DELIVERY_GUARANTEE = PREFIX + "delivery.guarantee";
    public static final String TRANSACTIONAL_ID_PREFIX = PREFIX + "transactional.id.prefix";
    public static final String TRANSACTION_TIMEOUT = PREFIX + "transaction.timeout";

    private static final List<String> KEYS = List.of(BOOTSTRAP_SERVERS, GROUP_ID, STARTING_OFFSETS,
            SECURITY_PROTOCOL, SASL_MECHANISM, SASL_JAAS_CONFIG, TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD,
            KEYSTORE_LOCATION, KEYSTORE_PASSWORD, KEY_PASSWORD, TOPIC_EVENTS, TOPIC_CASES, TOPIC_DLQ, TOPIC_CONTROL,
            CONTROL_ENABLED, DELIVERY_GUARANTEE, TRANSACTIONAL_ID_PREFIX, TRANSACTION_TIMEOUT);

    private final String bootstrapServers;
    private final String groupId;
    private final StartingOffsets startingOffsets;
    private final SecurityProtocol securityProtocol;
    private final String saslMechanism;
    private final String saslJaasConfig;
    private final String truststoreLocation;
    private final String truststorePassword;
    private final String keystoreLocation;
    private final String keystorePassword;
    private final String keyPassword;
    private final String eventsTopic;
    private final String casesTopic;
    private final String deadLetterTopic;
    private final String controlTopic;
    private final boolean controlEnabled;
    private final DeliveryGuarantee deliveryGuarantee;
    private final String transactionalIdPrefix;
    private final Duration transactionTimeout;
    private final Map<String, String> extraProperties;
    /** Raw product topics by format, in key order. */
    private final Map<String, String> rawTopics;

    private KafkaOptions(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.groupId = b.groupId;
        this.startingOffsets = b.startingOffsets;
        this.securityProtocol = b.securityProtocol;
        this.saslMechanism = b.saslMechanism;
        this.saslJaasConfig = b.saslJaasConfig;
        this.truststoreLocation = b.truststoreLocation;
        this.truststorePassword = b.truststorePassword;
        this.keystoreLocation = b.keystoreLocation;
        this.keystorePassword = b.keystorePassword;
        this.keyPassword = b.keyPassword;
        this.eventsTopic = b.eventsTopic;
        this.casesTopic = b.casesTopic;
        this.deadLetterTopic = b.deadLetterTopic;
        this.controlTopic = b.controlTopic;
        this.controlEnabled = b.controlEnabled;
        this.deliveryGuarantee = b.deliveryGuarantee;
        this.transactionalIdPrefix = b.transactionalIdPrefix;
        this.transactionTimeout = b.transactionTimeout;
        this.extraProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.extraProperties));
        this.rawTopics = Collections.unmodifiableMap(new LinkedHashMap<>(b.rawTopics));
    }

    /** Options with every default, for a broker at {@code bootstrapServers}. */
    public static KafkaOptions defaults(String bootstrapServers) {
        return builder().bootstrapServers(bootstrapServers).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change a few of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.bootstrapServers = bootstrapServers;
        b.groupId = groupId;
        b.startingOffsets = startingOffsets;
        b.securityProtocol = securityProtocol;
        b.saslMechanism = saslMechanism;
        b.saslJaasConfig = saslJaasConfig;
        b.truststoreLocation = truststoreLocation;
        b.truststorePassword = truststorePassword;
        b.keystoreLocation = keystoreLocation;
        b.keystorePassword = keystorePassword;
        b.keyPassword = keyPassword;
        b.eventsTopic = eventsTopic;
        b.casesTopic = casesTopic;
        b.deadLetterTopic = deadLetterTopic;
        b.controlTopic = controlTopic;
        b.controlEnabled = controlEnabled;
        b.deliveryGuarantee = deliveryGuarantee;
        b.transactionalIdPrefix = transactionalIdPrefix;
        b.transactionTimeout = transactionTimeout;
        b.extraProperties.putAll(extraProperties);
        b.rawTopics.putAll(rawTopics);
        return b;
    }

    /**
     * Reads the {@code kafka.*} keys of a configuration file (see the table above); other keys are ignored, so one
     * file can configure the whole job. An unknown {@code kafka.*} key or a bad value fails with a message naming it,
     * rather than being silently ignored.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public static KafkaOptions fromProperties(Properties props) {
        Builder b = builder();
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String value = props.getProperty(key).trim();
            if (key.startsWith(CLIENT_PREFIX)) {
                b.clientProperty(key.substring(CLIENT_PREFIX.length()), value);
                continue;
            }
            if (key.startsWith(TOPIC_RAW_PREFIX)) {
                try {
                    b.rawTopic(key.substring(TOPIC_RAW_PREFIX.length()), value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Bad value for " + key + ": " + e.getMessage(), e);
                }
                continue;
            }
            try {
                apply(b, key, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Bad value for " + key + ": " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    private static void apply(Builder b, String key, String value) {
        switch (key) {
            case BOOTSTRAP_SERVERS -> b.bootstrapServers(value);
            case GROUP_ID -> b.groupId(value);
            case STARTING_OFFSETS -> b.startingOffsets(parseEnum(StartingOffsets.class, value));
            case SECURITY_PROTOCOL -> b.securityProtocol(parseEnum(SecurityProtocol.class, value));
            case SASL_MECHANISM -> b.saslMechanism(value);
            case SASL_JAAS_CONFIG -> b.saslJaasConfig(value);
            case TRUSTSTORE_LOCATION -> b.truststore(value, b.truststorePassword);
            case TRUSTSTORE_PASSWORD -> b.truststore(b.truststoreLocation, value);
            case KEYSTORE_LOCATION -> b.keystore(value, b.keystorePassword, b.keyPassword);
            case KEYSTORE_PASSWORD -> b.keystore(b.keystoreLocation, value, b.keyPassword);
            case KEY_PASSWORD -> b.keystore(b.keystoreLocation, b.keystorePassword, value);
            case TOPIC_EVENTS -> b.eventsTopic(value);
            case TOPIC_CASES -> b.casesTopic(value);
            case TOPIC_DLQ -> b.deadLetterTopic(value);
            case TOPIC_CONTROL -> b.controlTopic(value);
            case CONTROL_ENABLED -> b.controlEnabled(parseBoolean(value));
            case DELIVERY_GUARANTEE -> b.deliveryGuarantee(parseEnum(DeliveryGuarantee.class, value));
            case TRANSACTIONAL_ID_PREFIX -> b.transactionalIdPrefix(value);
            case TRANSACTION_TIMEOUT -> b.transactionTimeout(Duration.parse(value));
            default -> throw new IllegalArgumentException("unknown option; known: " + String.join(", ", KEYS)
                    + ", " + CLIENT_PREFIX + "<kafka client property>");
        }
    }

    private static boolean parseBoolean(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + value + "' is not true or false");
        };
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String value) {
        String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("'" + value + "' is not one of " + allowed);
    }

    /**
     * What every Kafka client of Vigil needs: bootstrap servers, security settings, then the extra client
     * properties. Consumer- and producer-only settings are added by the sources and sinks.
     */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.setProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol.name);
        putIfSet(props, SaslConfigs.SASL_MECHANISM, saslMechanism);
        putIfSet(props, SaslConfigs.SASL_JAAS_CONFIG, saslJaasConfig);
        putIfSet(props, SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststoreLocation);
        putIfSet(props, SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, truststorePassword);
        putIfSet(props, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystoreLocation);
        putIfSet(props, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, keystorePassword);
        putIfSet(props, SslConfigs.SSL_KEY_PASSWORD_CONFIG, keyPassword);
        extraProperties.forEach(props::setProperty);
        return props;
    }

    private static void putIfSet(Properties props, String key, String value) {
        if (value != null) {
            props.setProperty(key, value);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String groupId() {
        return groupId;
    }

    public StartingOffsets startingOffsets() {
        return startingOffsets;
    }

    public SecurityProtocol securityProtocol() {
        return securityProtocol;
    }

    /** {@code null} when unset. */
    public String saslMechanism() {
        return saslMechanism;
    }

    /** {@code null} when unset. */
    public String saslJaasConfig() {
        return saslJaasConfig;
    }

    /** {@code null} when unset. */
    public String truststoreLocation() {
        return truststoreLocation;
    }

    /** {@code null} when unset. */
    public String keystoreLocation() {
        return keystoreLocation;
    }

    public String eventsTopic() {
        return eventsTopic;
    }

    public String casesTopic() {
        return casesTopic;
    }

    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    public String controlTopic() {
        return controlTopic;
    }

    /** Whether the job follows the control topic (rule packs deployed while it runs). */
    public boolean controlEnabled() {
        return controlEnabled;
    }

    public DeliveryGuarantee deliveryGuarantee() {
        return deliveryGuarantee;
    }

    public String transactionalIdPrefix() {
        return transactionalIdPrefix;
    }

    public Duration transactionTimeout() {
        return transactionTimeout;
    }

    /** The extra client properties, in the order given. */
    /** Raw product topics by the format their records are in ({@code kafka.topic.raw.<format>}); empty by default. */
    public Map<String, String> rawTopics() {
        return rawTopics;
    }

    public Map<String, String> extraProperties() {
        return extraProperties;
    }

    /** Everything but secrets: passwords and the JAAS line (which carries credentials) are masked. */
    @Override
    public String toString() {
        return "KafkaOptions{bootstrapServers=" + bootstrapServers + ", groupId=" + groupId
                + ", startingOffsets=" + startingOffsets + ", securityProtocol=" + securityProtocol
                + ", saslMechanism=" + saslMechanism + ", saslJaasConfig=" + mask(saslJaasConfig)
                + ", truststore=" + truststoreLocation + ", truststorePassword=" + mask(truststorePassword)
                + ", keystore=" + keystoreLocation + ", keystorePassword=" + mask(keystorePassword)
                + ", keyPassword=" + mask(keyPassword)
                + ", topics={events=" + eventsTopic + ", cases=" + casesTopic + ", dlq=" + deadLetterTopic
                + ", control=" + controlTopic + ", raw=" + rawTopics + "}, controlEnabled=" + controlEnabled + ", deliveryGuarantee=" + deliveryGuarantee
                + ", transactionalIdPrefix=" + transactionalIdPrefix + ", transactionTimeout=" + transactionTimeout
                + ", extraProperties=" + maskSecrets(extraProperties) + "}";
    }

    private static String mask(String secret) {
        return secret == null ? null : "******";
    }

    private static Map<String, String> maskSecrets(Map<String, String> props) {
        Map<String, String> masked = new LinkedHashMap<>();
        props.forEach((k, v) -> masked.put(k, looksSecret(k) ? mask(v) : v));
        return masked;
    }

    private static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token")
                || k.endsWith(".key");
    }

    /** Builds {@link KafkaOptions}; every option starts at its default. */
    public static final class Builder {
        private String bootstrapServers = "localhost:9092";
        private String groupId = "vigil";
        private StartingOffsets startingOffsets = StartingOffsets.COMMITTED;
        private SecurityProtocol securityProtocol = SecurityProtocol.PLAINTEXT;
        private String saslMechanism;
        private String saslJaasConfig;
        private String truststoreLocation;
        private String truststorePassword;
        private String keystoreLocation;
        private String keystorePassword;
        private String keyPassword;
        private String eventsTopic = "pum.events";
        private String casesTopic = "pum.cases";
        private String deadLetterTopic = "pum.dlq";
        private String controlTopic = "pum.control";
        private boolean controlEnabled;
        private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.AT_LEAST_ONCE;
        private String transactionalIdPrefix = "vigil";
        private Duration transactionTimeout = Duration.ofMinutes(15);
        private final Map<String, String> extraProperties = new LinkedHashMap<>();
        private final Map<String, String> rawTopics = new java.util.TreeMap<>();

        /** Reads raw records of {@code format} (a registered {@code --format} name) from {@code topic}. */
        public Builder rawTopic(String format, String topic) {
            if (!dev.vigil.connectors.normalize.Normalizers.formats().contains(format)) {
                throw new IllegalArgumentException("unknown format '" + format + "' (known: "
                        + String.join(", ", dev.vigil.connectors.normalize.Normalizers.formats()) + ")");
            }
            rawTopics.put(format, required(topic, "raw " + format + " topic"));
            return this;
        }

        private Builder() {}

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = required(bootstrapServers, "bootstrap servers");
            return this;
        }

        public Builder groupId(String groupId) {
            this.groupId = required(groupId, "group id");
            return this;
        }

        public Builder startingOffsets(StartingOffsets startingOffsets) {
            this.startingOffsets = Objects.requireNonNull(startingOffsets, "starting offsets");
            return this;
        }

        public Builder securityProtocol(SecurityProtocol securityProtocol) {
            this.securityProtocol = Objects.requireNonNull(securityProtocol, "security protocol");
            return this;
        }

        public Builder saslMechanism(String saslMechanism) {
            this.saslMechanism = saslMechanism;
            return this;
        }

        public Builder saslJaasConfig(String saslJaasConfig) {
            this.saslJaasConfig = saslJaasConfig;
            return this;
        }

        public Builder truststore(String location, String password) {
            this.truststoreLocation = location;
            this.truststorePassword = password;
            return this;
        }

        public Builder keystore(String location, String storePassword, String keyPassword) {
            this.keystoreLocation = location;
            this.keystorePassword = storePassword;
            this.keyPassword = keyPassword;
            return this;
        }

        public Builder eventsTopic(String topic) {
            this.eventsTopic = required(topic, "events topic");
            return this;
        }

        public Builder casesTopic(String topic) {
            this.casesTopic = required(topic, "cases topic");
            return this;
        }

        public Builder deadLetterTopic(String topic) {
            this.deadLetterTopic = required(topic, "dead-letter topic");
            return this;
        }

        public Builder controlTopic(String topic) {
            this.controlTopic = required(topic, "control topic");
            return this;
        }

        public Builder controlEnabled(boolean enabled) {
            this.controlEnabled = enabled;
            return this;
        }

        public Builder deliveryGuarantee(DeliveryGuarantee deliveryGuarantee) {
            this.deliveryGuarantee = Objects.requireNonNull(deliveryGuarantee, "delivery guarantee");
            return this;
        }

        public Builder transactionalIdPrefix(String prefix) {
            this.transactionalIdPrefix = required(prefix, "transactional id prefix");
            return this;
        }

        public Builder transactionTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("transaction timeout must be positive, got " + timeout);
            }
            this.transactionTimeout = timeout;
            return this;
        }

        /** Any other Kafka client property, passed as is to every client; it overrides Vigil's own settings. */
        public Builder clientProperty(String name, String value) {
            extraProperties.put(required(name, "client property name"), Objects.requireNonNull(value, name));
            return this;
        }

        public KafkaOptions build() {
            // Kafka itself refuses a key store without a password, but only when the first client starts.
            if (keystoreLocation != null && keystorePassword == null) {
                throw new IllegalArgumentException("a key store needs its password (" + KEYSTORE_PASSWORD + ")");
            }
            return new KafkaOptions(this);
        }

        private static String required(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return value.trim();
        }
    }
}
