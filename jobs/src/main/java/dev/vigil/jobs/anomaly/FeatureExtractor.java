package dev.vigil.jobs.anomaly;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Computes the {@link FeatureCatalogue} vector of a closed unit of behaviour against its principal's profile, then
 * folds the unit into the profile. The one place features are computed: the job, training and evaluation all call
 * {@link #observe}, in the order units close (their stop time, then key).
 */
public final class FeatureExtractor {
    private static final double MINUTE = 60_000.0;

    private FeatureExtractor() {}

    /**
     * The feature vector of {@code unit}, judged against {@code profile} as it was before the unit; the profile
     * then learns the unit (first-seen sets, moving averages).
     */
    public static double[] observe(SessionActivity unit, PrincipalProfile profile) {
        double[] x = features(unit, profile);
        profile.observe(x);
        profile.lastSeenAt = Math.max(profile.lastSeenAt, unit.lastActAt);
        return x;
    }

    static double[] features(SessionActivity unit, PrincipalProfile profile) {
        double[] x = new double[FeatureCatalogue.size()];
        long start = unit.startedAt;
        double duration = Math.max(0, unit.stoppedAt() - unit.startedAt) / MINUTE;
        x[0] = duration;
        x[1] = unit.commands;
        x[2] = unit.commandHashes.size();
        x[3] = unit.riskyCommands;
        x[4] = unit.secretsRead;
        x[5] = unit.secrets.size();
        x[6] = unit.targets.size();
        boolean newTarget = false;
        for (String t : unit.targets) {
            newTarget |= PrincipalProfile.firstSeen(profile.targets, t);
        }
        x[7] = newTarget ? 1 : 0;
        x[8] = PrincipalProfile.firstSeen(profile.accounts, unit.account) ? 1 : 0;
        x[9] = PrincipalProfile.firstSeen(profile.sourceIps, unit.sourceIp) ? 1 : 0;
        x[10] = PrincipalProfile.firstSeen(profile.roles, unit.role) ? 1 : 0;
        ZonedDateTime at = Instant.ofEpochMilli(start).atZone(ZoneOffset.UTC);
        double hour = at.getHour() + at.getMinute() / 60.0;
        x[11] = Math.sin(2 * Math.PI * hour / 24);
        x[12] = Math.cos(2 * Math.PI * hour / 24);
        int day = at.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue();
        x[13] = Math.sin(2 * Math.PI * day / 7);
        x[14] = Math.cos(2 * Math.PI * day / 7);
        boolean granted = unit.grantWindowStart != null;
        x[15] = granted ? 0 : 1;
        x[16] = granted ? Math.max(0, start - unit.grantWindowStart) / MINUTE : 0;
        if (granted && unit.grantWindowEnd != null && unit.grantWindowEnd > unit.grantWindowStart) {
            x[17] = (unit.stoppedAt() - unit.startedAt) / (double) (unit.grantWindowEnd - unit.grantWindowStart);
        }
        return x;
    }
}
