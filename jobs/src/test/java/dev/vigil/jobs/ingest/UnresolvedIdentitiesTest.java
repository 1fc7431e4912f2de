package dev.vigil.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UnresolvedIdentitiesTest {
    @Test
    void countsPerIdMergeAcrossTasksAndStayBounded() {
        UnresolvedIdentities a = new UnresolvedIdentities();
        UnresolvedIdentities b = new UnresolvedIdentities();
        a.add("teleport:carol");
        a.add("teleport:carol");
        b.add("teleport:carol");
        b.add("vault:x");
        a.merge(b);
        assertThat(a.getLocalValue()).containsExactlyInAnyOrderEntriesOf(Map.of("teleport:carol", 3L, "vault:x", 1L));
        assertThat(a.clone().getLocalValue()).isEqualTo(a.getLocalValue()).isNotSameAs(a.getLocalValue());

        UnresolvedIdentities many = new UnresolvedIdentities();
        for (int i = 0; i < UnresolvedIdentities.MAX_IDS + 50; i++) {
            many.add("id-" + i);
        }
        many.add("id-0");
        assertThat(many.getLocalValue()).hasSize(UnresolvedIdentities.MAX_IDS + 1)
                .containsEntry(UnresolvedIdentities.OTHERS, 50L).containsEntry("id-0", 2L);
        many.resetLocal();
        assertThat(many.getLocalValue()).isEmpty();
    }

    @Test
    void theReportListsTheBusiestUnmappedIdsFirst() {
        UnresolvedIdentities ids = new UnresolvedIdentities();
        for (int i = 0; i < 15; i++) {
            for (int n = 0; n <= i; n++) {
                ids.add("u" + i);
            }
        }
        IngestReport r = IngestReport.from(Map.of(EventParser.UNRESOLVED_IDS, ids.getLocalValue(),
                EventParser.RESOLVED, 7L, EventParser.UNRESOLVED, 120L,
                "vigil.format.canonical.read", 10L, "vigil.format.canonical.normalized", 9L,
                "vigil.format.canonical.dead", 1L));
        assertThat(r.topUnresolved()).hasSize(IngestReport.TOP).first().isEqualTo(Map.entry("u14", 15L));
        assertThat(r.formats().get("canonical")).isEqualTo(new IngestReport.FormatCount(10, 9, 0, 1));
        assertThat(r.identities()).isTrue();
        assertThat(IngestReport.from(Map.of()).identities()).isFalse();
    }
}
