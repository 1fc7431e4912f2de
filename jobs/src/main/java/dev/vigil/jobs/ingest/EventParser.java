package dev.vigil.jobs.ingest;

import dev.vigil.connectors.RawRecord;
import dev.vigil.connectors.identity.IdentityResolver;
import dev.vigil.connectors.normalize.CommandRedactor;
import dev.vigil.connectors.normalize.Normalizer;
import dev.vigil.connectors.normalize.Normalizers;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.EventValidator;
import dev.vigil.schema.json.InvalidRecordException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The graph's front door: raw records of any format become validated, redacted canonical events, and everything
 * else becomes a dead letter with its origin, its reason and its bytes. Nothing that enters is lost without a
 * count: each record is an event (or several), a skip (a blank line, a product record with nothing to use), or a
 * dead letter.
 */
public final class EventParser extends ProcessFunction<RawRecord, PrivilegedEvent> {
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
    public static final String EVENTS = "vigil.events";
    public static final String DEAD = "vigil.dead_letters";
    public static final String SKIPPED = "vigil.skipped";
    /** Per input format: {@code vigil.format.<format>.read|normalized|skipped|dead}, counted in records. */
    public static final String FORMAT_PREFIX = "vigil.format.";
    /** Events whose principal the directory resolved, and those it did not know (with {@code --identities}). */
    public static final String RESOLVED = "vigil.identities.resolved";
    public static final String UNRESOLVED = "vigil.identities.unresolved";
    /** Unresolved principal ids with their event counts ({@link UnresolvedIdentities}). */
    public static final String UNRESOLVED_IDS = "vigil.identities.unresolved-ids";

    private final int maxRecordBytes;
    private final long maxFutureSkewMs;
    private final int maxCommandLength;
    private IdentityResolver identities;

    private transient EventValidator validator;
    private transient Map<String, Normalizer> normalizers;
    private transient LongCounter eventCount;
    private transient LongCounter deadCount;
    private transient LongCounter skippedCount;
    private transient Counter eventMetric;
    private transient Counter deadMetric;
    private transient Counter skippedMetric;
    private transient Map<String, FormatCounters> formatCounters;
    private transient LongCounter resolvedCount;
    private transient LongCounter unresolvedCount;
    private transient UnresolvedIdentities unresolvedIds;
    private transient Counter unresolvedMetric;

    /** Counting accumulators of one input format. */
    private record FormatCounters(LongCounter read, LongCounter normalized, LongCounter skipped, LongCounter dead) {}

    public EventParser(int maxRecordBytes, long maxFutureSkewMs, int maxCommandLength) {
        this.maxRecordBytes = maxRecordBytes;
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.maxCommandLength = maxCommandLength;
    }

    /**
     * Resolves every event's principal and approver through the principal directory right after normalization;
     * null (the default) keeps the products' own ids.
     */
    public EventParser withIdentities(IdentityResolver resolver) {
        this.identities = resolver;
        return this;
    }

