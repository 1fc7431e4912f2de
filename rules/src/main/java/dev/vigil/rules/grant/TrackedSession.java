package dev.vigil.rules.grant;

import dev.vigil.common.GrantLabel;

import java.util.ArrayList;
import java.util.List;

/**
 * What the grant book remembers of one PAM session, so later acts in it (which often carry no target) are
 * judged against the session's target and the grant that covered it. A Flink POJO.
 */
public class TrackedSession {

    public String sessionId;
    public String target;
    public String account;
    /** Grant ids the broker linked to the session, in the order first seen. */
    public List<String> requestIds = new ArrayList<>();
    /** Event time of START, if seen. */
    public Long startedAt;
    /** Label of the START event, if seen. */
    public GrantLabel startLabel;
    /** The grant the session started under, if it started IN_GRANT. */
    public String startGrantId;
    /** The grant that covered the session's latest act judged IN_GRANT; its end makes later acts AFTER_EXPIRY. */
    public String grantId;
    /** Event time of END, if seen. */
    public Long endedAt;
    /** Latest event time of any act in the session. */
    public long lastSeen;

    public TrackedSession() {
    }

    public TrackedSession(String sessionId, long firstSeen) {
        this.sessionId = sessionId;
        this.lastSeen = firstSeen;
    }

    void linkRequests(List<String> ids) {
        if (ids == null) {
            return;
        }
        for (String id : ids) {
            if (id != null && !requestIds.contains(id)) {
                requestIds.add(id);
            }
        }
    }
}
