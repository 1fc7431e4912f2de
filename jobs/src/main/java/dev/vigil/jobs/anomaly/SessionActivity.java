package dev.vigil.jobs.anomaly;

import dev.vigil.common.GrantLabel;
import dev.vigil.common.PrincipalKind;
import dev.vigil.event.Action;
import dev.vigil.event.EventType;

import java.util.ArrayList;
import java.util.List;

/**
 * What one unit of behaviour did, folded act by act: a privileged session, or one principal-hour of secret access
 * outside any session. The job folds it from labelled events, {@code vigil model train} from evidence records; both
 * hand it to {@link FeatureExtractor}, so training and scoring see the same features. A Flink POJO, kept in keyed
 * state while the session is open; its sets are bounded ({@link #MAX_DISTINCT}).
 */
public class SessionActivity {
    /** Distinct commands, secrets and targets remembered per unit; beyond this the counts stop growing. */
    public static final int MAX_DISTINCT = 256;
    /** Prefix of the key of a principal-hour of secret access outside sessions. */
    public static final String SECRET_HOUR_PREFIX = "secrets@";

    /** Session id, or {@code secrets@<hour start epoch ms>}. */
    public String key;
    public String principalId;
    public PrincipalKind kind;
    /** Source address of the first act that named one. */
    public String sourceIp;
    public String sessionId;
    public String account;
    public String target;
    public Boolean interactive;
    /** Grant covering the first act, or null. */
    public String requestId;
    public String role;
    public Long grantWindowStart;
    public Long grantWindowEnd;
    public GrantLabel label;
    public long startedAt = Long.MAX_VALUE;
    public long lastActAt = Long.MIN_VALUE;
    /** END time, or null while open. */
    public Long endedAt;
    public int commands;
    public int riskyCommands;
    public int secretsRead;
    public List<Integer> commandHashes = new ArrayList<>();
    public List<String> secrets = new ArrayList<>();
    public List<String> targets = new ArrayList<>();
    /** Smallest and largest event id seen: the finding id depends only on these. */
    public String firstEventId;
    public String lastEventId;

    public SessionActivity() {}

    public SessionActivity(String key, String principalId, PrincipalKind kind) {
        this.key = key;
        this.principalId = principalId;
        this.kind = kind;
    }

    /** The key of the principal-hour holding {@code eventTime}. */
    public static String secretHourKey(long eventTime) {
        return SECRET_HOUR_PREFIX + Math.floorDiv(eventTime, 3_600_000L) * 3_600_000L;
    }

    public boolean isSecretHour() {
        return key != null && key.startsWith(SECRET_HOUR_PREFIX);
    }

    /** Start of the hour a secret-hour unit covers. */
    public long hourStart() {
        return Long.parseLong(key.substring(SECRET_HOUR_PREFIX.length()));
    }

    /**
     * Folds one act in. Order matters only for which grant, account and source address are kept (the first act's
     * that names one, by event time), which callers keep stable by folding in event-time order.
     */
    public void add(String eventId, long eventTime, EventType type, Action action, String target, String account,
                    String command, String secretId, String sourceIp) {
        if (eventTime < startedAt) {
            startedAt = eventTime;
        }
        lastActAt = Math.max(lastActAt, eventTime);
        if (eventId != null) {
            if (firstEventId == null || eventId.compareTo(firstEventId) < 0) {
                firstEventId = eventId;
            }
            if (lastEventId == null || eventId.compareTo(lastEventId) > 0) {
                lastEventId = eventId;
            }
        }
        if (this.sourceIp == null && sourceIp != null) {
            this.sourceIp = sourceIp;
        }
        if (target != null) {
            if (this.target == null) {
                this.target = target;
            }
            addBounded(targets, target);
        }
        if (type == EventType.SESSION) {
            if (this.account == null && account != null) {
                this.account = account;
            }
            if (action == Action.END && (endedAt == null || eventTime < endedAt)) {
                endedAt = eventTime;
            }
            if (action == Action.COMMAND) {
                commands++;
                if (command != null) {
                    addBounded(commandHashes, command.hashCode());
                }
                if (RiskyCommandPatterns.isRisky(command)) {
                    riskyCommands++;
                }
            }
        } else if (type == EventType.SECRET && (action == Action.READ || action == Action.CHECKOUT)) {
            secretsRead++;
            if (secretId != null) {
                addBounded(secrets, secretId);
            }
        }
    }

    /** Records the grant covering the unit, if none is recorded yet. */
    public void grant(String requestId, String role, Long windowStart, Long windowEnd, GrantLabel label) {
        if (this.label == null && label != null) {
            this.label = label;
        }
        if (this.requestId == null && requestId != null) {
            this.requestId = requestId;
            this.role = role;
            this.grantWindowStart = windowStart;
            this.grantWindowEnd = windowEnd;
        }
    }

    /** How long a session without END stays open after its latest act. */
    public static final long SESSION_IDLE_MS = 12 * 3_600_000L;

    /**
     * The event time the unit closes at: its END; without END, {@link #SESSION_IDLE_MS} after its latest act; for a
     * secret hour, the end of the hour. Units of one principal are judged in (close time, key) order everywhere.
     */
    public long closeAt() {
        if (isSecretHour()) {
            return hourStart() + 3_600_000L;
        }
        return endedAt != null ? endedAt : lastActAt + SESSION_IDLE_MS;
    }

    /** The order units of one principal are judged in. */
    public static final java.util.Comparator<SessionActivity> CLOSING_ORDER =
            java.util.Comparator.comparingLong(SessionActivity::closeAt).thenComparing(u -> u.key);

    /** Where the unit stopped: its END, else its latest act. */
    public long stoppedAt() {
        return endedAt != null ? endedAt : lastActAt;
    }

    private static <T> void addBounded(List<T> list, T value) {
        if (list.size() < MAX_DISTINCT && !list.contains(value)) {
            list.add(value);
        }
    }
}
