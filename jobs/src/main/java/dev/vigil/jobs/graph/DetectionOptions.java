package dev.vigil.jobs.graph;

import dev.vigil.jobs.rules.RuleOperator;
import java.io.Serializable;
import java.time.Duration;

/**
 * The detection graph's settings. Every option has a default that suits production; {@code demo} and
 * {@code replay} change the few that differ for them. In a {@code --config} file they sit under {@code detection:}
 * with the same names in kebab-case (e.g. {@code out-of-orderness: PT2M}); durations are ISO-8601.
 */
public class DetectionOptions implements Serializable {
    /**
     * How far behind the newest event an event may arrive and still be judged in order (default 2 minutes).
     * Findings wait this long: detection latency equals this bound. {@code null} means "wait for the end of
     * input", which makes a bounded replay independent of the order of lines in its files.
     */
    public Duration outOfOrderness = Duration.ofMinutes(2);

    /** A source partition silent this long stops holding back the watermark (default 30 s). */
    public Duration sourceIdleness = Duration.ofSeconds(30);

    /** How long ended grants and ended or idle sessions are remembered, in event time (default 24 h). */
    public Duration grantRetention = Duration.ofHours(24);

    /** A case with no new finding for this long is closed in state; a later finding re-opens the same id (7 days). */
    public Duration caseIdleHorizon = Duration.ofDays(7);

    /** An evidence record that changes is re-emitted at most once per this much event time (default 5 min). */
    public Duration evidenceUpdateInterval = Duration.ofMinutes(5);

    /** How long an evidence record is kept in state after its last event (default 24 h of event time). */
    public Duration evidenceRetention = Duration.ofHours(24);

    /** Acts listed in one evidence record; more are counted in {@code behaviour_dropped} (default 500). */
    public int maxBehaviourItems = 500;

    /**
     * Recent events kept per principal so that rule state can be rebuilt after a restore (default 1000); events
     * older than the pack's longest rule horizon are dropped anyway. A principal busier than this within the
     * horizon has only its latest events replayed.
     */
    public int maxReplayEvents = RuleOperator.DEFAULT_MAX_REPLAY_EVENTS;

    /** Records larger than this many bytes are dead-lettered as oversize (default 256 KiB). */
    public int maxRecordBytes = 256 * 1024;

    /** Event times further than this past the wall clock are refused as absurd (default 1 day). */
    public Duration maxFutureSkew = Duration.ofDays(1);

    /** Command lines longer than this many characters are refused (default 16384). */
    public int maxCommandLength = 16 * 1024;

    /**
     * The principal directory ({@code --identities FILE}) that gives every event one principal id per person or
     * service; null keeps the products' own source-qualified ids. Set from the command line, not the config file.
     */
    public dev.vigil.connectors.identity.IdentityResolver identities;

    /**
     * The behavioural anomaly model PUM-100 scores closed sessions with ({@code --model FILE}); null scores them
     * against the principal's and its peer group's baselines alone (z-scores).
     */
    public dev.vigil.jobs.anomaly.AnomalyModel anomalyModel;

    /** Operator parallelism; 0 keeps the environment's default. */
    public int parallelism = 0;

    /**
     * Reads {@code detection.*} properties (kebab-case names of the fields above; durations ISO-8601 such as
     * {@code PT2M}, or {@code none} for out-of-orderness). Unknown keys are refused so a typo does not pass.
     *
     * @throws IllegalArgumentException with a one-line reason naming the key
     */
    public static DetectionOptions fromProperties(java.util.Map<String, String> properties) {
        DetectionOptions o = new DetectionOptions();
        for (java.util.Map.Entry<String, String> e : properties.entrySet()) {
            if (!e.getKey().startsWith("detection.")) {
                continue;
            }
            String key = e.getKey().substring("detection.".length());
            String v = e.getValue().trim();
            try {
                switch (key) {
                    case "out-of-orderness" -> o.outOfOrderness = v.equalsIgnoreCase("none") ? null : Duration.parse(v);
                    case "source-idleness" -> o.sourceIdleness = Duration.parse(v);
                    case "grant-retention" -> o.grantRetention = Duration.parse(v);
                    case "case-idle-horizon" -> o.caseIdleHorizon = Duration.parse(v);
                    case "evidence-update-interval" -> o.evidenceUpdateInterval = Duration.parse(v);
                    case "evidence-retention" -> o.evidenceRetention = Duration.parse(v);
                    case "max-behaviour-items" -> o.maxBehaviourItems = Integer.parseInt(v);
                    case "max-replay-events" -> o.maxReplayEvents = Integer.parseInt(v);
                    case "max-record-bytes" -> o.maxRecordBytes = Integer.parseInt(v);
                    case "max-future-skew" -> o.maxFutureSkew = Duration.parse(v);
                    case "max-command-length" -> o.maxCommandLength = Integer.parseInt(v);
                    case "parallelism" -> o.parallelism = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown detection option '" + e.getKey() + "'");
                }
            } catch (java.time.format.DateTimeParseException | NumberFormatException ex) {
                throw new IllegalArgumentException(e.getKey() + ": '" + v + "' is not a valid "
                        + (ex instanceof NumberFormatException ? "number" : "ISO-8601 duration (e.g. PT2M)"));
            }
        }
        return o;
    }

    public static DetectionOptions defaults() {
        return new DetectionOptions();
    }

    /** The settings of a bounded replay: judge every event in event-time order whatever the order of the files. */
    public static DetectionOptions forReplay() {
        DetectionOptions o = new DetectionOptions();
        o.outOfOrderness = null;
        return o;
    }
}
