package dev.vigil.jobs.synthetic;

import static dev.vigil.jobs.synthetic.EpisodeScript.MINUTE;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Plans the episodes of one traffic partition, each a pure function of (seed, partition, episode number) for a
 * given profile and partition count: any episode can be planned alone, in any order, in any process.
 *
 * <p>Time is cut into slots per principal: every person has two five-hour work slots a day from their shift start
 * (06:00-15:29 UTC), every service four six-hour slots around the clock. Episode numbers run through the slots of
 * each day in order of start time, so slot starts never decrease with the episode number and every event of an
 * episode happens at or after its slot's start; the traffic merges episodes on that guarantee. A principal's
 * episodes never overlap in time: slots do not, the two scenarios that outgrow a slot leave the next slots empty
 * ({@link Episode#isIdle()}), and the night session of a behaviour anomaly falls between shifts.
 */
public final class EpisodePlanner {
    static final long DAY = 24 * 60 * MINUTE;
    private static final int HUMAN_SLOT_MINUTES = 300;
    private static final int SERVICE_SLOT_MINUTES = 360;
    private static final Scenario[] HUMAN_ATTACKS = {
            Scenario.UNGRANTED_SESSION, Scenario.ACTIVITY_AFTER_EXPIRY, Scenario.OUT_OF_SCOPE_TARGET,
            Scenario.SELF_APPROVAL, Scenario.BREAK_GLASS, Scenario.UNUSED_GRANT, Scenario.SECRET_OUTSIDE_SESSION,
            Scenario.RISKY_COMMAND, Scenario.SECRET_BURST, Scenario.LONG_GRANT, Scenario.UNRECORDED_SESSION,
            Scenario.CHECKOUT_NOT_RETURNED, Scenario.BEHAVIOUR_ANOMALY};

    /** One slot of one principal within a day. */
    private record Slot(int principal, int slotOfDay, int minuteOfDay) {}

    private record Decision(Scenario scenario, String variant) {
        boolean spansDays() {
            return scenario == Scenario.LONG_GRANT && !"long-window-revoked".equals(variant);
        }
    }

    private final long seed;
    private final int partition;
    private final TrafficProfile profile;
    private final Cast cast;
    private final HumanEpisodes humans;
    private final ServiceEpisodes services;
    private final long dayBase;
    private final Slot[] day;
    /** Index into {@link #day} of each principal's slot, by principal and slot of the day. */
    private final int[][] slotIndex;
    /** Per principal: for services, the first of their slots (counted from day 0) that starts inside the traffic. */
    private final long[] firstActiveSlot;

    public EpisodePlanner(long seed, TrafficProfile profile, int partition, int partitions) {
        this.seed = seed;
        this.partition = partition;
        this.profile = profile;
        Estate estate = new Estate(profile);
        this.cast = new Cast(seed, estate, partition, partitions);
        this.humans = new HumanEpisodes(estate, cast);
        this.services = new ServiceEpisodes(estate, seed, partition);
        this.dayBase = Math.floorDiv(profile.startMillis(), DAY) * DAY;
        List<Slot> slots = new ArrayList<>();
        int n = cast.principals.size();
        slotIndex = new int[n][];
        firstActiveSlot = new long[n];
        for (int i = 0; i < n; i++) {
            SyntheticPrincipal p = cast.principals.get(i);
            int perDay = p.isHuman() ? 2 : 4;
            int length = p.isHuman() ? HUMAN_SLOT_MINUTES : SERVICE_SLOT_MINUTES;
            slotIndex[i] = new int[perDay];
            for (int j = 0; j < perDay; j++) {
                slots.add(new Slot(i, j, p.dayOffsetMinutes + j * length));
            }
            long k = 0;
            while (!p.isHuman() && dayBase + k / 4 * DAY + (p.dayOffsetMinutes + k % 4 * SERVICE_SLOT_MINUTES) * MINUTE
                    < profile.startMillis()) {
                k++;
            }
            firstActiveSlot[i] = k;
        }
        slots.sort(Comparator.comparingInt(Slot::minuteOfDay).thenComparingInt(Slot::principal)
                .thenComparingInt(Slot::slotOfDay));
        this.day = slots.toArray(Slot[]::new);
        for (int x = 0; x < day.length; x++) {
            slotIndex[day[x].principal()][day[x].slotOfDay()] = x;
        }
    }

    /** Episodes per day of event time in this partition (idle ones included). */
    public int episodesPerDay() {
        return day.length;
    }

    /** Ids of the principals this partition owns. */
    public List<String> principalIds() {
        return cast.principals.stream().map(p -> p.id).toList();
    }

    /** When the slot of episode {@code number} starts; no event of that episode or a later one is earlier. */
    public long slotStart(long number) {
        return dayBase + number / day.length * DAY + day[(int) (number % day.length)].minuteOfDay() * MINUTE;
    }

    public Episode plan(long number) {
        if (number < 0) {
            throw new IllegalArgumentException("episode numbers start at 0, got " + number);
        }
        long d = number / day.length;
        Slot slot = day[(int) (number % day.length)];
        long start = slotStart(number);
        if (start < profile.startMillis()) {
            return Episode.idle(number);
        }
        SyntheticPrincipal who = cast.principals.get(slot.principal());
        EpisodeScript script = new EpisodeScript(seed, partition, number, who, profile);
        if (!who.isHuman()) {
            Decision decision = decide(number, who, d, slot.slotOfDay());
            long k = d * 4 + slot.slotOfDay();
            long grantSlot = Math.max(k / ServiceEpisodes.SLOTS_PER_PERIOD * ServiceEpisodes.SLOTS_PER_PERIOD,
                    firstActiveSlot[slot.principal()]);
            long grantSlotStart = dayBase + grantSlot / 4 * DAY
                    + (who.dayOffsetMinutes + grantSlot % 4 * SERVICE_SLOT_MINUTES) * MINUTE;
            return services.plan(script, decision.scenario(), decision.variant(), k, start, grantSlotStart);
        }
        if (blocked(slot.principal(), who, d, slot.slotOfDay())) {
            return Episode.idle(number);
        }
        Decision decision = decide(number, who, d, slot.slotOfDay());
        return humans.plan(script, decision.scenario(), decision.variant(), start, dayBase + (d + 1) * DAY);
    }

    /**
     * What an episode is, from a hash of its coordinates alone (not from the script's random stream), so the
     * planner can ask about a neighbouring episode without planning it.
     */
    private Decision decide(long number, SyntheticPrincipal who, long d, int slotOfDay) {
        long h = Seeds.of(seed, partition, number, 0xDEC1DEL);
        double u = Seeds.unit(h);
        if (u >= profile.attackRate()) {
            if (!who.isHuman() && d >= 1 && u < profile.attackRate() + serviceAnomalyRate(slotOfDay)) {
                return new Decision(Scenario.BEHAVIOUR_ANOMALY,
                        slotOfDay == 0 ? ServiceEpisodes.RECON : ServiceEpisodes.SECRET_SWEEP);
            }
            return new Decision(who.isHuman() ? Scenario.NORMAL_WORK : Scenario.SCHEDULED_AUTOMATION, null);
        }
        if (!who.isHuman()) {
            return new Decision(Scenario.SERVICE_INTERACTIVE, null);
        }
        Scenario scenario = HUMAN_ATTACKS[Seeds.below(Seeds.mix(h), HUMAN_ATTACKS.length)];
        String variant = null;
        if (scenario == Scenario.LONG_GRANT) {
            // Scenarios longer than a day start only in the first slot of even days: then the two slots they cover
            // can never hold another long scenario, and blocking needs no look further back than a day.
            boolean canSpan = slotOfDay == 0 && d % 2 == 0;
            variant = !canSpan ? "long-window-revoked"
                    : Seeds.below(Seeds.mix(h + 1), 2) == 0 ? "long-window" : "renewals";
        } else if (scenario == Scenario.BEHAVIOUR_ANOMALY) {
            variant = slotOfDay == 1 && Seeds.below(Seeds.mix(h + 2), 2) == 0 ? "night-marathon" : "secret-sweep";
        }
        return new Decision(scenario, variant);
    }

    /**
     * The share of a service's ordinary slots that become a behaviour anomaly instead: taken from ordinary slots, so
     * the hands-on attack (PUM-008) and every human scenario keep their frequency. The recon happens at night, in the
     * first slot of the day, at a third of the attack rate; the secret sweep in any other slot, at a ninth: about as
     * many of each, a third of an episode a day for ten services at the default 5 %. Never on a service's first day,
     * which its warm-up may still cover.
     */
    private double serviceAnomalyRate(int slotOfDay) {
        return slotOfDay == 0 ? profile.attackRate() / 3 : profile.attackRate() / 9;
    }

    /** Whether a multi-day scenario that started in this principal's first slot of an even day covers this slot. */
    private boolean blocked(int principal, SyntheticPrincipal who, long d, int slotOfDay) {
        long spanDay;
        if (slotOfDay == 1 && d % 2 == 0) {
            spanDay = d;
        } else if (slotOfDay == 0 && d % 2 == 1) {
            spanDay = d - 1;
        } else {
            return false;
        }
        long first = spanDay * day.length + slotIndex[principal][0];
        return slotStart(first) >= profile.startMillis() && decide(first, who, spanDay, 0).spansDays();
    }
}
