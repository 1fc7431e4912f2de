package dev.vigil.jobs.evidence;

import dev.vigil.common.GrantLabel;
import dev.vigil.event.Action;
import dev.vigil.event.GrantRef;
import dev.vigil.event.LabelledEvent;
import dev.vigil.jobs.cases.CaseKeys;
import dev.vigil.jobs.cases.Findings;
import dev.vigil.output.BehaviourItem;
import dev.vigil.output.EvidenceKind;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.Finding;
import dev.vigil.output.GrantRequest;
import dev.vigil.output.Residency;
import dev.vigil.output.SessionSummary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static dev.vigil.common.GrantLabel.AFTER_EXPIRY;
import static dev.vigil.common.GrantLabel.IN_GRANT;
import static dev.vigil.common.GrantLabel.NO_GRANT;
import static dev.vigil.jobs.evidence.Acts.MINUTE;
import static dev.vigil.jobs.evidence.Acts.at;
import static dev.vigil.jobs.evidence.Acts.command;
import static dev.vigil.jobs.evidence.Acts.elevation;
import static dev.vigil.jobs.evidence.Acts.end;
import static dev.vigil.jobs.evidence.Acts.fold;
import static dev.vigil.jobs.evidence.Acts.grant;
import static dev.vigil.jobs.evidence.Acts.secret;
import static dev.vigil.jobs.evidence.Acts.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class EvidenceAssemblerTest {

    /** A grant approved for 10:00-11:00, used by one session 10:10-10:40, expired on time. */
    static List<LabelledEvent> usedGrant() {
        GrantRef g = grant("REQ-1", 0, 60);
        return List.of(
                elevation("e01", Action.REQUESTED, -10, "REQ-1", 0, 0),
                elevation("e02", Action.APPROVED, -5, "REQ-1", 0, 60),
                elevation("e03", Action.ACTIVATED, 0, "REQ-1", 0, 60),
                start("s01", 10, "S-1", IN_GRANT, g),
                command("c01", 12, "S-1", "select count(*) from invoices", IN_GRANT, g),
                secret("k01", 15, "db/billing/root", "S-1", IN_GRANT, g),
                command("c02", 20, "S-1", "vacuum invoices", IN_GRANT, g),
                end("s02", 40, "S-1", IN_GRANT, g),
                elevation("e04", Action.EXPIRED, 60, "REQ-1", 0, 0));
    }

    private static EvidenceRecord assemble(List<LabelledEvent> events, long asOf) {
        return EvidenceAssembler.assemble("alice", fold(events), asOf);
    }

    @Test
    void joinsRequestSessionsAndBehaviour() {
        EvidenceRecord r = assemble(usedGrant(), at(120));

        assertThat(r.getEvidenceId()).isEqualTo(CaseKeys.evidenceId("alice", EvidenceKind.GRANT, "REQ-1"));
        assertThat(r.getKind()).isEqualTo(EvidenceKind.GRANT);
        assertThat(r.getPrincipal().getId()).isEqualTo("alice");

        GrantRequest q = r.getRequest();
        assertThat(q.getRequestId()).isEqualTo("REQ-1");
        assertThat(q.getRequester()).isEqualTo("alice");
        assertThat(q.getApprover()).isEqualTo("bob");
        assertThat(q.getReason()).isEqualTo("patch the billing database");
        assertThat(q.getTicket()).isEqualTo("CHG-1042");
        assertThat(q.getRole()).isEqualTo("db-admin");
        assertThat(q.getScope()).containsExactly("db-*");
        assertThat(q.getWindowStart()).isEqualTo(at(0));
        assertThat(q.getWindowEnd()).isEqualTo(at(60));
        assertThat(q.getRequestedAt()).isEqualTo(at(-10));
        assertThat(q.getApprovedAt()).isEqualTo(at(-5));
        assertThat(q.getActivatedAt()).isEqualTo(at(0));
        assertThat(q.getEndedAt()).isEqualTo(at(60));
        assertThat(q.getEndAction()).isEqualTo("EXPIRED");

        assertThat(r.getSessions()).singleElement().satisfies(s -> {
            assertThat(s.getSessionId()).isEqualTo("S-1");
            assertThat(s.getTarget()).isEqualTo("db-1");
            assertThat(s.getAccount()).isEqualTo("root");
            assertThat(s.getProtocol()).isEqualTo("ssh");
            assertThat(s.getStartedAt()).isEqualTo(at(10));
            assertThat(s.getEndedAt()).isEqualTo(at(40));
            assertThat(s.getRecorded()).isTrue();
            assertThat(s.getInteractive()).isTrue();
            assertThat(s.getCommandCount()).isEqualTo(2);
            assertThat(s.getLabel()).isEqualTo(IN_GRANT);
        });

        assertThat(r.getBehaviour()).extracting(BehaviourItem::getEventId)
                .containsExactly("s01", "c01", "k01", "c02", "s02");
        assertThat(r.getBehaviour()).extracting(BehaviourItem::getLabel).containsOnly(IN_GRANT);
        assertThat(r.getBehaviour().get(2).getSecretId()).isEqualTo("db/billing/root");
        assertThat(r.getBehaviour().get(1).getCommand()).isEqualTo("select count(*) from invoices");
        assertThat(r.getBehaviourDropped()).isZero();
        assertThat(r.getFirstEventAt()).isEqualTo(at(-10));
        assertThat(r.getLastEventAt()).isEqualTo(at(60));
        assertThat(EvidenceChain.verify(r)).isTrue();

        Residency res = r.getResidency();
        assertThat(res.getGrantedMs()).isEqualTo(60 * MINUTE);
        assertThat(res.getTimeToFirstUseMs()).isEqualTo(10 * MINUTE);
        assertThat(res.getUsedMs()).isEqualTo(30 * MINUTE);
        assertThat(res.getUnusedMs()).isEqualTo(30 * MINUTE);
        assertThat(res.getEndedOnTime()).isTrue();
        assertThat(res.getRevoked()).isFalse();
    }

    @Test
    void residencyOfAnUnusedGrant() {
        Residency res = assemble(List.of(
                elevation("e01", Action.REQUESTED, -10, "REQ-2", 0, 0),
                elevation("e02", Action.APPROVED, -5, "REQ-2", 0, 120),
                elevation("e03", Action.ACTIVATED, 5, "REQ-2", 0, 120),
                elevation("e04", Action.EXPIRED, 120, "REQ-2", 0, 0)), at(200)).getResidency();
        assertThat(res.getGrantedMs()).isEqualTo(115 * MINUTE);
        assertThat(res.getTimeToFirstUseMs()).isNull();
        assertThat(res.getUsedMs()).isZero();
        assertThat(res.getUnusedMs()).isEqualTo(115 * MINUTE);
        assertThat(res.getEndedOnTime()).isTrue();
        assertThat(res.getRevoked()).isFalse();
    }

    @Test
    void residencyOfAGrantRevokedEarly() {
        GrantRef g = grant("REQ-3", 0, 120);
        Residency res = assemble(List.of(
                elevation("e02", Action.APPROVED, -5, "REQ-3", 0, 120),
                elevation("e03", Action.ACTIVATED, 0, "REQ-3", 0, 120),
                start("s01", 10, "S-1", IN_GRANT, g),
                command("c01", 20, "S-1", "id", IN_GRANT, g),
                end("s02", 40, "S-1", IN_GRANT, g),
                elevation("e04", Action.REVOKED, 60, "REQ-3", 0, 0)), at(200)).getResidency();
        assertThat(res.getGrantedMs()).isEqualTo(60 * MINUTE);
        assertThat(res.getTimeToFirstUseMs()).isEqualTo(10 * MINUTE);
        assertThat(res.getUsedMs()).isEqualTo(30 * MINUTE);
        assertThat(res.getUnusedMs()).isEqualTo(30 * MINUTE);
        assertThat(res.getEndedOnTime()).isTrue();
        assertThat(res.getRevoked()).isTrue();
    }

    @Test
    void aSessionPastExpiryCountsOnlyUntilTheGrantEnded() {
        GrantRef g = GrantRef.newBuilder(grant("REQ-4", 0, 60)).setEndedAt(at(60)).build();
        EvidenceRecord r = assemble(List.of(
                elevation("e03", Action.ACTIVATED, 0, "REQ-4", 0, 60),
                start("s01", 30, "S-1", IN_GRANT, g),
                command("c01", 50, "S-1", "id", IN_GRANT, g),
                elevation("e04", Action.EXPIRED, 60, "REQ-4", 0, 0),
                command("c02", 80, "S-1", "cat /etc/shadow", AFTER_EXPIRY, g),
                end("s02", 90, "S-1", AFTER_EXPIRY, g)), at(200));
        Residency res = r.getResidency();
        assertThat(res.getGrantedMs()).isEqualTo(60 * MINUTE);
        assertThat(res.getUsedMs()).isEqualTo(30 * MINUTE);
        assertThat(res.getUnusedMs()).isEqualTo(30 * MINUTE);
        assertThat(res.getTimeToFirstUseMs()).isEqualTo(30 * MINUTE);
        assertThat(r.getSessions()).singleElement().satisfies(s -> {
            assertThat(s.getLabel()).isEqualTo(IN_GRANT);
            assertThat(s.getEndedAt()).isEqualTo(at(90));
        });
        assertThat(r.getBehaviour()).extracting(BehaviourItem::getEventId, BehaviourItem::getLabel).containsExactly(
                tuple("s01", IN_GRANT),
                tuple("c01", IN_GRANT),
                tuple("c02", AFTER_EXPIRY),
                tuple("s02", AFTER_EXPIRY));
    }

    @Test
    void aGrantEndedAfterItsWindowDidNotEndOnTime() {
        Residency res = assemble(List.of(
                elevation("e03", Action.ACTIVATED, 0, "REQ-5", 0, 60),
                elevation("e04", Action.EXPIRED, 75, "REQ-5", 0, 0)), at(200)).getResidency();
        assertThat(res.getEndedOnTime()).isFalse();
        assertThat(res.getGrantedMs()).isEqualTo(75 * MINUTE);
    }

    @Test
    void anOpenSessionCountsToItsLatestActAndTheWindowEndsTheGrantOnceItHasPassed() {
        GrantRef g = grant("REQ-6", 0, 60);
        List<LabelledEvent> events = List.of(
                elevation("e03", Action.ACTIVATED, 0, "REQ-6", 0, 60),
                start("s01", 10, "S-1", IN_GRANT, g),
                command("c01", 25, "S-1", "id", IN_GRANT, g));
        Residency running = assemble(events, at(30)).getResidency();
        assertThat(running.getUsedMs()).isEqualTo(15 * MINUTE);
        assertThat(running.getGrantedMs()).isEqualTo(60 * MINUTE);
        assertThat(running.getEndedOnTime()).isNull();
        assertThat(running.getRevoked()).isNull();

        Residency lapsed = assemble(events, at(60)).getResidency();
        assertThat(lapsed.getEndedOnTime()).isTrue();
        assertThat(lapsed.getRevoked()).isFalse();
    }

    @Test
    void overlappingSessionsAreCountedOnceAndUngrantedOnesNotAtAll() {
        GrantRef g = grant("REQ-7", 0, 120);
        Residency res = assemble(List.of(
                elevation("e03", Action.ACTIVATED, 0, "REQ-7", 0, 120),
                start("a1", 10, "S-1", IN_GRANT, g), end("a2", 40, "S-1", IN_GRANT, g),
                start("b1", 30, "S-2", IN_GRANT, g), end("b2", 50, "S-2", IN_GRANT, g),
                start("c1", 60, "S-3", GrantLabel.OUT_OF_SCOPE, g), end("c2", 100, "S-3", GrantLabel.OUT_OF_SCOPE, g)),
                at(200)).getResidency();
        assertThat(res.getUsedMs()).isEqualTo(40 * MINUTE);
        assertThat(res.getUnusedMs()).isEqualTo(80 * MINUTE);
    }

    @Test
    void theWindowComesFromActivationRatherThanApproval() {
        GrantRequest q = assemble(List.of(
                elevation("e02", Action.APPROVED, -5, "REQ-8", 0, 120),
                elevation("e03", Action.ACTIVATED, 10, "REQ-8", 10, 70)), at(0)).getRequest();
        assertThat(q.getWindowStart()).isEqualTo(at(10));
        assertThat(q.getWindowEnd()).isEqualTo(at(70));
        assertThat(q.getApprover()).isEqualTo("bob");
    }

    @Test
    void withoutElevationEventsTheRequestComesFromTheGrantTheActsReferTo() {
        GrantRef g = grant("REQ-9", 0, 60);
        EvidenceRecord r = assemble(List.of(
                start("s01", 10, "S-1", IN_GRANT, g),
                command("c01", 20, "S-1", "id", IN_GRANT, GrantRef.newBuilder(g).setEndedAt(at(55)).build())), at(30));
        GrantRequest q = r.getRequest();
        assertThat(q.getRequester()).isEqualTo("alice");
        assertThat(q.getApprover()).isEqualTo("bob");
        assertThat(q.getRole()).isEqualTo("db-admin");
        assertThat(q.getScope()).containsExactly("db-*");
        assertThat(q.getWindowStart()).isEqualTo(at(0));
        assertThat(q.getWindowEnd()).isEqualTo(at(60));
        assertThat(q.getEndedAt()).isEqualTo(at(55));
        assertThat(q.getEndAction()).isNull();
        assertThat(r.getResidency().getGrantedMs()).isEqualTo(55 * MINUTE);
        assertThat(r.getResidency().getEndedOnTime()).isTrue();
    }

    @Test
    void behaviourIsBoundedToTheEarliestActsAndTheRestCounted() {
        List<LabelledEvent> events = new ArrayList<>();
        events.add(start("s00", 1, "S-1", NO_GRANT, null));
        for (int i = 2; i <= 9; i++) {
            events.add(command("c0" + i, i, "S-1", "cmd " + i, NO_GRANT, null));
        }
        Collections.shuffle(events, new Random(3));
        EvidenceRecord r = EvidenceAssembler.assemble("alice", fold(events, 3), at(100));
        assertThat(r.getBehaviour()).extracting(BehaviourItem::getEventId).containsExactly("s00", "c02", "c03");
        assertThat(r.getBehaviourDropped()).isEqualTo(6);
        assertThat(r.getSessions().get(0).getCommandCount()).isEqualTo(8);
        assertThat(r.getLastEventAt()).isEqualTo(at(9));
        assertThat(r.getKind()).isEqualTo(EvidenceKind.UNGRANTED_SESSION);
        assertThat(r.getRequest()).isNull();
        assertThat(r.getResidency()).isNull();
        assertThat(EvidenceChain.verify(r)).isTrue();
    }

    @Test
    void theRecordDoesNotDependOnTheOrderEventsArrive() {
        List<LabelledEvent> events = new ArrayList<>(usedGrant());
        GrantRef g = grant("REQ-1", 0, 60);
        // a second session without START and a same-time pair of commands, to exercise tie-breaks
        events.add(command("x02", 30, "S-2", "ls", GrantLabel.OUT_OF_SCOPE, g));
        events.add(command("x01", 30, "S-2", "pwd", IN_GRANT, g));
        EvidenceRecord reference = EvidenceAssembler.assemble("alice", fold(events, 4), at(120));
        Random random = new Random(11);
        for (int i = 0; i < 50; i++) {
            Collections.shuffle(events, random);
            assertThat(EvidenceAssembler.assemble("alice", fold(events, 4), at(120))).isEqualTo(reference);
        }
        assertThat(reference.getSessions()).extracting(SessionSummary::getSessionId).containsExactly("S-1", "S-2");
        assertThat(reference.getSessions().get(1).getLabel()).as("label of the earliest event, ties by id").isEqualTo(IN_GRANT);
    }

    @Test
    void findingsAndCasesAreListedSortedAndOnce() {
        EvidenceState state = fold(usedGrant());
        assertThat(state.addFinding(expiryFinding("f-b"), "case-2")).isTrue();
        assertThat(state.addFinding(expiryFinding("f-a"), "case-1")).isTrue();
        assertThat(state.addFinding(expiryFinding("f-a"), "case-1")).isFalse();
        EvidenceRecord r = EvidenceAssembler.assemble("alice", state, at(120));
        assertThat(r.getFindingIds()).containsExactly("f-a", "f-b");
        assertThat(r.getCaseIds()).containsExactly("case-1", "case-2");
    }

    private static Finding expiryFinding(String id) {
        return Findings.finding(id, "PUM-002", 70).setRequestId("REQ-1").build();
    }
}
