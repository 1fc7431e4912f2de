package dev.vigil.connectors.elasticsearch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Elasticsearch server on 127.0.0.1, started from the distribution the build unpacks, for the
 * demo and the tests. Security is off (it only listens on loopback), disk watermarks are off (a nearly full disk
 * must not turn indices read-only), and all its files live in a per-run work directory that {@link #close()}
 * removes. Elasticsearch refuses to run as root, so under root it runs as the system user {@value #RUN_AS_USER}.
 *
 * <pre>{@code
 * try (LocalElasticsearch es = LocalElasticsearch.start()) {
 *     ElasticsearchOptions options = ElasticsearchOptions.builder().hosts(es.url()).build();
 * }
 * }</pre>
 */
public final class LocalElasticsearch implements AutoCloseable {

    /** Version of the distribution the build unpacks into {@code target/}. */
    public static final String VERSION = "8.19.21";
    /** System property naming the Elasticsearch home; then env {@value #HOME_ENV}; then a search upward. */
    public static final String HOME_PROPERTY = "vigil.es.home";
    public static final String HOME_ENV = "VIGIL_ES_HOME";
    /** The unprivileged user the server runs as when the JVM runs as root. */
    public static final String RUN_AS_USER = "vigil-es";

    private static final String DISTRIBUTION_DIR = "target/elasticsearch-" + VERSION;
    private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(90);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 3;

    private final Process process;
    private final Path workDir;
    private final Path consoleLog;
    private final int port;
    private boolean closed;

    private LocalElasticsearch(Process process, Path workDir, Path consoleLog, int port) {
        this.process = process;
        this.workDir = workDir;
        this.consoleLog = consoleLog;
        this.port = port;
    }

    /** Starts a server on a free port and waits until it is ready. */
    public static LocalElasticsearch start() throws IOException {
        return builder().start();
    }

    /** Starts a server on the given HTTP port and waits until it is ready. */
    public static LocalElasticsearch start(int port) throws IOException {
        return builder().port(port).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The per-run directory holding config, data, logs and temp files; removed by {@link #close()}. */
    public Path workDir() {
        return workDir;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Finds the Elasticsearch home: system property {@value #HOME_PROPERTY}, else env {@value #HOME_ENV}, else the
     * first {@code target/elasticsearch-VERSION} found walking up from the working directory.
     *
     * @throws IOException with a one-line hint when none of them leads to a distribution
     */
    public static Path locateHome() throws IOException {
        String configured = System.getProperty(HOME_PROPERTY);
        String origin = "system property " + HOME_PROPERTY;
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(HOME_ENV);
            origin = "environment variable " + HOME_ENV;
        }
        if (configured != null && !configured.isBlank()) {
            Path home = Path.of(configured).toAbsolutePath().normalize();
            if (!isDistribution(home)) {
                throw new IOException(origin + " points to " + home + ", which holds no Elasticsearch (bin/elasticsearch"
                        + " missing); run 'mvn generate-resources -N' at the repository root to unpack it");
            }
            return home;
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(DISTRIBUTION_DIR);
            if (isDistribution(candidate)) {
                return candidate;
            }
        }
        throw new IOException("Elasticsearch " + VERSION + " not found: set -D" + HOME_PROPERTY + " or " + HOME_ENV
                + ", or run 'mvn generate-resources -N' at the repository root to unpack it into " + DISTRIBUTION_DIR
                + " (searched upward from " + start + ")");
    }

    private static boolean isDistribution(Path home) {
        return Files.isRegularFile(home.resolve("bin/elasticsearch")) && Files.isDirectory(home.resolve("config"));
    }

    /** Stops the server and its child processes, waits for them to exit, and removes the work directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop(process);
        deleteTree(workDir);
    }

    // The launcher script starts a CLI JVM which starts the server JVM (and runuser sits above both when root):
    // ask the descendants to stop first so the server shuts down cleanly, then the top process.
    private static void stop(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        for (ProcessHandle p : descendants) {
            awaitExit(p, deadline);
        }
        process.destroy();
        awaitExit(process.toHandle(), deadline);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(SHUTDOWN_GRACE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitExit(ProcessHandle p, long deadlineNanos) {
        long remaining = deadlineNanos - System.nanoTime();
        try {
            p.onExit().get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            p.destroyForcibly();
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A leftover temp directory is not worth failing a shutdown for; say where it is.
            System.err.println("could not remove Elasticsearch work directory " + root + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "LocalElasticsearch[" + url() + ", " + workDir + "]";
    }

    /** Where and how to start the server; every setting has a default. */
    public static final class Builder {
        private Path home;
        private int port;
        private Path workParent;

        private Builder() {
        }

        /** The Elasticsearch home; default {@link #locateHome()}. */
        public Builder home(Path home) {
            this.home = home;
            return this;
        }

        /** HTTP port; default 0, a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Directory under which the per-run work directory is created; default {@code java.io.tmpdir}. */
        public Builder workParent(Path workParent) {
            this.workParent = workParent;
            return this;
        }

        /**
         * Starts the server and waits (up to 90 s) until the cluster is at least yellow.
         *
         * @throws IOException with a one-line reason (and the tail of the server log) when it does not come up
         */
        public LocalElasticsearch start() throws IOException {
            Path esHome = home != null ? home.toAbsolutePath().normalize() : locateHome();
            if (!isDistribution(esHome)) {
                throw new IOException("no Elasticsearch distribution at " + esHome);
            }
            boolean root = isRoot();
            if (root) {
                RunAsUser.ensureExists(RUN_AS_USER);
                esHome = RunAsUser.readableHome(RUN_AS_USER, esHome);
            }
            Path parent = workParent != null ? workParent : Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(parent);
            Path work = Files.createTempDirectory(parent, "vigil-es-");
            int httpPort = port > 0 ? port : freePort();
            int transportPort = freePort();
            Path config = work.resolve("config");
            copyTree(esHome.resolve("config"), config);
            Files.createDirectories(work.resolve("data"));
            Files.createDirectories(work.resolve("logs"));
            Files.createDirectories(work.resolve("tmp"));
            Files.writeString(config.resolve("elasticsearch.yml"), settings(work, httpPort, transportPort));
            if (root) {
                RunAsUser.chown(work, RUN_AS_USER);
            }

            List<String> command = new ArrayList<>();
            if (root) {
                command.addAll(List.of("runuser", "-u", RUN_AS_USER, "--"));
            }
            command.add(esHome.resolve("bin/elasticsearch").toString());
            ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
            Map<String, String> env = pb.environment();
            env.put("ES_JAVA_HOME", System.getProperty("java.home"));
            env.put("ES_TMPDIR", work.resolve("tmp").toString());
            env.put("ES_PATH_CONF", config.toString());
            env.put("ES_JAVA_OPTS", "-Xms512m -Xmx512m");
            // Elasticsearch only honours ES_JAVA_HOME and warns about a JAVA_HOME it ignores.
            env.remove("JAVA_HOME");
            Path console = work.resolve("console.log");
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()));
            Process process = pb.start();
            LocalElasticsearch server = new LocalElasticsearch(process, work, console, httpPort);
            try {
                server.awaitReady();
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        }

        private static String settings(Path work, int httpPort, int transportPort) {
            return String.join("\n",
                    "cluster.name: vigil-local",
                    "node.name: vigil-local",
                    "discovery.type: single-node",
                    "network.host: 127.0.0.1",
                    "http.port: " + httpPort,
                    "transport.port: " + transportPort,
                    "path.data: " + quoted(work.resolve("data")),
                    "path.logs: " + quoted(work.resolve("logs")),
                    // Loopback only, for the demo and tests; a real cluster runs with security on.
                    "xpack.security.enabled: false",
                    // The disk may be nearly full; a watermark would make every index read-only mid-test.
                    "cluster.routing.allocation.disk.threshold_enabled: false",
                    // Tests delete their indices by pattern.
                    "action.destructive_requires_name: false",
                    "");
        }

        private static String quoted(Path p) {
            return "\"" + p.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    private void awaitReady() throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(
                        URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=1s"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        long deadline = System.nanoTime() + STARTUP_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Elasticsearch exited with code " + process.exitValue() + " while starting; "
                        + logTail());
            }
            try {
                HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
                // 200 with green/yellow; 408 means the wait for yellow timed out: keep polling.
                if (response.statusCode() == 200 && !response.body().contains("\"status\":\"red\"")) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Elasticsearch at " + url());
            }
            try {
                process.waitFor(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Elasticsearch at " + url());
            }
        }
        throw new IOException("Elasticsearch at " + url() + " was not ready (cluster health yellow) within "
                + STARTUP_DEADLINE.toSeconds() + " s; " + logTail());
    }

    /**
     * The first error the server logged (the cause, e.g. a port already bound) and its last lines, joined into one
     * line for an error message: the work directory with the full log is removed when the start fails.
     */
    private String logTail() {
        List<String> lines;
        try {
            lines = Files.readAllLines(consoleLog, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("at ") && !l.startsWith("..."))
                    .toList();
        } catch (IOException e) {
            return "its console log could not be read: " + e.getMessage();
        }
        if (lines.isEmpty()) {
            return "it logged nothing";
        }
        StringBuilder out = new StringBuilder();
        lines.stream()
                .filter(l -> l.contains("][ERROR") || l.contains("][FATAL") || l.contains("Exception"))
                .findFirst()
                .ifPresent(first -> out.append("first error: ").append(clip(first, 600)).append("; "));
        List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
        out.append("log tail: ").append(clip(String.join(" | ", tail), 1200));
        return out.toString();
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }

    private static boolean isRoot() {
        long uid = RunAsUser.currentUid();
        return uid == 0 || (uid < 0 && "root".equals(System.getProperty("user.name")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Operations for running the server as an unprivileged user when the JVM is root. */
    static final class RunAsUser {

        private RunAsUser() {
        }

        static long currentUid() {
            try {
                Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
                return ((Number) uid).longValue();
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return -1;
            }
        }

        /** Creates the system user unless it exists; tolerates another process creating it at the same moment. */
        static void ensureExists(String user) throws IOException {
            if (exists(user)) {
                return;
            }
            ExecResult created = exec("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
            if (created.exitCode != 0 && !exists(user)) {
                throw new IOException("could not create system user '" + user + "' to run Elasticsearch (which refuses"
                        + " to run as root): useradd exited " + created.exitCode + ": " + created.output.strip());
            }
        }

        private static boolean exists(String user) throws IOException {
            return exec("id", "-u", user).exitCode == 0;
        }

        /**
         * The distribution as the user can read it. If it cannot, the distribution itself is opened to others (it
         * is a build artifact); if a parent directory still blocks the way (a checkout under a private directory),
         * a copy is made once under {@code java.io.tmpdir} and used instead. Parent directories are never changed.
         */
        static Path readableHome(String user, Path home) throws IOException {
            if (canRead(user, home)) {
                return home;
            }
            exec("chmod", "-R", "o+rX", home.toString());
            if (canRead(user, home)) {
                return home;
            }
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            Path copy = tmp.resolve("vigil-elasticsearch-" + VERSION);
            if (!Files.exists(copy.resolve(".complete"))) {
                Path staging = Files.createTempDirectory(tmp, "vigil-elasticsearch-copy-");
                ExecResult copied = exec("cp", "-a", home + "/.", staging.toString());
                if (copied.exitCode != 0) {
                    throw new IOException("cannot copy the Elasticsearch distribution for user '" + user + "': "
                            + copied.output.strip());
                }
                Files.createFile(staging.resolve(".complete"));
                exec("chmod", "-R", "o+rX", staging.toString());
                exec("chmod", "o+rx", staging.toString());
                try {
                    Files.move(staging, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    // Another run made the copy first; use that one.
                    exec("rm", "-rf", staging.toString());
                }
            }
            if (!canRead(user, copy)) {
                throw new IOException("user '" + user + "' cannot read the Elasticsearch distribution at " + home
                        + " nor a copy at " + copy + ": set -D" + HOME_PROPERTY + " to a copy it can read");
            }
            return copy;
        }

        private static boolean canRead(String user, Path home) throws IOException {
            return exec("runuser", "-u", user, "--", "test",
                    "-x", home.resolve("bin/elasticsearch").toString(), "-a",
                    "-r", home.resolve("lib/elasticsearch-" + VERSION + ".jar").toString(), "-a",
                    "-r", home.resolve("modules").toString()).exitCode == 0;
        }

        /** Hands the work directory over to the user; the server writes its data, logs and keystore there. */
        static void chown(Path root, String user) throws IOException {
            UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal owner = lookup.lookupPrincipalByName(user);
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(user);
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : (Iterable<Path>) paths::iterator) {
                    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                    view.setOwner(owner);
                    view.setGroup(group);
                }
            }
        }

        private static ExecResult exec(String... command) throws IOException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(String.join(" ", command) + " did not finish within 60 s");
                }
                return new ExecResult(p.exitValue(), output);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + String.join(" ", command));
            }
        }

        private record ExecResult(int exitCode, String output) {
        }
    }
}