    @Override
    public void open(OpenContext ctx) {
        validator = new EventValidator(maxFutureSkewMs, maxCommandLength);
        normalizers = new HashMap<>();
        eventCount = getRuntimeContext().getLongCounter(EVENTS);
        deadCount = getRuntimeContext().getLongCounter(DEAD);
        skippedCount = getRuntimeContext().getLongCounter(SKIPPED);
        eventMetric = getRuntimeContext().getMetricGroup().counter("eventsParsed");
        deadMetric = getRuntimeContext().getMetricGroup().counter("deadLetters");
        skippedMetric = getRuntimeContext().getMetricGroup().counter("recordsSkipped");
        formatCounters = new HashMap<>();
        if (identities != null) {
            resolvedCount = getRuntimeContext().getLongCounter(RESOLVED);
            unresolvedCount = getRuntimeContext().getLongCounter(UNRESOLVED);
            unresolvedIds = new UnresolvedIdentities();
            getRuntimeContext().addAccumulator(UNRESOLVED_IDS, unresolvedIds);
            unresolvedMetric = getRuntimeContext().getMetricGroup().counter("unresolvedPrincipals");
        }
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<PrivilegedEvent> out) {
        byte[] payload = record.payload == null ? new byte[0] : record.payload;
        FormatCounters counts = counters(record.format);
        counts.read().add(1);
        if (record.rejection != null) {
            deadLetter(ctx, record, record.rejection);
            return;
        }
        if (payload.length > maxRecordBytes) {
            deadLetter(ctx, record, "record of " + payload.length + " bytes exceeds the limit of " + maxRecordBytes);
            return;
        }
        if (isBlank(payload)) {
            counts.skipped().add(1);
            skippedCount.add(1);
            skippedMetric.inc();
            return;
        }
        List<PrivilegedEvent> events;
        try {
            events = normalizer(record.format).normalize(record);
            for (PrivilegedEvent e : events) {
                validator.validate(e);
            }
        } catch (InvalidRecordException e) {
            deadLetter(ctx, record, e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            deadLetter(ctx, record, e.getMessage());
            return;
        } catch (RuntimeException e) {
            // A normalizer bug must cost one record, not the job; the reason says it was not the input's fault.
            deadLetter(ctx, record, "normalizer " + record.format + " failed: " + e);
            return;
        }
        if (events.isEmpty()) {
            counts.skipped().add(1);
            skippedCount.add(1);
            skippedMetric.inc();
            return;
        }
        counts.normalized().add(1);
        for (PrivilegedEvent e : events) {
            if (identities != null) {
                resolve(e);
            }
            if (e.getCommand() != null) {
                e.setCommand(CommandRedactor.redact(e.getCommand()));
            }
            if (e.getRawRef() == null) {
                e.setRawRef(record.origin);
            }
            eventCount.add(1);
            eventMetric.inc();
            out.collect(e);
        }
    }

    private void resolve(PrivilegedEvent e) {
        if (identities.resolve(e)) {
            resolvedCount.add(1);
        } else {
            unresolvedCount.add(1);
            unresolvedMetric.inc();
            unresolvedIds.add(e.getPrincipal().getId());
        }
    }

    private FormatCounters counters(String format) {
        String f = format == null ? "canonical" : format;
        FormatCounters c = formatCounters.get(f);
        if (c == null) {
            String p = FORMAT_PREFIX + f;
            c = new FormatCounters(getRuntimeContext().getLongCounter(p + ".read"),
                    getRuntimeContext().getLongCounter(p + ".normalized"), getRuntimeContext().getLongCounter(p + ".skipped"),
                    getRuntimeContext().getLongCounter(p + ".dead"));
            formatCounters.put(f, c);
        }
        return c;
    }

    private Normalizer normalizer(String format) {
        return normalizers.computeIfAbsent(format == null ? "canonical" : format, Normalizers::forFormat);
    }

    private void deadLetter(Context ctx, RawRecord record, String reason) {
        counters(record.format).dead().add(1);
        deadCount.add(1);
        deadMetric.inc();
        byte[] payload = record.payload == null ? new byte[0] : record.payload;
        byte[] kept = payload.length > maxRecordBytes ? Arrays.copyOf(payload, maxRecordBytes) : payload;
        ctx.output(DEAD_LETTERS, DeadLetter.newBuilder()
                .setOrigin(record.origin == null ? "unknown" : record.origin)
                .setFormat(record.format == null ? "unknown" : record.format)
                .setReason(reason == null ? "unreadable" : reason)
                .setPayload(ByteBuffer.wrap(kept))
                .setPayloadText(asText(kept))
                .setReceivedAt(System.currentTimeMillis())
                .build());
    }

    /** The bytes as text if they are valid UTF-8, else null (the payload field still holds them exactly). */
    static String asText(byte[] bytes) {
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isBlank(byte[] payload) {
        for (byte b : payload) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
