package dev.vigil.jobs.stream;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import dev.vigil.connectors.elasticsearch.ElasticsearchConnection;
import dev.vigil.connectors.elasticsearch.ElasticsearchOptions;
import dev.vigil.connectors.elasticsearch.IndexTemplates;
import dev.vigil.connectors.kafka.KafkaOptions;
import dev.vigil.jobs.cli.UserError;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Checks, before a job is submitted, that its servers answer, and prepares Elasticsearch (index templates), so a
 * wrong address is one clear line at start instead of a job that restarts forever.
 */
public final class Preflight {
    private Preflight() {}

    public static void kafka(KafkaOptions options) {
        Properties p = options.clientProperties();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8000);
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(8000)).clusterId().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new UserError("Kafka at " + options.bootstrapServers() + " does not answer ("
                    + cause.getClass().getSimpleName() + ")");
        }
    }

    /** Verifies the cluster answers and installs Vigil's index templates. */
    public static void elasticsearch(ElasticsearchOptions options) {
        try {
            ElasticsearchClient client = ElasticsearchConnection.open(options);
            try {
                client.cluster().health();
                IndexTemplates.install(client, options.indexPrefix());
            } finally {
                client._transport().close();
            }
        } catch (Exception e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0];
            throw new UserError("Elasticsearch at " + String.join(",", options.hosts()) + " does not answer: " + m);
        }
    }
}
