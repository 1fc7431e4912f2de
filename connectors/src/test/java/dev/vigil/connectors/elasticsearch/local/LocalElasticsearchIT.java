package dev.vigil.connectors.elasticsearch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Starts and stops real Elasticsearch servers; as root, they must run as the unprivileged user. */
class LocalElasticsearchIT {

    private final HttpClient http = HttpClient.newHttpClient();

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    @Test
    void startsOnTheGivenPortAndStopsCompletely() throws Exception {
        int port = freePort();
        Path workDir;
        long serverPid;
        try (LocalElasticsearch es = LocalElasticsearch.start(port)) {
            assertThat(es.url()).isEqualTo("http://127.0.0.1:" + port);
            assertThat(get(es.url() + "/_cluster/health")).containsPattern("\"status\":\"(green|yellow)\"");
            assertThat(get(es.url() + "/_nodes/_local/settings")).contains("\"enabled\":\"false\"");

            serverPid = serverPid(get(es.url() + "/_nodes/_local/process"));
            if (isRoot()) {
                assertThat(uidOf(serverPid)).as("Elasticsearch runs as " + LocalElasticsearch.RUN_AS_USER)
                        .isEqualTo(uidOfUser(LocalElasticsearch.RUN_AS_USER))
                        .isNotEqualTo(0);
            }
            workDir = es.workDir();
            assertThat(workDir.resolve("data")).isDirectory();
            assertThat(workDir.resolve("config/elasticsearch.yml")).content().contains("http.port: " + port);
        }
        assertThat(ProcessHandle.of(serverPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.exists(workDir)).as("work directory removed").isFalse();
        assertThat(isListening(port)).isFalse();
    }

    @Test
    void failsWithTheServerLogWhenItCannotBind() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> LocalElasticsearch.start(port))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("Elasticsearch exited")
                    .hasMessageContaining("first error")
                    .hasMessageContaining("log tail")
                    .hasMessageContaining(String.valueOf(port))
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void missingDistributionIsReportedWithAHint() throws Exception {
        Path empty = Files.createTempDirectory("no-es-");
        try {
            assertThatThrownBy(() -> LocalElasticsearch.builder().home(empty).start())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(empty.toString());
            String saved = System.getProperty(LocalElasticsearch.HOME_PROPERTY);
            System.setProperty(LocalElasticsearch.HOME_PROPERTY, empty.toString());
            try {
                assertThatThrownBy(LocalElasticsearch::locateHome)
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining(LocalElasticsearch.HOME_PROPERTY)
                        .hasMessageContaining("mvn generate-resources -N");
            } finally {
                if (saved == null) {
                    System.clearProperty(LocalElasticsearch.HOME_PROPERTY);
                } else {
                    System.setProperty(LocalElasticsearch.HOME_PROPERTY, saved);
                }
            }
        } finally {
            Files.delete(empty);
        }
    }

    private static long serverPid(String nodesProcess) {
        Matcher m = Pattern.compile("\"id\":(\\d+)").matcher(nodesProcess);
        assertThat(m.find()).as("process id in " + nodesProcess).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static boolean isRoot() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() == 0;
    }

    private static long uidOf(long pid) throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/" + pid), "unix:uid")).longValue();
    }

    private static long uidOfUser(String user) throws Exception {
        Process p = new ProcessBuilder("id", "-u", user).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).isZero();
        return Long.parseLong(out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static boolean isListening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
