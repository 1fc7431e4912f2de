package dev.vigil.jobs.synthetic;

import java.util.List;

/** The three kinds of privileged target in the synthetic estate, each with the grant role that covers it. */
enum TargetKind {
    HOST, DATABASE, CLUSTER;

    List<String> targets(TrafficProfile p) {
        return switch (this) {
            case HOST -> p.hosts();
            case DATABASE -> p.databases();
            case CLUSTER -> p.clusters();
        };
    }

    String role(TrafficProfile p) {
        return switch (this) {
            case HOST -> p.hostRole();
            case DATABASE -> p.databaseRole();
            case CLUSTER -> p.clusterRole();
        };
    }
}
