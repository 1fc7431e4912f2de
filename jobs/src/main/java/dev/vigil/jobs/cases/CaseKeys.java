package dev.vigil.jobs.cases;

import dev.vigil.output.EvidenceKind;
import dev.vigil.output.Finding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * Deterministic ids of cases and evidence records. Both builders derive ids from the same principal and
 * grant/session/day key, so a case and the evidence it points to agree, and a replay of the same input
 * writes the same ids (upserts rather than duplicates).
 */
public final class CaseKeys {

    private static final int ID_HEX_CHARS = 20;

    private CaseKeys() {
    }

    /**
     * The case a finding belongs to: one case per principal and grant; without a grant, per session;
     * without either, per principal and UTC day of the finding. A blank request or session id counts as absent.
     */
    public static String caseId(Finding finding) {
        if (finding.getPrincipal() == null || finding.getPrincipal().getId() == null) {
            throw new IllegalArgumentException("finding " + finding.getFindingId() + " has no principal id");
        }
        return "case-" + shortHash(finding.getPrincipal().getId() + "|" + caseKey(finding));
    }

    /** The grouping key inside the principal: "grant:REQ", "session:SID" or "day:YYYY-MM-DD". */
    public static String caseKey(Finding finding) {
        if (present(finding.getRequestId())) {
            return "grant:" + finding.getRequestId();
        }
        if (present(finding.getSessionId())) {
            return "session:" + finding.getSessionId();
        }
        return "day:" + utcDay(finding.getEventTime());
    }

    /** The evidence record of one principal's grant (key request id), session (session id) or day (YYYY-MM-DD). */
    public static String evidenceId(String principalId, EvidenceKind kind, String key) {
        if (principalId == null || kind == null || key == null) {
            throw new IllegalArgumentException("evidence id needs a principal id, a kind and a key");
        }
        return "evidence-" + shortHash(principalId + "|" + kind.name() + ":" + key);
    }

    /** UTC calendar day of an epoch-ms instant, as YYYY-MM-DD: the key of per-day cases and evidence. */
    public static String utcDay(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC).toLocalDate().toString();
    }

    private static boolean present(String id) {
        return id != null && !id.isBlank();
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, ID_HEX_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
