package dev.vigil.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.util.BinaryData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One bulk request of index operations to one index, with the official client: each document goes as its raw
 * JSON bytes under its id, and the answer comes back as per-document results or a classified request failure.
 */
final class ElasticsearchBulkSender implements BulkRetry.Attempt {

    private static final String JSON = "application/json";

    private final ElasticsearchClient client;
    private final String index;

    ElasticsearchBulkSender(ElasticsearchClient client, String index) {
        this.client = client;
        this.index = index;
    }

    @Override
    public List<BulkItemResult> send(List<BufferedDocument> documents) throws BulkRequestFailure {
        List<BulkOperation> operations = new ArrayList<>(documents.size());
        for (BufferedDocument d : documents) {
            // Raw bytes: the serializer already made the JSON, parsing it again would only cost time.
            BinaryData body = BinaryData.of(d.json(), JSON);
            operations.add(BulkOperation.of(o -> o.index(i -> i.id(d.id()).document(body))));
        }
        BulkRequest request = BulkRequest.of(b -> b.index(index).operations(operations));
        BulkResponse response;
        try {
            response = client.bulk(request);
        } catch (ElasticsearchException e) {
            throw BulkRequestFailure.withStatus(e.status(), e.getMessage(), e);
        } catch (TransportException e) {
            int status = e.statusCode() > 0 ? e.statusCode() : BulkRequestFailure.NO_RESPONSE;
            throw BulkRequestFailure.withStatus(status, message(e), e);
        } catch (IOException e) {
            throw BulkRequestFailure.withStatus(BulkRequestFailure.NO_RESPONSE, message(e), e);
        } catch (RuntimeException e) {
            throw BulkRequestFailure.permanent(message(e), e);
        }
        List<BulkItemResult> results = new ArrayList<>(response.items().size());
        for (BulkResponseItem item : response.items()) {
            if (item.error() == null) {
                results.add(BulkItemResult.ok(item.id(), item.status()));
            } else {
                results.add(new BulkItemResult(item.id(), item.status(), item.error().type(), item.error().reason()));
            }
        }
        return results;
    }

    private static String message(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root.getClass().getSimpleName() + text;
    }
}
