package dev.vigil.jobs.evidence;

import dev.vigil.output.BehaviourItem;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.GrantRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

import static dev.vigil.jobs.evidence.Acts.at;
import static org.assertj.core.api.Assertions.assertThat;

class EvidenceChainTest {

    private static EvidenceRecord record() {
        return EvidenceAssembler.assemble("alice", Acts.fold(EvidenceAssemblerTest.usedGrant()), at(120));
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void chainIsTheDocumentedFold() throws Exception {
        EvidenceRecord r = record();
        String h = sha256(EvidenceChain.requestText(r.getRequest()));
        for (BehaviourItem item : r.getBehaviour()) {
            h = sha256(h + EvidenceChain.itemText(item));
        }
        assertThat(r.getChainHash()).isEqualTo(h).hasSize(64);
        assertThat(EvidenceChain.chainHash(null, List.of())).isEqualTo(sha256("null"));
    }

    @Test
    void canonicalTextsAreFixedJson() {
        BehaviourItem item = record().getBehaviour().get(1);
        assertThat(EvidenceChain.itemText(item)).isEqualTo(
                "{\"event_id\":\"c01\",\"event_time\":" + at(12) + ",\"type\":\"SESSION\",\"action\":\"COMMAND\","
                        + "\"session_id\":\"S-1\",\"target\":\"db-1\",\"command\":\"select count(*) from invoices\","
                        + "\"secret_id\":null,\"label\":\"IN_GRANT\",\"late\":false}");
        BehaviourItem tricky = BehaviourItem.newBuilder(item).setCommand("echo \"a\\b\"\n\u0001").build();
        assertThat(EvidenceChain.itemText(tricky)).contains("\"command\":\"echo \\\"a\\\\b\\\"\\n\\u0001\"");
    }

    @Test
    void anAlteredItemBreaksTheChain() {
        EvidenceRecord r = record();
        assertThat(EvidenceChain.verify(r)).isTrue();
        List<BehaviourItem> items = new ArrayList<>(r.getBehaviour());
        items.set(1, BehaviourItem.newBuilder(items.get(1)).setCommand("select 1").build());
        assertThat(EvidenceChain.verify(EvidenceRecord.newBuilder(r).setBehaviour(items).build())).isFalse();

        List<BehaviourItem> relabelled = new ArrayList<>(r.getBehaviour());
        relabelled.set(4, BehaviourItem.newBuilder(relabelled.get(4)).setLate(true).build());
        assertThat(EvidenceChain.verify(EvidenceRecord.newBuilder(r).setBehaviour(relabelled).build())).isFalse();
    }

    @Test
    void aRemovedItemBreaksTheChain() {
        EvidenceRecord r = record();
        List<BehaviourItem> first = new ArrayList<>(r.getBehaviour());
        first.remove(0);
        assertThat(EvidenceChain.verify(EvidenceRecord.newBuilder(r).setBehaviour(first).build())).isFalse();
        List<BehaviourItem> last = new ArrayList<>(r.getBehaviour());
        last.remove(last.size() - 1);
        assertThat(EvidenceChain.verify(EvidenceRecord.newBuilder(r).setBehaviour(last).build())).isFalse();
    }

    @Test
    void reorderedItemsBreakTheChain() {
        EvidenceRecord r = record();
        List<BehaviourItem> swapped = new ArrayList<>(r.getBehaviour());
        Collections.swap(swapped, 1, 2);
        assertThat(EvidenceChain.verify(EvidenceRecord.newBuilder(r).setBehaviour(swapped).build())).isFalse();
    }

    @Test
    void anAlteredRequestBreaksTheChain() {
        EvidenceRecord r = record();
        GrantRequest forged = GrantRequest.newBuilder(r.getRequest()).setApprover("alice").build();
        assertThat(EvidenceChain.verify(EvidenceRecord.newBuilder(r).setRequest(forged).build())).isFalse();
        assertThat(EvidenceChain.verify(EvidenceRecord.newBuilder(r).setRequest(null).build())).isFalse();
    }
}
