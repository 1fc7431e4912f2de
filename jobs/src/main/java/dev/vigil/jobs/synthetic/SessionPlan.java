package dev.vigil.jobs.synthetic;

import java.util.List;

/** One brokered session as an episode plans it: where, as whom, how, and what the broker knows about it. */
final class SessionPlan {
    final String sessionId;
    final String target;
    final String account;
    final String protocol;
    final Boolean interactive;
    final Boolean recorded;
    /** Grants the broker linked to the session; empty when it linked none. */
    final List<String> requestIds;
    /** Address the session came from; null for the principal's usual one. */
    final String sourceIp;

    SessionPlan(String sessionId, String target, String account, String protocol, boolean interactive,
            boolean recorded, List<String> requestIds, String sourceIp) {
        this.sessionId = sessionId;
        this.target = target;
        this.account = account;
        this.protocol = protocol;
        this.interactive = interactive;
        this.recorded = recorded;
        this.requestIds = List.copyOf(requestIds);
        this.sourceIp = sourceIp;
    }
}
