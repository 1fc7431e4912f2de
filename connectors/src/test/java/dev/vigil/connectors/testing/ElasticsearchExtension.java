package dev.vigil.connectors.testing;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.vigil.connectors.elasticsearch.ElasticsearchConnection;
import dev.vigil.connectors.elasticsearch.ElasticsearchOptions;
import dev.vigil.connectors.elasticsearch.local.LocalElasticsearch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives tests a real Elasticsearch server: one {@link LocalElasticsearch} per JVM, started the first time any test
 * class uses the extension and stopped by a shutdown hook, so all test classes of a module share its ~10 s start.
 * Tests must delete the indices they create ({@link #deleteIndices}).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ElasticsearchExtension ES = new ElasticsearchExtension();
 * ... ES.url(), ES.client(), ES.options() ...
 * }</pre>
 */
public final class ElasticsearchExtension implements BeforeAllCallback {

    private static LocalElasticsearch server;
    private static ElasticsearchClient client;
    // A server that failed to start fails every later test class at once instead of after another 90 s.
    private static IOException startFailure;

    @Override
    public void beforeAll(ExtensionContext context) {
        shared();
    }

    /** Base URL of the shared server, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return shared().url();
    }

    /** A client of the shared server; do not close it. */
    public ElasticsearchClient client() {
        shared();
        return client;
    }

    /** Options pointing at the shared server, every other option at its default. */
    public ElasticsearchOptions options() {
        return ElasticsearchOptions.builder().hosts(url()).build();
    }

    /** Deletes the named indices (patterns allowed); missing ones are ignored. */
    public void deleteIndices(String... names) {
        try {
            client().indices().delete(d -> d.index(List.of(names)).ignoreUnavailable(true).allowNoIndices(true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes everything written so far to these indices visible to searches. */
    public void refresh(String... names) {
        try {
            client().indices().refresh(r -> r.index(List.of(names)).ignoreUnavailable(true).allowNoIndices(true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized LocalElasticsearch shared() {
        if (startFailure != null) {
            throw new UncheckedIOException(startFailure);
        }
        if (server == null) {
            try {
                LocalElasticsearch started = LocalElasticsearch.start();
                client = ElasticsearchConnection.open(ElasticsearchOptions.builder().hosts(started.url()).build());
                server = started;
            } catch (IOException e) {
                startFailure = e;
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(ElasticsearchExtension::stop, "stop-local-elasticsearch"));
        }
        return server;
    }

    private static synchronized void stop() {
        try {
            if (client != null) {
                client.close();
            }
        } catch (IOException e) {
            // The server goes away next anyway.
        }
        if (server != null) {
            server.close();
        }
    }
}
