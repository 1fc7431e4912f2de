package dev.vigil.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.TransportUtils;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * Opens the official Elasticsearch Java client (over the low-level REST client, with Jackson) from
 * {@link ElasticsearchOptions}, with TLS and authentication when they are configured.
 */
public final class ElasticsearchConnection {

    private ElasticsearchConnection() {
    }

    /**
     * Builds a client for the configured hosts. No request is sent: a cluster that is down shows up on first use.
     * Closing the returned client closes its connections.
     *
     * @throws IOException when the CA certificate cannot be read
     * @throws IllegalArgumentException when the hosts disagree on their path prefix
     */
    public static ElasticsearchClient open(ElasticsearchOptions options) throws IOException {
        RestClientBuilder builder = RestClient.builder(httpHosts(options.hosts()));
        String pathPrefix = pathPrefix(options.hosts());
        if (!pathPrefix.isEmpty()) {
            builder.setPathPrefix(pathPrefix);
        }
        if (options.apiKey() != null) {
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "ApiKey " + options.apiKey())});
        }
        SSLContext sslContext = sslContext(options);
        BasicCredentialsProvider credentials = null;
        if (options.username() != null) {
            credentials = new BasicCredentialsProvider();
            credentials.setCredentials(AuthScope.ANY,
                    new UsernamePasswordCredentials(options.username(), options.password()));
        }
        if (sslContext != null || credentials != null) {
            BasicCredentialsProvider provider = credentials;
            builder.setHttpClientConfigCallback(http -> {
                if (sslContext != null) {
                    http.setSSLContext(sslContext);
                }
                if (provider != null) {
                    http.setDefaultCredentialsProvider(provider);
                }
                return http;
            });
        }
        RestClient restClient = builder.build();
        return new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
    }

    private static HttpHost[] httpHosts(List<String> urls) {
        List<HttpHost> hosts = new ArrayList<>();
        for (String url : urls) {
            URI uri = URI.create(url);
            int port = uri.getPort() != -1 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
            hosts.add(new HttpHost(uri.getHost(), port, uri.getScheme()));
        }
        return hosts.toArray(new HttpHost[0]);
    }

    // The low-level client has one path prefix for all nodes (a cluster behind a reverse proxy at /es, say).
    private static String pathPrefix(List<String> urls) {
        String prefix = null;
        for (String url : urls) {
            String path = URI.create(url).getPath();
            String p = path == null || path.equals("/") ? "" : path.replaceAll("/+$", "");
            if (prefix != null && !prefix.equals(p)) {
                throw new IllegalArgumentException("Elasticsearch hosts must share one path prefix, got '" + prefix
                        + "' and '" + p + "'");
            }
            prefix = p;
        }
        return prefix == null ? "" : prefix;
    }

    private static SSLContext sslContext(ElasticsearchOptions options) throws IOException {
        if (options.caCertificatePath() == null) {
            return null;
        }
        File ca = new File(options.caCertificatePath());
        if (!ca.canRead()) {
            throw new IOException("Elasticsearch CA certificate '" + ca + "' does not exist or is not readable");
        }
        try {
            return TransportUtils.sslContextFromHttpCaCrt(ca);
        } catch (RuntimeException e) {
            throw new IOException("Elasticsearch CA certificate '" + ca + "' is not a PEM certificate: " + e.getMessage(), e);
        }
    }
}
