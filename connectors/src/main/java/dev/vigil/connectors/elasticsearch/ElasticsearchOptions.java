package dev.vigil.connectors.elasticsearch;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How Vigil connects and writes to Elasticsearch: the one place where every option is named, defaulted and described.
 * Instances are immutable and serializable, so a Flink sink carries them to its writers.
 *
 * <table>
 *   <caption>Options (property key for {@link #fromProperties}, default, meaning)</caption>
 *   <tr><th>option</th><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@link #hosts()}</td><td>{@code elasticsearch.hosts}</td><td>{@code http://127.0.0.1:9200}</td>
 *       <td>Comma-separated node URLs ({@code http} or {@code https}); the client spreads requests over them.</td></tr>
 *   <tr><td>{@link #username()}, {@link #password()}</td><td>{@code elasticsearch.username},
 *       {@code elasticsearch.password}</td><td>none</td><td>Basic authentication (e.g. a file-realm user).</td></tr>
 *   <tr><td>{@link #apiKey()}</td><td>{@code elasticsearch.api-key}</td><td>none</td>
 *       <td>Encoded API key (the base64 {@code id:key} Elasticsearch returns as {@code encoded}); sent as
 *       {@code Authorization: ApiKey ...}. Give the job a key limited to the {@code pum-*} indices.
 *       Mutually exclusive with username/password.</td></tr>
 *   <tr><td>{@link #caCertificatePath()}</td><td>{@code elasticsearch.ca-certificate}</td><td>none (JVM trust store)</td>
 *       <td>PEM file of the CA that signed the cluster's HTTP certificate, for {@code https} hosts.</td></tr>
 *   <tr><td>{@link #bulkMaxActions()}</td><td>{@code elasticsearch.bulk.max-actions}</td><td>1000</td>
 *       <td>A bulk request is sent once this many distinct documents are buffered.</td></tr>
 *   <tr><td>{@link #bulkMaxBytes()}</td><td>{@code elasticsearch.bulk.max-bytes}</td><td>5 MiB</td>
 *       <td>A bulk request is sent once the buffered documents reach this many bytes of JSON.</td></tr>
 *   <tr><td>{@link #flushIntervalMs()}</td><td>{@code elasticsearch.bulk.flush-interval-ms}</td><td>1000</td>
 *       <td>Buffered documents are sent at the latest this long after the first of them arrived; 0 disables
 *       the timer (documents then leave on size or on checkpoint only).</td></tr>
 *   <tr><td>{@link #maxRetries()}</td><td>{@code elasticsearch.bulk.max-retries}</td><td>5</td>
 *       <td>Retries of a bulk request (or of its failed items) after connection errors, 429 and 5xx, before the
 *       writer gives up and fails the job.</td></tr>
 *   <tr><td>{@link #initialBackoffMs()}</td><td>{@code elasticsearch.bulk.initial-backoff-ms}</td><td>200</td>
 *       <td>Wait before the first retry; doubled for each further retry.</td></tr>
 *   <tr><td>{@link #indexPrefix()}</td><td>{@code elasticsearch.index-prefix}</td><td>{@code pum-}</td>
 *       <td>Prefix of every Vigil index ({@code pum-cases}, {@code pum-evidence}, {@code pum-findings}).</td></tr>
 * </table>
 */
public final class ElasticsearchOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Property keys understood by {@link #fromProperties}. */
    public static final String HOSTS = "elasticsearch.hosts";
    public static final String USERNAME = "elasticsearch.username";
    public static final String PASSWORD = "elasticsearch.password";
    public static final String API_KEY = "elasticsearch.api-key";
    public static final String CA_CERTIFICATE = "elasticsearch.ca-certificate";
    public static final String BULK_MAX_ACTIONS = "elasticsearch.bulk.max-actions";
    public static final String BULK_MAX_BYTES = "elasticsearch.bulk.max-bytes";
    public static final String FLUSH_INTERVAL_MS = "elasticsearch.bulk.flush-interval-ms";
    public static final String MAX_RETRIES = "elasticsearch.bulk.max-retries";
    public static final String INITIAL_BACKOFF_MS = "elasticsearch.bulk.initial-backoff-ms";
    public static final String INDEX_PREFIX = "elasticsearch.index-prefix";

    public static final List<String> DEFAULT_HOSTS = List.of("http://127.0.0.1:9200");
    public static final int DEFAULT_BULK_MAX_ACTIONS = 1000;
    public static final long DEFAULT_BULK_MAX_BYTES = 5L * 1024 * 1024;
    public static final long DEFAULT_FLUSH_INTERVAL_MS = 1000;
    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final long DEFAULT_INITIAL_BACKOFF_MS = 200;
    public static final String DEFAULT_INDEX_PREFIX = "pum-";

    private final List<String> hosts;
    private final String username;
    private final String password;
    private final String apiKey;
    private final String caCertificatePath;
    private final int bulkMaxActions;
    private final long bulkMaxBytes;
    private final long flushIntervalMs;
    private final int maxRetries;
    private final long initialBackoffMs;
    private final String indexPrefix;

    private ElasticsearchOptions(Builder b) {
        this.hosts = List.copyOf(b.hosts);
        this.username = b.username;
        this.password = b.password;
        this.apiKey = b.apiKey;
        this.caCertificatePath = b.caCertificatePath;
        this.bulkMaxActions = b.bulkMaxActions;
        this.bulkMaxBytes = b.bulkMaxBytes;
        this.flushIntervalMs = b.flushIntervalMs;
        this.maxRetries = b.maxRetries;
        this.initialBackoffMs = b.initialBackoffMs;
        this.indexPrefix = b.indexPrefix;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options with every default: a local unsecured node on port 9200. */
    public static ElasticsearchOptions defaults() {
        return builder().build();
    }

    /**
     * Reads the options from configuration properties (keys are the constants of this class); absent keys keep
     * their defaults, unknown {@code elasticsearch.*} keys are rejected so a typo does not pass silently.
     *
     * @throws IllegalArgumentException with a one-line reason naming the key, on an unknown key or a bad value
     */
    public static ElasticsearchOptions fromProperties(Map<String, String> properties) {
        Builder b = builder();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith("elasticsearch.")) {
                continue;
            }
            String value = e.getValue() == null ? "" : e.getValue().trim();
            switch (key) {
                case HOSTS -> b.hosts(splitHosts(value));
                case USERNAME -> b.username(emptyToNull(value));
                case PASSWORD -> b.password(emptyToNull(value));
                case API_KEY -> b.apiKey(emptyToNull(value));
                case CA_CERTIFICATE -> b.caCertificatePath(emptyToNull(value));
                case BULK_MAX_ACTIONS -> b.bulkMaxActions((int) parseLong(key, value));
                case BULK_MAX_BYTES -> b.bulkMaxBytes(parseLong(key, value));
                case FLUSH_INTERVAL_MS -> b.flushIntervalMs(parseLong(key, value));
                case MAX_RETRIES -> b.maxRetries((int) parseLong(key, value));
                case INITIAL_BACKOFF_MS -> b.initialBackoffMs(parseLong(key, value));
                case INDEX_PREFIX -> b.indexPrefix(value);
                default -> throw new IllegalArgumentException("unknown Elasticsearch option '" + key + "'");
            }
        }
        return b.build();
    }

    /** These options as properties, the inverse of {@link #fromProperties} (the password included). */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(HOSTS, String.join(",", hosts));
        if (username != null) {
            p.put(USERNAME, username);
            p.put(PASSWORD, password);
        }
        if (apiKey != null) {
            p.put(API_KEY, apiKey);
        }
        if (caCertificatePath != null) {
            p.put(CA_CERTIFICATE, caCertificatePath);
        }
        p.put(BULK_MAX_ACTIONS, Integer.toString(bulkMaxActions));
        p.put(BULK_MAX_BYTES, Long.toString(bulkMaxBytes));
        p.put(FLUSH_INTERVAL_MS, Long.toString(flushIntervalMs));
        p.put(MAX_RETRIES, Integer.toString(maxRetries));
        p.put(INITIAL_BACKOFF_MS, Long.toString(initialBackoffMs));
        p.put(INDEX_PREFIX, indexPrefix);
        return p;
    }

    public Builder toBuilder() {
        return new Builder()
                .hosts(hosts)
                .username(username)
                .password(password)
                .apiKey(apiKey)
                .caCertificatePath(caCertificatePath)
                .bulkMaxActions(bulkMaxActions)
                .bulkMaxBytes(bulkMaxBytes)
                .flushIntervalMs(flushIntervalMs)
                .maxRetries(maxRetries)
                .initialBackoffMs(initialBackoffMs)
                .indexPrefix(indexPrefix);
    }

    /** Node URLs, e.g. {@code https://es1:9200}. Default {@code http://127.0.0.1:9200}. */
    public List<String> hosts() {
        return hosts;
    }

    /** Basic-auth user name, or null. Default none. */
    public String username() {
        return username;
    }

    /** Basic-auth password, or null. Default none. */
    public String password() {
        return password;
    }

    /** Encoded API key sent as {@code Authorization: ApiKey <key>}, or null. Default none. */
    public String apiKey() {
        return apiKey;
    }

    /** Path of the PEM CA certificate trusted for TLS, or null to use the JVM's trust store. Default none. */
    public String caCertificatePath() {
        return caCertificatePath;
    }

    /** Distinct buffered documents that trigger a bulk request. Default 1000. */
    public int bulkMaxActions() {
        return bulkMaxActions;
    }

    /** Buffered JSON bytes that trigger a bulk request. Default 5 MiB. */
    public long bulkMaxBytes() {
        return bulkMaxBytes;
    }

    /** Longest time a document waits in the buffer, in ms; 0 disables the timer. Default 1000. */
    public long flushIntervalMs() {
        return flushIntervalMs;
    }

    /** Retries after retryable failures before the write fails. Default 5. */
    public int maxRetries() {
        return maxRetries;
    }

    /** Wait before the first retry in ms, doubled for each further retry. Default 200. */
    public long initialBackoffMs() {
        return initialBackoffMs;
    }

    /** Prefix of Vigil's indices. Default {@code pum-}. */
    public String indexPrefix() {
        return indexPrefix;
    }

    /** The full name of one of Vigil's indices: {@code index("cases")} is {@code pum-cases} by default. */
    public String index(String name) {
        return indexPrefix + name;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ElasticsearchOptions other)) {
            return false;
        }
        return toProperties().equals(other.toProperties());
    }

    @Override
    public int hashCode() {
        return toProperties().hashCode();
    }

    /** Describes the options with the secrets masked, so they can be logged. */
    @Override
    public String toString() {
        Map<String, String> p = toProperties();
        p.computeIfPresent(PASSWORD, (k, v) -> "***");
        p.computeIfPresent(API_KEY, (k, v) -> "***");
        return "ElasticsearchOptions" + p;
    }

    private static List<String> splitHosts(String value) {
        List<String> out = new ArrayList<>();
        for (String h : value.split(",")) {
            if (!h.isBlank()) {
                out.add(h.trim());
            }
        }
        return out;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Elasticsearch option '" + key + "' must be a whole number, got '" + value + "'");
        }
    }

    /** Collects options; {@link #build()} checks them together. */
    public static final class Builder {
        private List<String> hosts = DEFAULT_HOSTS;
        private String username;
        private String password;
        private String apiKey;
        private String caCertificatePath;
        private int bulkMaxActions = DEFAULT_BULK_MAX_ACTIONS;
        private long bulkMaxBytes = DEFAULT_BULK_MAX_BYTES;
        private long flushIntervalMs = DEFAULT_FLUSH_INTERVAL_MS;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private long initialBackoffMs = DEFAULT_INITIAL_BACKOFF_MS;
        private String indexPrefix = DEFAULT_INDEX_PREFIX;

        private Builder() {
        }

        public Builder hosts(List<String> hosts) {
            this.hosts = List.copyOf(Objects.requireNonNull(hosts, "hosts"));
            return this;
        }

        public Builder hosts(String... hosts) {
            return hosts(List.of(hosts));
        }

        public Builder username(String username) {
            this.username = username;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public Builder caCertificatePath(String caCertificatePath) {
            this.caCertificatePath = caCertificatePath;
            return this;
        }

        public Builder bulkMaxActions(int bulkMaxActions) {
            this.bulkMaxActions = bulkMaxActions;
            return this;
        }

        public Builder bulkMaxBytes(long bulkMaxBytes) {
            this.bulkMaxBytes = bulkMaxBytes;
            return this;
        }

        public Builder flushIntervalMs(long flushIntervalMs) {
            this.flushIntervalMs = flushIntervalMs;
            return this;
        }

        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        public Builder initialBackoffMs(long initialBackoffMs) {
            this.initialBackoffMs = initialBackoffMs;
            return this;
        }

        public Builder indexPrefix(String indexPrefix) {
            this.indexPrefix = indexPrefix;
            return this;
        }

        /** @throws IllegalArgumentException with a one-line reason when the options do not fit together */
        public ElasticsearchOptions build() {
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException("Elasticsearch option '" + HOSTS + "' needs at least one URL");
            }
            for (String host : hosts) {
                checkHost(host);
            }
            if ((username == null) != (password == null)) {
                throw new IllegalArgumentException("Elasticsearch options '" + USERNAME + "' and '" + PASSWORD
                        + "' must be set together");
            }
            if (username != null && apiKey != null) {
                throw new IllegalArgumentException("set either Elasticsearch username/password or an API key, not both");
            }
            positive(BULK_MAX_ACTIONS, bulkMaxActions);
            positive(BULK_MAX_BYTES, bulkMaxBytes);
            notNegative(FLUSH_INTERVAL_MS, flushIntervalMs);
            notNegative(MAX_RETRIES, maxRetries);
            notNegative(INITIAL_BACKOFF_MS, initialBackoffMs);
            if (indexPrefix == null || !indexPrefix.equals(indexPrefix.toLowerCase(java.util.Locale.ROOT))
                    || indexPrefix.startsWith("_") || indexPrefix.startsWith("-") || indexPrefix.contains("*")) {
                throw new IllegalArgumentException("Elasticsearch option '" + INDEX_PREFIX
                        + "' must be lower case and must not start with '_' or '-' or contain '*', got '" + indexPrefix + "'");
            }
            return new ElasticsearchOptions(this);
        }

        private static void checkHost(String host) {
            try {
                URI uri = new URI(host);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new IllegalArgumentException("Elasticsearch host '" + host
                            + "' must be an http:// or https:// URL with a host name");
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("Elasticsearch host '" + host + "' is not a URL: " + e.getMessage());
            }
        }

        private static void positive(String key, long value) {
            if (value <= 0) {
                throw new IllegalArgumentException("Elasticsearch option '" + key + "' must be positive, got " + value);
            }
        }

        private static void notNegative(String key, long value) {
            if (value < 0) {
                throw new IllegalArgumentException("Elasticsearch option '" + key + "' must not be negative, got " + value);
            }
        }
    }
}
