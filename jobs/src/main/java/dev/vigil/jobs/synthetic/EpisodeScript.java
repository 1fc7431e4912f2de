package dev.vigil.jobs.synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes one episode while it is planned: scenario code adds grant steps, sessions and secret accesses in any order,
 * and {@link #build} sorts them into event-time order, numbers them and resolves the truth's event ids.
 */
final class EpisodeScript {
    static final long SECOND = 1000L;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;

    final SplittableRandom rng;
    final SyntheticPrincipal principal;
    final TrafficProfile profile;
    private final long number;
    private final int partition;
    private final String idPrefix;
    private final String namePrefix;
    private final long mixSeed;
    private int grants;
    private int sessions;

    private int size;
    private long[] times = new long[32];
    private byte[] ops = new byte[32];
    private Object[] refs = new Object[32];
    private String[] texts = new String[32];
    private int[] args = new int[32];
    private final List<Integer> triggers = new ArrayList<>();

    EpisodeScript(long seed, int partition, long number, SyntheticPrincipal principal, TrafficProfile profile) {
        this.partition = partition;
        this.number = number;
        this.principal = principal;
        this.profile = profile;
        this.mixSeed = Seeds.of(seed, partition, number);
        this.rng = new SplittableRandom(mixSeed);
        String coordinates = seed + "-" + partition + "-" + number + "-";
        this.idPrefix = "syn-" + coordinates;
        this.namePrefix = coordinates;
    }

    /** A uniformly drawn value in [lo, hi]. */
    long between(long lo, long hi) {
        return lo + rng.nextLong(hi - lo + 1);
    }

    boolean chance(double p) {
        return rng.nextDouble() < p;
    }

    <T> T oneOf(T[] items) {
        return items[rng.nextInt(items.length)];
    }

    /** A copy of {@code items} in an order drawn from this script's random stream (Fisher-Yates). */
    String[] shuffled(String[] items) {
        String[] all = items.clone();
        for (int i = all.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            String tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        return all;
    }

    String ticket(String prefix) {
        return prefix + (100000 + rng.nextInt(900000));
    }

    GrantPlan grant(String role, List<String> scope, String reason, String ticket, boolean breakGlass) {
        return new GrantPlan("req-" + namePrefix + grants++, role, scope, reason, ticket, breakGlass ? Boolean.TRUE : null);
    }

    SessionPlan session(String target, Duty how, boolean interactive, boolean recorded, List<String> requestIds) {
        return session(target, how.account, how.protocol, interactive, recorded, requestIds, null);
    }

    SessionPlan session(String target, String account, String protocol, boolean interactive, boolean recorded,
            List<String> requestIds, String sourceIp) {
        return new SessionPlan("ses-" + namePrefix + sessions++, target, account, protocol, interactive, recorded,
                requestIds, sourceIp);
    }

    /** Adds one grant step; returns its handle for {@link #trigger}. */
    int grantStep(long time, byte op, GrantPlan grant) {
        return add(time, op, grant, null, 0);
    }

    int revoke(long time, GrantPlan grant, String revoker) {
        return add(time, Episode.REVOKED, grant, revoker, 0);
    }

    /** A secret access outside any session. */
    int secret(long time, byte op, String secretId) {
        return add(time, op, null, secretId, 0);
    }

    SessionTape tape(SessionPlan session, long start) {
        return new SessionTape(session, start);
    }

    /** Marks an added event as one of those that constitute the violation. */
    void trigger(int handle) {
        triggers.add(handle);
    }

    int add(long time, byte op, Object ref, String text, int arg) {
        if (size == times.length) {
            int n = size * 2;
            times = Arrays.copyOf(times, n);
            ops = Arrays.copyOf(ops, n);
            refs = Arrays.copyOf(refs, n);
            texts = Arrays.copyOf(texts, n);
            args = Arrays.copyOf(args, n);
        }
        times[size] = time;
        ops[size] = op;
        refs[size] = ref;
        texts[size] = text;
        args[size] = arg;
        return size++;
    }

    Episode build(Scenario scenario, String variant, String requestId, String sessionId) {
        // Stable insertion sort by time: scripts are written nearly in order, so this is close to linear, and
        // events at the same instant keep the order the scenario wrote them in.
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            int j = i;
            while (j > 0 && times[order[j - 1]] > times[i]) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        long[] sTimes = new long[size];
        byte[] sOps = new byte[size];
        Object[] sRefs = new Object[size];
        String[] sTexts = new String[size];
        int[] sArgs = new int[size];
        int[] position = new int[size];
        for (int i = 0; i < size; i++) {
            int from = order[i];
            position[from] = i;
            sTimes[i] = times[from];
            sOps[i] = ops[from];
            sRefs[i] = refs[from];
            sTexts[i] = texts[from];
            sArgs[i] = args[from];
        }
        List<String> ids = new ArrayList<>(triggers.size());
        triggers.stream().map(h -> position[h]).sorted().forEach(p -> ids.add(idPrefix + p));
        ScenarioTruth truth = new ScenarioTruth(scenario, variant, scenario.ruleId(), principal.id, requestId,
                sessionId, ids, partition, number, sTimes[0], sTimes[size - 1]);
        return new Episode(number, principal, idPrefix, mixSeed, size, sTimes, sOps, sRefs, sTexts, sArgs,
                profile.secretStore(), profile.credentialSafe(), truth);
    }

    int size() {
        return size;
    }

    /** Plays one session forward in time: START, then each step a gap after the previous one, then END. */
    final class SessionTape {
        final SessionPlan session;
        final int start;
        long now;

        SessionTape(SessionPlan session, long startTime) {
            this.session = session;
            this.now = startTime;
            this.start = add(startTime, Episode.START, session, null, 0);
        }

        int command(String command, long minGap, long maxGap) {
            now += between(minGap, maxGap);
            return add(now, Episode.COMMAND, session, command, chance(0.04) ? 1 : 0);
        }

        int secret(byte op, String secretId, long minGap, long maxGap) {
            now += between(minGap, maxGap);
            return add(now, op, session, secretId, 0);
        }

        /** Ends the session; returns its END time. */
        long end() {
            now += between(5 * SECOND, 30 * SECOND);
            add(now, Episode.END, session, null, 0);
            return now;
        }
    }
}
