package dev.vigil.jobs.synthetic;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The systems of the synthetic organisation, derived once from a profile: targets by kind and grouped the way grants
 * cover them ({@code app-prod-01..06} as {@code app-prod-*}), and the secrets in the vault.
 */
final class Estate {
    /** Targets that one scope entry can cover: a glob such as {@code app-prod-*}, or a single exact name. */
    record Group(String scopeEntry, String[] members) {
        boolean isGlob() {
            return scopeEntry.endsWith("*");
        }
    }

    final TrafficProfile profile;
    final String[] secrets;
    private final Map<TargetKind, List<Group>> groups = new EnumMap<>(TargetKind.class);
    private final Map<TargetKind, String[]> targets = new EnumMap<>(TargetKind.class);

    Estate(TrafficProfile profile) {
        this.profile = profile;
        this.secrets = profile.secretPaths().toArray(String[]::new);
        for (TargetKind kind : TargetKind.values()) {
            List<String> names = kind.targets(profile);
            targets.put(kind, names.toArray(String[]::new));
            groups.put(kind, group(names, allTargets(profile)));
        }
    }

    /** The kind of a target, preferring {@code preferred} when a name appears under several kinds. */
    TargetKind kindOf(String target, TargetKind preferred) {
        if (List.of(targets.get(preferred)).contains(target)) {
            return preferred;
        }
        for (TargetKind kind : TargetKind.values()) {
            if (List.of(targets.get(kind)).contains(target)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown target " + target);
    }

    String[] targets(TargetKind kind) {
        return targets.get(kind);
    }

    List<Group> groups(TargetKind kind) {
        return groups.get(kind);
    }

    private static List<String> allTargets(TrafficProfile p) {
        List<String> all = new ArrayList<>(p.hosts());
        all.addAll(p.databases());
        all.addAll(p.clusters());
        return all;
    }

    /**
     * Groups names that end in {@code -<digits>} under {@code <prefix>-*}, as long as that glob matches nothing else
     * in the estate; every other name is a group of its own. Grants stay honest that way: a glob never covers a
     * target by accident.
     */
    private static List<Group> group(List<String> names, List<String> everything) {
        Map<String, List<String>> byEntry = new LinkedHashMap<>();
        for (String name : names) {
            String entry = name;
            int dash = name.lastIndexOf('-');
            if (dash > 0 && dash < name.length() - 1 && name.substring(dash + 1).chars().allMatch(Character::isDigit)) {
                String prefix = name.substring(0, dash + 1);
                boolean clean = everything.stream()
                        .filter(t -> t.startsWith(prefix))
                        .allMatch(t -> t.substring(prefix.length()).chars().allMatch(Character::isDigit));
                if (clean) {
                    entry = prefix + "*";
                }
            }
            byEntry.computeIfAbsent(entry, k -> new ArrayList<>()).add(name);
        }
        List<Group> out = new ArrayList<>();
        byEntry.forEach((entry, members) -> out.add(new Group(entry, members.toArray(String[]::new))));
        return List.copyOf(out);
    }
}
