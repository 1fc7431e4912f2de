package dev.vigil.jobs.synthetic;

import dev.vigil.common.PrincipalKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who acts in one partition of the traffic. Human {@code i} belongs to partition {@code i % n} and service
 * {@code j} to {@code (humans + j) % n}, so partitions own disjoint principals and generate without sharing state,
 * while names and habits depend only on the seed and the global index.
 */
final class Cast {
    private static final String[] FIRST = {
            "alice", "bruno", "chen", "dana", "emeka", "fatima", "gustav", "hana", "ines", "jamal", "kofi", "lena",
            "mateo", "nadia", "oskar", "priya", "quentin", "rosa", "sven", "tariq", "uma", "vera", "wei", "ximena",
            "yusuf", "zoe", "amara", "bjorn", "carmen", "dmitri", "elif", "farah", "goran", "hiro", "isla", "jonas",
            "keiko", "luca", "maya", "noor"};
    private static final String[] LAST = {
            "nguyen", "smith", "okafor", "garcia", "kim", "muller", "rossi", "haddad", "kowalski", "silva", "tanaka",
            "dubois", "novak", "patel", "jensen", "costa", "ivanova", "lopez", "ahmed", "berg"};
    /** UTC hours at which people start work: Europe in the morning, the Americas in the afternoon. */
    private static final int[] SHIFT_START_HOURS = {6, 7, 8, 9, 13, 14, 15};
    private static final int[] RUN_INTERVALS = {60, 120, 180};

    final List<SyntheticPrincipal> principals;
    private final long seed;
    private final int humans;

    Cast(long seed, Estate estate, int partition, int partitions) {
        if (partitions < 1 || partition < 0 || partition >= partitions) {
            throw new IllegalArgumentException("partition " + partition + " of " + partitions + " does not exist");
        }
        TrafficProfile p = estate.profile;
        this.seed = seed;
        this.humans = p.humans();
        List<SyntheticPrincipal> own = new ArrayList<>();
        for (int i = partition; i < p.humans(); i += partitions) {
            own.add(human(estate, i));
        }
        int firstService = Math.floorMod(partition - p.humans(), partitions);
        for (int j = firstService; j < p.services(); j += partitions) {
            own.add(service(estate, j));
        }
        if (own.isEmpty()) {
            throw new IllegalArgumentException("partition " + partition + " of " + partitions + " owns no principals: "
                    + (p.humans() + p.services()) + " principals cannot fill " + partitions + " partitions");
        }
        this.principals = List.copyOf(own);
    }

    static String humanId(int i) {
        String id = FIRST[i % FIRST.length] + "." + LAST[(i / FIRST.length % LAST.length + 7 * (i % FIRST.length))
                % LAST.length];
        int round = i / (FIRST.length * LAST.length);
        return round == 0 ? id : id + (round + 1);
    }

    static String serviceId(int j) {
        ServiceJob[] jobs = ServiceJob.values();
        int round = j / jobs.length;
        return round == 0 ? jobs[j % jobs.length].name : jobs[j % jobs.length].name + "-" + (round + 1);
    }

    /** Someone other than human {@code requester} (a global index), picked by {@code mixed}. */
    String otherHuman(int requester, long mixed) {
        return humanId((requester + 1 + Seeds.below(mixed, humans - 1)) % humans);
    }

    private SyntheticPrincipal human(Estate estate, int i) {
        long h = Seeds.of(seed, 0x4855L, i);
        Duty duty = switch (Seeds.below(h, 4)) {
            case 0, 1 -> Duty.HOST_ADMIN;
            case 2 -> Duty.DBA;
            default -> Duty.PLATFORM;
        };
        List<Estate.Group> groups = estate.groups(duty.targetKind);
        Estate.Group home = groups.get(Seeds.below(Seeds.mix(h + 1), groups.size()));
        Set<String> targets = new LinkedHashSet<>();
        String glob = null;
        if (home.members().length >= 2) {
            int count = 1 + Seeds.below(Seeds.mix(h + 2), Math.min(3, home.members().length));
            pick(home.members(), count, Seeds.mix(h + 3), targets);
            glob = home.isGlob() ? home.scopeEntry() : null;
        } else {
            targets.add(home.members()[0]);
            String[] all = estate.targets(duty.targetKind);
            if (all.length > 2 && Seeds.below(Seeds.mix(h + 4), 2) == 0) {
                // Cluster people often look after a second cluster; never all of them, so one stays unfamiliar.
                pick(all, 1, Seeds.mix(h + 5), targets);
            }
            // A glob over the home group would leave out a second target picked from elsewhere.
            glob = home.isGlob() && targets.size() == 1 ? home.scopeEntry() : null;
        }
        Set<String> secrets = new LinkedHashSet<>();
        pick(estate.secrets, 3, Seeds.mix(h + 6), secrets);
        int hour = SHIFT_START_HOURS[Seeds.below(Seeds.mix(h + 7), SHIFT_START_HOURS.length)];
        int minute = Seeds.below(Seeds.mix(h + 8), 30);
        String ip = "10.20." + (i / 250 % 256) + "." + (i % 250 + 1);
        return new SyntheticPrincipal(i, humanId(i), PrincipalKind.HUMAN, ip, duty, null,
                targets.toArray(String[]::new), glob, secrets.toArray(String[]::new), hour * 60 + minute, 0, null);
    }

    private SyntheticPrincipal service(Estate estate, int j) {
        long h = Seeds.of(seed, 0x5356L, j);
        ServiceJob job = ServiceJob.values()[j % ServiceJob.values().length];
        String[] all = estate.targets(job.targetKind);
        Set<String> targets = new LinkedHashSet<>();
        pick(all, 1 + Seeds.below(h, Math.min(3, all.length)), Seeds.mix(h + 1), targets);
        Set<String> secrets = new LinkedHashSet<>();
        pick(estate.secrets, 1 + Seeds.below(Seeds.mix(h + 2), 2), Seeds.mix(h + 3), secrets);
        int interval = RUN_INTERVALS[Seeds.below(Seeds.mix(h + 4), RUN_INTERVALS.length)];
        int offset = Seeds.below(Seeds.mix(h + 5), 60);
        String owner = humanId(Seeds.below(Seeds.mix(h + 6), humans));
        String ip = "10.40." + (j / 250 % 256) + "." + (j % 250 + 1);
        return new SyntheticPrincipal(humans + j, serviceId(j), PrincipalKind.SERVICE, ip, null, job,
                targets.toArray(String[]::new), null, secrets.toArray(String[]::new), offset, interval, owner);
    }

    /** Adds {@code count} distinct names from {@code from} to {@code into}, chosen by {@code mixed}. */
    private static void pick(String[] from, int count, long mixed, Set<String> into) {
        int want = Math.min(from.length, into.size() + count);
        long s = mixed;
        while (into.size() < want) {
            s = Seeds.mix(s + 1);
            into.add(from[Seeds.below(s, from.length)]);
        }
    }
}
