package dev.vigil.jobs.synthetic;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The shape of the synthetic PAM/PIM traffic: who acts, on what, from when, and how much of it is an attack. One
 * profile and one seed fix the traffic completely; the demo, the benchmark and the tests differ only in these.
 *
 * <p>Event time runs from {@link #start()} at about {@link #approxEventsPerDay()} events per day (each person works
 * two episodes a day, each service runs every one to three hours around the clock). A producer that emits faster
 * than that runs ahead of the wall clock, and events more than a day ahead of it are refused as absurd; give it
 * more principals, or a rate limit, to keep event time near "now".
 */
public final class TrafficProfile implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Fewest distinct secret paths: the burst and sweep scenarios read up to 30 different ones. */
    public static final int MIN_SECRET_PATHS = 30;

    private final int humans;
    private final int services;
    private final long startMillis;
    private final double attackRate;
    private final long maxJitterMs;
    private final List<String> hosts;
    private final List<String> databases;
    private final List<String> clusters;
    private final List<String> secretPaths;
    private final String hostRole;
    private final String databaseRole;
    private final String clusterRole;
    private final String breakGlassRole;
    private final String automationRole;
    private final String secretStore;
    private final String credentialSafe;

    private TrafficProfile(Builder b) {
        this.humans = b.humans;
        this.services = b.services;
        this.startMillis = b.start.toEpochMilli();
        this.attackRate = b.attackRate;
        this.maxJitterMs = b.maxJitterMs;
        this.hosts = List.copyOf(b.hosts);
        this.databases = List.copyOf(b.databases);
        this.clusters = List.copyOf(b.clusters);
        this.secretPaths = List.copyOf(b.secretPaths);
        this.hostRole = b.hostRole;
        this.databaseRole = b.databaseRole;
        this.clusterRole = b.clusterRole;
        this.breakGlassRole = b.breakGlassRole;
        this.automationRole = b.automationRole;
        this.secretStore = b.secretStore;
        this.credentialSafe = b.credentialSafe;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The default profile: 40 people, 10 service accounts, starting 2026-01-05T08:00:00Z, 5 % attacks. */
    public static TrafficProfile defaults() {
        return builder().build();
    }

    /** A builder preset with this profile's values, to change one or two of them. */
    public Builder toBuilder() {
        return new Builder()
                .humans(humans).services(services).start(Instant.ofEpochMilli(startMillis))
                .attackRate(attackRate).maxJitterMs(maxJitterMs)
                .hosts(hosts).databases(databases).clusters(clusters).secretPaths(secretPaths)
                .hostRole(hostRole).databaseRole(databaseRole).clusterRole(clusterRole)
                .breakGlassRole(breakGlassRole).automationRole(automationRole)
                .secretStore(secretStore).credentialSafe(credentialSafe);
    }

    /** Roughly how many events a day of event time holds: about 50 per person and 85 per service account. */
    public long approxEventsPerDay() {
        return 50L * humans + 85L * services;
    }

    public int humans() {
        return humans;
    }

    public int services() {
        return services;
    }

    public Instant start() {
        return Instant.ofEpochMilli(startMillis);
    }

    public long startMillis() {
        return startMillis;
    }

    public double attackRate() {
        return attackRate;
    }

    public long maxJitterMs() {
        return maxJitterMs;
    }

    public List<String> hosts() {
        return hosts;
    }

    public List<String> databases() {
        return databases;
    }

    public List<String> clusters() {
        return clusters;
    }

    public List<String> secretPaths() {
        return secretPaths;
    }

    public String hostRole() {
        return hostRole;
    }

    public String databaseRole() {
        return databaseRole;
    }

    public String clusterRole() {
        return clusterRole;
    }

    public String breakGlassRole() {
        return breakGlassRole;
    }

    public String automationRole() {
        return automationRole;
    }

    public String secretStore() {
        return secretStore;
    }

    public String credentialSafe() {
        return credentialSafe;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrafficProfile p && humans == p.humans && services == p.services
                && startMillis == p.startMillis && attackRate == p.attackRate && maxJitterMs == p.maxJitterMs
                && hosts.equals(p.hosts) && databases.equals(p.databases) && clusters.equals(p.clusters)
                && secretPaths.equals(p.secretPaths) && hostRole.equals(p.hostRole)
                && databaseRole.equals(p.databaseRole) && clusterRole.equals(p.clusterRole)
                && breakGlassRole.equals(p.breakGlassRole) && automationRole.equals(p.automationRole)
                && secretStore.equals(p.secretStore) && credentialSafe.equals(p.credentialSafe);
    }

    @Override
    public int hashCode() {
        return Objects.hash(humans, services, startMillis, attackRate, maxJitterMs, hosts, databases, clusters,
                secretPaths, hostRole, databaseRole, clusterRole, breakGlassRole, automationRole, secretStore,
                credentialSafe);
    }

    @Override
    public String toString() {
        return "TrafficProfile{humans=" + humans + ", services=" + services + ", start=" + start()
                + ", attackRate=" + attackRate + ", maxJitterMs=" + maxJitterMs + ", hosts=" + hosts.size()
                + ", databases=" + databases.size() + ", clusters=" + clusters.size()
                + ", secretPaths=" + secretPaths.size() + "}";
    }

    /** Builds a {@link TrafficProfile}; every setting has the default named on its setter. */
    public static final class Builder {
        private int humans = 40;
        private int services = 10;
        private Instant start = Instant.parse("2026-01-05T08:00:00Z");
        private double attackRate = 0.05;
        private long maxJitterMs = 2000;
        private List<String> hosts = List.of(
                "bastion-eu-1", "bastion-us-1",
                "app-prod-01", "app-prod-02", "app-prod-03", "app-prod-04", "app-prod-05", "app-prod-06",
                "web-prod-01", "web-prod-02", "web-prod-03", "web-prod-04",
                "batch-prod-01", "batch-prod-02", "log-prod-01", "ci-runner-01", "ci-runner-02");
        private List<String> databases = List.of(
                "db-prod-01", "db-prod-02", "db-prod-03", "db-stage-01", "ledger-db-prod", "analytics-db-prod");
        private List<String> clusters = List.of("k8s-prod", "k8s-stage", "k8s-eu-1");
        private List<String> secretPaths = defaultSecretPaths();
        private String hostRole = "linux-admin";
        private String databaseRole = "db-admin";
        private String clusterRole = "k8s-admin";
        private String breakGlassRole = "emergency-admin";
        private String automationRole = "automation";
        private String secretStore = "vault-prod";
        private String credentialSafe = "pam-safe-prod";

        private Builder() {}

        /** Human principals across all partitions (default 40); at least 2, so someone else can approve. */
        public Builder humans(int humans) {
            this.humans = humans;
            return this;
        }

        /** Service principals across all partitions (default 10). */
        public Builder services(int services) {
            this.services = services;
            return this;
        }

        /** Earliest event time (default 2026-01-05T08:00:00Z); nothing happens before it. */
        public Builder start(Instant start) {
            this.start = Objects.requireNonNull(start, "start");
            return this;
        }

        /** Share of episodes that are attack scenarios, 0..1 (default 0.05). */
        public Builder attackRate(double attackRate) {
            this.attackRate = attackRate;
            return this;
        }

        /** Most that emission order may lag behind event-time order, in ms (default 2000; 0 = sorted). */
        public Builder maxJitterMs(long maxJitterMs) {
            this.maxJitterMs = maxJitterMs;
            return this;
        }

        /**
         * Hosts reached over ssh (default bastion-eu-1, app-prod-01..06, web-prod-01..04, ...). Names ending in
         * {@code -NN} form a group that grants may cover with one glob ({@code app-prod-*}).
         */
        public Builder hosts(List<String> hosts) {
            this.hosts = List.copyOf(hosts);
            return this;
        }

        /** Databases reached with a SQL client (default db-prod-01..03, db-stage-01, ledger-db-prod, ...). */
        public Builder databases(List<String> databases) {
            this.databases = List.copyOf(databases);
            return this;
        }

        /** Kubernetes clusters reached with kubectl (default k8s-prod, k8s-stage, k8s-eu-1). */
        public Builder clusters(List<String> clusters) {
            this.clusters = List.copyOf(clusters);
            return this;
        }

        /** Vault paths (default 48 paths such as kv/prod/payments/db-password); at least 30 distinct. */
        public Builder secretPaths(List<String> secretPaths) {
            this.secretPaths = List.copyOf(secretPaths);
            return this;
        }

        /** Role that grants on hosts name (default linux-admin). */
        public Builder hostRole(String role) {
            this.hostRole = Objects.requireNonNull(role);
            return this;
        }

        /** Role that grants on databases name (default db-admin). */
        public Builder databaseRole(String role) {
            this.databaseRole = Objects.requireNonNull(role);
            return this;
        }

        /** Role that grants on clusters name (default k8s-admin). */
        public Builder clusterRole(String role) {
            this.clusterRole = Objects.requireNonNull(role);
            return this;
        }

        /** Role of emergency (break-glass) access (default emergency-admin). */
        public Builder breakGlassRole(String role) {
            this.breakGlassRole = Objects.requireNonNull(role);
            return this;
        }

        /** Role of the standing grants under which service accounts run their jobs (default automation). */
        public Builder automationRole(String role) {
            this.automationRole = Objects.requireNonNull(role);
            return this;
        }

        /** Vault that secret reads name as their store (default vault-prod). */
        public Builder secretStore(String store) {
            this.secretStore = Objects.requireNonNull(store);
            return this;
        }

        /** PAM safe that credential checkouts name as their store (default pam-safe-prod). */
        public Builder credentialSafe(String safe) {
            this.credentialSafe = Objects.requireNonNull(safe);
            return this;
        }

        public TrafficProfile build() {
            require(humans >= 2, "humans must be at least 2 (an approver is a different person), got " + humans);
            require(services >= 0, "services must not be negative, got " + services);
            require(attackRate >= 0 && attackRate <= 1, "attackRate must lie in [0, 1], got " + attackRate);
            require(maxJitterMs >= 0, "maxJitterMs must not be negative, got " + maxJitterMs);
            requireNames("hosts", hosts, 2);
            requireNames("databases", databases, 1);
            requireNames("clusters", clusters, 1);
            requireNames("secretPaths", secretPaths, MIN_SECRET_PATHS);
            return new TrafficProfile(this);
        }

        private static void requireNames(String what, List<String> names, int min) {
            for (String n : names) {
                require(n != null && !n.isBlank(), what + " contains a blank name");
            }
            int distinct = new LinkedHashSet<>(names).size();
            require(distinct == names.size(), what + " contains duplicates");
            require(distinct >= min, what + " needs at least " + min + " distinct names, got " + distinct);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }

        private static List<String> defaultSecretPaths() {
            List<String> paths = new ArrayList<>();
            for (String app : List.of("payments", "orders", "billing", "identity", "search", "inventory", "shipping",
                    "ledger")) {
                for (String kind : List.of("db-password", "api-key", "tls-key", "signing-key", "oauth-client-secret",
                        "replication-password")) {
                    paths.add("kv/prod/" + app + "/" + kind);
                }
            }
            return List.copyOf(paths);
        }
    }
}
