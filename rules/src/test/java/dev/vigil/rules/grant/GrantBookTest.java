package dev.vigil.rules.grant;

import dev.vigil.common.GrantLabel;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.vigil.rules.grant.Events.activated;
import static dev.vigil.rules.grant.Events.approved;
import static dev.vigil.rules.grant.Events.command;
import static dev.vigil.rules.grant.Events.elevation;
import static dev.vigil.rules.grant.Events.end;
import static dev.vigil.rules.grant.Events.ended;
import static dev.vigil.rules.grant.Events.min;
import static dev.vigil.rules.grant.Events.requested;
import static dev.vigil.rules.grant.Events.secret;
import static dev.vigil.rules.grant.Events.secretInSession;
import static dev.vigil.rules.grant.Events.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GrantBookTest {

    private final GrantBook book = new GrantBook();

    /** REQ-1: dba on db-*, approved by bob for [10, 70), activated at 10. */
    private void grantDbUntil70() {
        book.apply(requested("e1", min(0), "REQ-1", "db-*"));
        book.apply(approved("e2", min(5), "REQ-1", min(10), min(70)));
        book.apply(activated("e3", min(10), "REQ-1", min(10), min(70)));
    }

    @Test
    void sessionOnCoveredTargetInsideWindowIsInGrant() {
        grantDbUntil70();

        LabelledEvent out = book.apply(start("s1", min(20), "S1", "db-01"));

        assertThat(out.getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        assertThat(out.getLate()).isFalse();
        assertThat(out.getGrant().getRequestId()).isEqualTo("REQ-1");
        assertThat(out.getGrant().getApprover()).isEqualTo("bob");
        assertThat(out.getGrant().getTicket()).isEqualTo("CHG-1");
        assertThat(out.getGrant().getRole()).isEqualTo("dba");
        assertThat(out.getGrant().getScope()).containsExactly("db-*");
        assertThat(out.getGrant().getWindowStart()).isEqualTo(min(10));
        assertThat(out.getGrant().getWindowEnd()).isEqualTo(min(70));
        assertThat(out.getGrant().getEndedAt()).isNull();
    }

    @Test
    void windowStartIsInclusive() {
        book.apply(requested("e1", min(0), "REQ-1", "db-*"));
        book.apply(approved("e2", min(1), "REQ-1", min(10), min(70)));

        assertThat(book.apply(start("s0", min(10) - 1, "S0", "db-01")).getLabel()).isEqualTo(GrantLabel.NO_GRANT);
        assertThat(book.apply(start("s1", min(10), "S1", "db-01")).getLabel()).isEqualTo(GrantLabel.IN_GRANT);
    }

    @Test
    void windowEndIsExclusiveAndANewSessionAfterItHasNoGrant() {
        grantDbUntil70();

        assertThat(book.apply(start("s1", min(70) - 1, "S1", "db-01")).getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        LabelledEvent after = book.apply(start("s2", min(70), "S2", "db-02", "REQ-1"));

        // A new session after every grant ended, even one the broker links to the ended grant.
        assertThat(after.getLabel()).isEqualTo(GrantLabel.NO_GRANT);
        assertThat(after.getGrant()).isNull();
    }

    @Test
    void actsAfterTheWindowPassesWithoutAnExpiredEventAreAfterExpiry() {
        grantDbUntil70();
        book.apply(start("s1", min(60), "S1", "db-01"));

        LabelledEvent atEnd = book.apply(command("c1", min(70), "S1", "whoami"));
        LabelledEvent later = book.apply(command("c2", min(90), "S1", "cat /etc/shadow"));

        assertThat(atEnd.getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(later.getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(later.getGrant().getRequestId()).isEqualTo("REQ-1");
        assertThat(later.getGrant().getEndedAt()).isEqualTo(min(70));
    }

    @Test
    void revocationMidSessionTurnsLaterActsAfterExpiry() {
        grantDbUntil70();
        book.apply(start("s1", min(20), "S1", "db-01"));

        assertThat(book.apply(command("c1", min(30) - 1, "S1", "ls")).getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        LabelledEvent revoke = book.apply(ended("e4", min(30), Action.REVOKED, "REQ-1"));
        LabelledEvent sameInstant = book.apply(command("c2", min(30), "S1", "rm -rf /tmp/x"));
        LabelledEvent endOfSession = book.apply(end("x1", min(35), "S1"));

        assertThat(revoke.getLabel()).isNull();
        assertThat(revoke.getGrant().getEndedAt()).isEqualTo(min(30));
        assertThat(sameInstant.getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(sameInstant.getGrant().getEndedAt()).isEqualTo(min(30));
        assertThat(endOfSession.getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(endOfSession.getEvent().getTarget()).isEqualTo("db-01");
    }

    @Test
    void expiredEventAfterTheWindowKeepsTheWindowEndAsTheEnd() {
        grantDbUntil70();
        book.apply(start("s1", min(60), "S1", "db-01"));

        LabelledEvent expired = book.apply(ended("e4", min(72), Action.EXPIRED, "REQ-1"));

        assertThat(expired.getGrant().getEndedAt()).isEqualTo(min(70));
        assertThat(book.apply(command("c1", min(71), "S1", "id")).getGrant().getEndedAt()).isEqualTo(min(70));
    }

    @Test
    void expiredEventBeforeTheWindowEndEndsTheGrantEarly() {
        grantDbUntil70();
        book.apply(start("s1", min(20), "S1", "db-01"));
        book.apply(ended("e4", min(40), Action.EXPIRED, "REQ-1"));

        LabelledEvent out = book.apply(command("c1", min(45), "S1", "id"));

        assertThat(out.getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(out.getGrant().getEndedAt()).isEqualTo(min(40));
    }

    @Test
    void targetOutsideTheScopeOfAUsableGrantIsOutOfScope() {
        grantDbUntil70();

        LabelledEvent out = book.apply(start("s1", min(20), "S1", "web-01"));

        assertThat(out.getLabel()).isEqualTo(GrantLabel.OUT_OF_SCOPE);
        assertThat(out.getGrant().getRequestId()).isEqualTo("REQ-1");
    }

    @Test
    void noGrantWithoutAnyGrant() {
        LabelledEvent out = book.apply(start("s1", min(20), "S1", "db-01"));

        assertThat(out.getLabel()).isEqualTo(GrantLabel.NO_GRANT);
        assertThat(out.getGrant()).isNull();
    }

    @Test
    void pendingAndDeniedRequestsGrantNothing() {
        book.apply(requested("e1", min(0), "REQ-1", "db-*"));
        assertThat(book.apply(start("s1", min(5), "S1", "db-01")).getLabel()).isEqualTo(GrantLabel.NO_GRANT);

        LabelledEvent denied = book.apply(elevation("e2", min(6), Action.DENIED, "REQ-1").setApprover("carol").build());
        assertThat(denied.getGrant().getApprover()).isEqualTo("carol");
        assertThat(book.apply(start("s2", min(7), "S2", "db-01")).getLabel()).isEqualTo(GrantLabel.NO_GRANT);
    }

    @Test
    void approvalAloneIsUsableForProductsWithoutActivation() {
        book.apply(requested("e1", min(0), "REQ-1", "db-*"));
        book.apply(approved("e2", min(5), "REQ-1", min(5), min(60)));

        assertThat(book.apply(start("s1", min(6), "S1", "db-01")).getLabel()).isEqualTo(GrantLabel.IN_GRANT);
    }

    @Test
    void aGrantIsNotUsableBeforeItWasApproved() {
        // The approval dates its window back to the request; acts before the approval stay uncovered.
        book.apply(requested("e1", min(0), "REQ-1", "db-*"));
        assertThat(book.apply(start("s1", min(3), "S1", "db-01")).getLabel()).isEqualTo(GrantLabel.NO_GRANT);
        book.apply(approved("e2", min(5), "REQ-1", min(0), min(60)));

        assertThat(book.apply(start("s2", min(6), "S2", "db-01")).getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        // Judged again late, an act before the approval is still not covered by it.
        assertThat(book.apply(start("s3", min(4), "S3", "db-01")).getLabel()).isEqualTo(GrantLabel.NO_GRANT);
    }

    @Test
    void approvedScopeAndRoleReplaceTheRequestedOnes() {
        book.apply(requested("e1", min(0), "REQ-1", "*"));
        book.apply(elevation("e2", min(1), Action.APPROVED, "REQ-1").setApprover("bob").setRole("reader")
                .setScope(List.of("db-01")).setWindowStart(min(1)).setWindowEnd(min(60)).build());

        LabelledEvent narrow = book.apply(start("s1", min(5), "S1", "db-01"));
        assertThat(narrow.getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        assertThat(narrow.getGrant().getRole()).isEqualTo("reader");
        assertThat(narrow.getGrant().getScope()).containsExactly("db-01");
        assertThat(book.apply(start("s2", min(5), "S2", "db-02")).getLabel()).isEqualTo(GrantLabel.OUT_OF_SCOPE);
    }

    @Test
    void activationWindowWinsOverALaterArrivingApprovalWindow() {
        book.apply(requested("e1", min(0), "REQ-1", "db-*"));
        book.apply(activated("e3", min(10), "REQ-1", min(10), min(40)));
        book.apply(approved("e2", min(11), "REQ-1", min(0), min(480)));

        LabelledEvent out = book.apply(start("s1", min(41), "S1", "db-01"));

        assertThat(out.getLabel()).isEqualTo(GrantLabel.NO_GRANT);
    }

    @Test
    void breakGlassActivationWithoutApprovalIsUsableAndFlagged() {
        book.apply(elevation("e1", min(0), Action.REQUESTED, "BG-1").setScope(List.of("*"))
                .setBreakGlass(true).setReason("outage").build());
        book.apply(activated("e2", min(0), "BG-1", min(0), min(30)));

        LabelledEvent out = book.apply(start("s1", min(1), "S1", "core-router"));

        assertThat(out.getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        assertThat(out.getGrant().getBreakGlass()).isTrue();
        assertThat(out.getGrant().getApprover()).isNull();
        assertThat(out.getGrant().getTicket()).isNull();
    }

    @Test
    void elevationEventsComeBackWithTheirGrantAndNoLabel() {
        LabelledEvent req = book.apply(requested("e1", min(0), "REQ-1", "db-*"));
        assertThat(req.getLabel()).isNull();
        assertThat(req.getGrant().getRequestId()).isEqualTo("REQ-1");
        assertThat(req.getGrant().getScope()).containsExactly("db-*");

        LabelledEvent noId = book.apply(elevation("e9", min(1), Action.APPROVED, null).build());
        assertThat(noId.getLabel()).isNull();
        assertThat(noId.getGrant()).isNull();
        assertThat(book.grants).containsOnlyKeys("REQ-1");
    }

    @Test
    void brokerLinkedGrantIsJudgedFirst() {
        book.apply(requested("a1", min(0), "REQ-OLD", "db-*"));
        book.apply(activated("a2", min(1), "REQ-OLD", min(1), min(100)));
        book.apply(requested("b1", min(2), "REQ-NEW", "db-*"));
        book.apply(activated("b2", min(3), "REQ-NEW", min(3), min(100)));

        LabelledEvent linked = book.apply(start("s1", min(10), "S1", "db-01", "REQ-OLD"));
        LabelledEvent unlinked = book.apply(start("s2", min(10), "S2", "db-01"));
        LabelledEvent laterAct = book.apply(command("c1", min(11), "S1", "ls"));

        assertThat(linked.getGrant().getRequestId()).isEqualTo("REQ-OLD");
        assertThat(unlinked.getGrant().getRequestId()).isEqualTo("REQ-NEW");
        assertThat(laterAct.getGrant().getRequestId()).isEqualTo("REQ-OLD");
    }

    @Test
    void aLinkedGrantThatDoesNotCoverGivesWayToOneThatDoes() {
        book.apply(requested("a1", min(0), "REQ-WEB", "web-*"));
        book.apply(activated("a2", min(1), "REQ-WEB", min(1), min(100)));
        book.apply(requested("b1", min(0), "REQ-DB", "db-*"));
        book.apply(activated("b2", min(1), "REQ-DB", min(1), min(100)));

        LabelledEvent covered = book.apply(start("s1", min(10), "S1", "db-01", "REQ-WEB"));
        LabelledEvent uncovered = book.apply(start("s2", min(10), "S2", "k8s-prod", "REQ-WEB"));

        assertThat(covered.getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        assertThat(covered.getGrant().getRequestId()).isEqualTo("REQ-DB");
        assertThat(uncovered.getLabel()).isEqualTo(GrantLabel.OUT_OF_SCOPE);
        assertThat(uncovered.getGrant().getRequestId()).isEqualTo("REQ-WEB");
    }

    @Test
    void commandsWithoutTargetTakeTheSessionTarget() {
        grantDbUntil70();
        book.apply(start("s1", min(20), "S1", "db-01"));

        LabelledEvent cmd = book.apply(command("c1", min(21), "S1", "psql"));
        LabelledEvent otherSession = book.apply(command("c2", min(21), "UNKNOWN", "psql"));

        assertThat(cmd.getEvent().getTarget()).isEqualTo("db-01");
        assertThat(cmd.getEvent().getCommand()).isEqualTo("psql");
        assertThat(cmd.getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        // Nothing says where an act of an unknown session ran, so a grant on db-* cannot cover it.
        assertThat(otherSession.getEvent().getTarget()).isNull();
        assertThat(otherSession.getLabel()).isEqualTo(GrantLabel.OUT_OF_SCOPE);
    }

    @Test
    void theInputEventIsNotModified() {
        grantDbUntil70();
        book.apply(start("s1", min(20), "S1", "db-01"));
        PrivilegedEvent cmd = command("c1", min(21), "S1", "psql");

        book.apply(cmd);

        assertThat(cmd.getTarget()).isNull();
    }

    @Test
    void anExpiredSessionStaysAfterExpiryEvenWhenAnotherGrantIsInForceElsewhere() {
        grantDbUntil70();
        book.apply(start("s1", min(20), "S1", "db-01"));
        book.apply(requested("w1", min(60), "REQ-WEB", "web-*"));
        book.apply(activated("w2", min(60), "REQ-WEB", min(60), min(120)));

        LabelledEvent out = book.apply(command("c1", min(80), "S1", "id"));

        assertThat(out.getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(out.getGrant().getRequestId()).isEqualTo("REQ-1");
    }

    @Test
    void aSessionCoveredByAFollowUpGrantStaysInGrant() {
        grantDbUntil70();
        book.apply(start("s1", min(20), "S1", "db-01"));
        book.apply(requested("f1", min(65), "REQ-2", "db-01"));
        book.apply(activated("f2", min(66), "REQ-2", min(66), min(130)));

        LabelledEvent out = book.apply(command("c1", min(80), "S1", "id"));

        assertThat(out.getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        assertThat(out.getGrant().getRequestId()).isEqualTo("REQ-2");
        assertThat(book.sessions.get("S1").startGrantId).isEqualTo("REQ-1");
        assertThat(book.sessions.get("S1").grantId).isEqualTo("REQ-2");
    }

    @Test
    void sessionIsRememberedWithItsStart() {
        grantDbUntil70();
        book.apply(start("s1", min(20), "S1", "db-01"));
        book.apply(end("x1", min(25), "S1"));

        TrackedSession s = book.sessions.get("S1");
        assertThat(s.target).isEqualTo("db-01");
        assertThat(s.account).isEqualTo("root");
        assertThat(s.startedAt).isEqualTo(min(20));
        assertThat(s.startLabel).isEqualTo(GrantLabel.IN_GRANT);
        assertThat(s.startGrantId).isEqualTo("REQ-1");
        assertThat(s.endedAt).isEqualTo(min(25));
        assertThat(s.lastSeen).isEqualTo(min(25));
    }

    @Test
    void aLateStartFillsInTheSessionInsteadOfReopeningIt() {
        grantDbUntil70();
        book.apply(command("c1", min(21), "S1", "id"));
        book.apply(ended("e4", min(30), Action.REVOKED, "REQ-1"));

        // The START arrives last but happened first: it must not wipe what is known of the session.
        LabelledEvent lateStart = book.apply(start("s1", min(20), "S1", "db-01"));
        LabelledEvent after = book.apply(command("c2", min(31), "S1", "id"));

        assertThat(lateStart.getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        assertThat(book.sessions.get("S1").startedAt).isEqualTo(min(20));
        assertThat(book.sessions.get("S1").target).isEqualTo("db-01");
        assertThat(after.getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(after.getEvent().getTarget()).isEqualTo("db-01");
    }

    @Test
    void aStartReusingASessionIdOpensANewSession() {
        grantDbUntil70();
        book.apply(start("s1", min(20), "S1", "db-01"));
        book.apply(end("x1", min(25), "S1"));

        LabelledEvent reopened = book.apply(start("s2", min(80), "S1", "db-01"));

        assertThat(reopened.getLabel()).isEqualTo(GrantLabel.NO_GRANT);
        assertThat(book.sessions.get("S1").startGrantId).isNull();
        assertThat(book.sessions.get("S1").endedAt).isNull();
    }

    @Test
    void secretCoveredBySecretIdGlobOrByStore() {
        book.apply(requested("e1", min(0), "REQ-S", "secret/db/*", "vault-ops"));
        book.apply(activated("e2", min(1), "REQ-S", min(1), min(60)));

        LabelledEvent byId = book.apply(secret("r1", min(5), Action.READ, "secret/db/orders", "vault-prod"));
        LabelledEvent byStore = book.apply(secret("r2", min(5), Action.READ, "kv/ci/token", "VAULT-OPS"));
        LabelledEvent neither = book.apply(secret("r3", min(5), Action.READ, "kv/ci/token", "vault-prod"));

        assertThat(byId.getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        assertThat(byStore.getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        assertThat(neither.getLabel()).isEqualTo(GrantLabel.OUT_OF_SCOPE);
        assertThat(book.apply(secret("r4", min(61), Action.READ, "secret/db/orders", "v")).getLabel())
                .isEqualTo(GrantLabel.NO_GRANT);
    }

    @Test
    void secretUseAfterACoveredCheckoutOutlivesTheGrantIsAfterExpiry() {
        book.apply(requested("e1", min(0), "REQ-S", "secret/db/*"));
        book.apply(activated("e2", min(1), "REQ-S", min(1), min(40)));

        assertThat(book.apply(secret("k1", min(20), Action.CHECKOUT, "secret/db/root", "vault")).getLabel())
                .isEqualTo(GrantLabel.IN_GRANT);
        LabelledEvent reuse = book.apply(secret("k2", min(50), Action.READ, "secret/db/root", "vault"));
        LabelledEvent otherSecret = book.apply(secret("k3", min(50), Action.READ, "secret/db/app", "vault"));
        LabelledEvent checkin = book.apply(secret("k4", min(60), Action.CHECKIN, "secret/db/root", "vault"));
        LabelledEvent afterCheckin = book.apply(secret("k5", min(70), Action.READ, "secret/db/root", "vault"));

        assertThat(reuse.getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(reuse.getGrant().getRequestId()).isEqualTo("REQ-S");
        assertThat(reuse.getGrant().getEndedAt()).isEqualTo(min(40));
        assertThat(otherSecret.getLabel()).isEqualTo(GrantLabel.NO_GRANT);
        assertThat(checkin.getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(afterCheckin.getLabel()).isEqualTo(GrantLabel.NO_GRANT);
        assertThat(book.checkouts).isEmpty();
    }

    @Test
    void aNewCheckoutIsJudgedOnItsOwnNotAsUseOfAnEarlierUnreturnedOne() {
        book.apply(requested("e1", min(0), "REQ-S", "secret/db/*"));
        book.apply(activated("e2", min(1), "REQ-S", min(1), min(40)));
        // Checked out under REQ-S and never checked in.
        assertThat(book.apply(secret("k1", min(20), Action.CHECKOUT, "secret/db/root", "vault")).getLabel())
                .isEqualTo(GrantLabel.IN_GRANT);
        // The next day's grant names the database hosts, not the vault path.
        book.apply(requested("e3", min(100), "REQ-2", "db-*"));
        book.apply(activated("e4", min(101), "REQ-2", min(101), min(160)));
        book.apply(start("s1", min(105), "S1", "db-01"));

        LabelledEvent again = book.apply(secret("k2", min(110), Action.CHECKOUT, "secret/db/root", "vault"));
        LabelledEvent checkin = book.apply(secret("k3", min(120), Action.CHECKIN, "secret/db/root", "vault"));
        LabelledEvent inSession =
                book.apply(secretInSession("k4", min(130), Action.CHECKOUT, "secret/db/root", "vault", "S1"));
        LabelledEvent checkinInSession =
                book.apply(secretInSession("k5", min(140), Action.CHECKIN, "secret/db/root", "vault", "S1"));

        // A grant is in force that does not name the secret: out of scope, not after REQ-S's expiry.
        assertThat(again.getLabel()).isEqualTo(GrantLabel.OUT_OF_SCOPE);
        assertThat(again.getGrant().getRequestId()).isEqualTo("REQ-2");
        assertThat(checkin.getLabel()).isEqualTo(GrantLabel.OUT_OF_SCOPE);
        // Nor does an earlier unreturned checkout make a checkout inside a covered session an after-expiry act.
        assertThat(inSession.getLabel()).isNotEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(checkinInSession.getLabel()).isNotEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(book.checkouts).isEmpty();
    }

    @Test
    void anUncoveredCheckoutIsNotRemembered() {
        LabelledEvent checkout = book.apply(secret("k1", min(20), Action.CHECKOUT, "secret/db/root", "vault"));

        assertThat(checkout.getLabel()).isEqualTo(GrantLabel.NO_GRANT);
        assertThat(book.checkouts).isEmpty();
    }

    @Test
    void secretReadInASessionWhoseGrantEndedIsAfterExpiry() {
        grantDbUntil70();
        book.apply(start("s1", min(20), "S1", "db-01"));

        LabelledEvent read = book.apply(secretInSession("r1", min(75), Action.READ, "kv/db-01/root", "vault", "S1"));

        assertThat(read.getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(read.getGrant().getRequestId()).isEqualTo("REQ-1");
        assertThat(book.sessions.get("S1").lastSeen).isEqualTo(min(75));
    }

    @Test
    void secretReadInsideACoveredSessionIsCoveredByTheSessionsGrant() {
        grantDbUntil70();
        book.apply(start("s1", min(20), "S1", "db-01"));

        LabelledEvent inSession = book.apply(secretInSession("r1", min(30), Action.READ, "kv/prod/payments", "vault", "S1"));
        LabelledEvent outside = book.apply(secret("r2", min(30), Action.READ, "kv/prod/payments", "vault"));
        book.apply(start("s2", min(40), "S2", "web-01"));
        LabelledEvent inUncoveredSession =
                book.apply(secretInSession("r3", min(45), Action.READ, "kv/prod/payments", "vault", "S2"));

        assertThat(inSession.getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        assertThat(inSession.getGrant().getRequestId()).isEqualTo("REQ-1");
        // Outside any session the secret path itself must be in scope; it is not.
        assertThat(outside.getLabel()).isEqualTo(GrantLabel.OUT_OF_SCOPE);
        // A session the grant does not cover lends it nothing.
        assertThat(inUncoveredSession.getLabel()).isEqualTo(GrantLabel.OUT_OF_SCOPE);
    }

    @Test
    void aSecretReadNamingItsGrantIsLabelledWithItOverAMoreRecentOne() {
        // Two grants over everything in force: STS credentials KEY-1 issued at 10, a Teleport role request at 20.
        book.apply(elevation("a1", min(10), Action.ACTIVATED, "KEY-1").setScope(List.of("*"))
                .setWindowStart(min(10)).setWindowEnd(min(70)).build());
        book.apply(requested("t1", min(15), "REQ-2", "*"));
        book.apply(activated("t2", min(20), "REQ-2", min(20), min(80)));

        LabelledEvent withKey = book.apply(Events.event("r1", min(30), EventType.SECRET, Action.READ)
                .setSecretId("prod/payments/db").setStore("secretsmanager").setRequestIds(List.of("KEY-1")).build());
        LabelledEvent unlinked = book.apply(secret("r2", min(30), Action.READ, "kv/prod/payments", "vault"));

        assertThat(withKey.getLabel()).isEqualTo(GrantLabel.IN_GRANT);
        assertThat(withKey.getGrant().getRequestId()).isEqualTo("KEY-1");
        // A read that names no grant goes to the one usable most recently.
        assertThat(unlinked.getGrant().getRequestId()).isEqualTo("REQ-2");
    }

    @Test
    void cleanupForgetsEndedGrantsAndIdleSessionsAfterTheHorizon() {
        GrantBook shortBook = new GrantBook(Duration.ofHours(1));
        shortBook.apply(requested("e1", min(0), "REQ-1", "db-*"));
        shortBook.apply(activated("e2", min(1), "REQ-1", min(1), min(40)));
        shortBook.apply(start("s1", min(10), "S1", "db-01"));
        shortBook.apply(command("c1", min(50), "S1", "id"));

        // The grant ended at 40 but the session that refers to it was last active at 50.
        assertThat(shortBook.nextCleanupTime()).isEqualTo(min(110));
        shortBook.cleanup(min(110) - 1);
        assertThat(shortBook.grants).containsOnlyKeys("REQ-1");
        assertThat(shortBook.sessions).containsOnlyKeys("S1");

        shortBook.cleanup(min(110));
        assertThat(shortBook.isEmpty()).isTrue();
        assertThat(shortBook.nextCleanupTime()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anEndedGrantNoSessionRefersToGoesAtItsOwnTime() {
        GrantBook shortBook = new GrantBook(Duration.ofHours(1));
        shortBook.apply(requested("e1", min(0), "REQ-1", "db-*"));
        shortBook.apply(activated("e2", min(1), "REQ-1", min(1), min(40)));
        shortBook.apply(start("s1", min(10), "S1", "web-01"));
        shortBook.apply(command("c1", min(200), "S1", "id"));

        assertThat(shortBook.nextCleanupTime()).isEqualTo(min(100));
        shortBook.cleanup(min(100));
        assertThat(shortBook.grants).isEmpty();
        assertThat(shortBook.sessions).containsOnlyKeys("S1");
        assertThat(shortBook.nextCleanupTime()).isEqualTo(min(260));
    }

    @Test
    void pendingRequestsAreForgottenButOpenEndedGrantsInForceAreKept() {
        GrantBook shortBook = new GrantBook(Duration.ofHours(1));
        shortBook.apply(requested("e1", min(0), "REQ-PENDING", "db-*"));
        shortBook.apply(requested("e2", min(0), "REQ-OPEN", "db-*"));
        shortBook.apply(elevation("e3", min(5), Action.APPROVED, "REQ-OPEN").setApprover("bob").build());

        assertThat(shortBook.nextCleanupTime()).isEqualTo(min(60));
        shortBook.cleanup(min(600));

        assertThat(shortBook.grants).containsOnlyKeys("REQ-OPEN");
        assertThat(shortBook.nextCleanupTime()).isEqualTo(Long.MAX_VALUE);
        assertThat(shortBook.apply(start("s1", min(601), "S1", "db-01")).getLabel()).isEqualTo(GrantLabel.IN_GRANT);
    }

    @Test
    void checkoutsAreForgottenAfterTheHorizon() {
        GrantBook shortBook = new GrantBook(Duration.ofHours(1));
        shortBook.apply(requested("e1", min(0), "REQ-S", "secret/*"));
        shortBook.apply(activated("e2", min(1), "REQ-S", min(1), min(10)));
        shortBook.apply(secret("k1", min(5), Action.CHECKOUT, "secret/a", "vault"));
        shortBook.apply(secret("k2", min(30), Action.READ, "secret/a", "vault"));

        assertThat(shortBook.nextCleanupTime()).isEqualTo(min(90));
        shortBook.cleanup(min(90));
        assertThat(shortBook.isEmpty()).isTrue();
    }

    @Test
    void sessionCountIsCappedDroppingTheLeastRecentlyActive() {
        for (int i = 0; i < GrantBook.MAX_SESSIONS + 44; i++) {
            book.apply(start("s" + i, min(i), "S" + i, "db-01"));
        }
        book.apply(command("c0", min(1000), "S50", "id"));
        book.apply(start("late-new", min(1001), "S-NEW", "db-01"));

        assertThat(book.sessions).hasSize(GrantBook.MAX_SESSIONS);
        assertThat(book.sessions).containsKeys("S45", "S50", "S-NEW", "S299")
                .doesNotContainKeys("S0", "S43", "S44");
    }

    @Test
    void endedSessionsAreDroppedBeforeOpenOnesWhenOverTheCap() {
        for (int i = 0; i < GrantBook.MAX_SESSIONS; i++) {
            book.apply(start("s" + i, min(i), "S" + i, "db-01"));
        }
        book.apply(end("x1", min(500), "S200"));
        book.apply(start("new", min(501), "S-NEW", "db-01"));

        assertThat(book.sessions).hasSize(GrantBook.MAX_SESSIONS).doesNotContainKey("S200").containsKey("S0");
    }

    @Test
    void grantCountIsCappedDroppingThoseDueForCleanupFirst() {
        book.apply(requested("open", min(0), "REQ-OPEN", "db-*"));
        book.apply(activated("open2", min(0), "REQ-OPEN", min(0), min(100_000)));
        for (int i = 0; i < GrantBook.MAX_GRANTS + 10; i++) {
            book.apply(requested("r" + i, min(10 + i), "REQ-" + i, "db-*"));
            book.apply(activated("a" + i, min(10 + i), "REQ-" + i, min(10 + i), min(11 + i)));
        }

        assertThat(book.grants).hasSize(GrantBook.MAX_GRANTS);
        assertThat(book.grants).containsKeys("REQ-OPEN", "REQ-73").doesNotContainKeys("REQ-0", "REQ-10");
    }

    @Test
    void aSessionWhoseGrantWasPushedOutByTheCapStillNamesIt() {
        grantDbUntil70();
        book.apply(start("s1", min(20), "S1", "db-01"));
        // Grants in force with no end are kept over an ended one, so REQ-1 is the one pushed out.
        for (int i = 0; i < GrantBook.MAX_GRANTS; i++) {
            book.apply(elevation("r" + i, min(21), Action.APPROVED, "REQ-X" + i).build());
        }
        assertThat(book.grants).doesNotContainKey("REQ-1");

        LabelledEvent out = book.apply(command("c1", min(80), "S1", "id"));

        assertThat(out.getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(out.getGrant().getRequestId()).isEqualTo("REQ-1");
    }

    @Test
    void sameTimeEventsInLabellingOrderLetTheRevocationWin() {
        grantDbUntil70();
        book.apply(start("s1", min(20), "S1", "db-01"));
        List<PrivilegedEvent> sameInstant = new ArrayList<>(List.of(
                command("a-cmd", min(30), "S1", "id"),
                ended("z-revoke", min(30), Action.REVOKED, "REQ-1")));
        sameInstant.sort(LabellingOrder.INSTANCE);

        List<LabelledEvent> out = sameInstant.stream().map(book::apply).toList();

        assertThat(out.get(0).getEvent().getEventId()).isEqualTo("z-revoke");
        assertThat(out.get(1).getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
    }

    @Test
    void retentionMustBePositive() {
        assertThatThrownBy(() -> new GrantBook(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
        assertThat(new GrantBook().retentionMillis).isEqualTo(Duration.ofHours(24).toMillis());
    }
}
