package dev.vigil.jobs.anomaly;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static dev.vigil.jobs.anomaly.Units.DAY;
import static dev.vigil.jobs.anomaly.Units.DAY0;
import static dev.vigil.jobs.anomaly.Units.HOUR;
import static dev.vigil.jobs.anomaly.Units.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FeatureExtractorTest {

    private static double f(double[] x, String name) {
        return x[FeatureCatalogue.indexOf(name)];
    }

    @Test
    void catalogueNamesAreUniqueAndEveryFeatureIsDocumented() {
        assertThat(new HashSet<>(FeatureCatalogue.names())).hasSize(FeatureCatalogue.size());
        for (FeatureCatalogue.Feature feature : FeatureCatalogue.FEATURES) {
            assertThat(feature.doc()).as(feature.name()).isNotBlank();
            assertThat(feature.label()).as(feature.name()).isNotBlank();
            assertThat(feature.minStd()).as(feature.name()).isPositive();
        }
    }

    @Test
    void countsDurationAndGrantFeaturesOfOneSession() {
        SessionActivity u = Units.fold(Units.session("s1", "db-1", DAY0, 4, 3));
        u.add("s1-risky", DAY0 + 2 * MINUTE, dev.vigil.event.EventType.SESSION, dev.vigil.event.Action.COMMAND,
                "db-1", null, "cat /etc/shadow", null, null);
        double[] x = FeatureExtractor.observe(u, new PrincipalProfile());

        assertThat(f(x, "duration_minutes")).isEqualTo(8.0); // 4 commands + 3 secrets + END, a minute apart
        assertThat(f(x, "commands")).isEqualTo(5);
        assertThat(f(x, "distinct_commands")).isEqualTo(4); // three psql variants + the risky one
        assertThat(f(x, "risky_commands")).isEqualTo(1);
        assertThat(f(x, "secrets_read")).isEqualTo(3);
        assertThat(f(x, "distinct_secrets")).isEqualTo(3);
        assertThat(f(x, "distinct_targets")).isEqualTo(1);
        assertThat(f(x, "ungranted")).isZero();
        assertThat(f(x, "minutes_since_grant_start")).isEqualTo(5);
        assertThat(f(x, "grant_window_used_share")).isCloseTo(8.0 / 120, within(1e-9));
    }

    @Test
    void hourAndWeekdayAreCyclic() {
        double[] morning = FeatureExtractor.observe(Units.fold(Units.session("a", "db-1", DAY0, 1, 0)), new PrincipalProfile());
        // 09:00 on a Wednesday (day 2 of a week starting Monday)
        assertThat(f(morning, "hour_sin")).isCloseTo(Math.sin(2 * Math.PI * 9 / 24), within(1e-9));
        assertThat(f(morning, "hour_cos")).isCloseTo(Math.cos(2 * Math.PI * 9 / 24), within(1e-9));
        assertThat(f(morning, "weekday_sin")).isCloseTo(Math.sin(2 * Math.PI * 2 / 7), within(1e-9));

        double[] lateNight = FeatureExtractor.observe(Units.fold(Units.session("b", "db-1", DAY0 + 15 * HOUR - MINUTE, 1, 0)), new PrincipalProfile());
        double[] earlyMorning = FeatureExtractor.observe(Units.fold(Units.session("c", "db-1", DAY0 + 15 * HOUR + MINUTE, 1, 0)), new PrincipalProfile());
        // 23:59 and 00:01 are two minutes apart on the circle, not 24 hours
        assertThat(f(lateNight, "hour_cos")).isCloseTo(f(earlyMorning, "hour_cos"), within(1e-3));
        assertThat(f(lateNight, "hour_sin")).isCloseTo(f(earlyMorning, "hour_sin"), within(1e-2));
    }

    @Test
    void firstSeenTargetAccountAddressAndRoleAreNewOnlyOnce() {
        PrincipalProfile profile = new PrincipalProfile();
        double[] first = FeatureExtractor.observe(Units.fold(Units.session("s1", "db-1", DAY0, 1, 0)), profile);
        double[] again = FeatureExtractor.observe(Units.fold(Units.session("s2", "db-1", DAY0 + DAY, 1, 0)), profile);
        double[] elsewhere = FeatureExtractor.observe(Units.fold(Units.session("s3", "db-9", DAY0 + 2 * DAY, 1, 0)), profile);
        for (String feature : List.of("new_target", "new_account", "new_source_ip", "new_role")) {
            assertThat(f(first, feature)).as(feature).isEqualTo(1);
            assertThat(f(again, feature)).as(feature).isZero();
        }
        assertThat(f(elsewhere, "new_target")).isEqualTo(1);
        assertThat(f(elsewhere, "new_account")).isZero();
    }

    @Test
    void ungrantedSessionHasNoGrantTiming() {
        SessionActivity u = Units.fold(Units.session("s1", "db-1", DAY0, 2, 0));
        u.requestId = null;
        u.grantWindowStart = null;
        u.grantWindowEnd = null;
        double[] x = FeatureExtractor.observe(u, new PrincipalProfile());
        assertThat(f(x, "ungranted")).isEqualTo(1);
        assertThat(f(x, "minutes_since_grant_start")).isZero();
        assertThat(f(x, "grant_window_used_share")).isZero();
    }

    @Test
    void firstSeenSetsAreBoundedAndForgetTheLeastRecent() {
        PrincipalProfile profile = new PrincipalProfile();
        for (int i = 0; i < PrincipalProfile.MAX_SEEN + 10; i++) {
            PrincipalProfile.firstSeen(profile.targets, "host-" + i);
        }
        assertThat(profile.targets).hasSize(PrincipalProfile.MAX_SEEN);
        assertThat(PrincipalProfile.firstSeen(profile.targets, "host-0")).isTrue();
        assertThat(PrincipalProfile.firstSeen(profile.targets, "host-" + (PrincipalProfile.MAX_SEEN + 9))).isFalse();
    }

    @Test
    void sessionSetsAreBounded() {
        SessionActivity u = new SessionActivity("s", "alice", null);
        for (int i = 0; i < SessionActivity.MAX_DISTINCT + 50; i++) {
            u.add("e" + i, DAY0 + i, dev.vigil.event.EventType.SECRET, dev.vigil.event.Action.READ, null, null, null,
                    "kv/" + i, null);
        }
        assertThat(u.secretsRead).isEqualTo(SessionActivity.MAX_DISTINCT + 50);
        assertThat(u.secrets).hasSize(SessionActivity.MAX_DISTINCT);
    }

    @Test
    void baselineIsAnExponentiallyWeightedMeanAndVarianceThatForgets() {
        PrincipalProfile profile = new PrincipalProfile();
        double[] x = new double[FeatureCatalogue.size()];
        for (int i = 0; i < 200; i++) {
            x[4] = i % 2 == 0 ? 1 : 3; // secrets_read alternates 1, 3: mean 2, deviation 1
            profile.observe(x.clone());
        }
        assertThat(profile.mean[4]).isCloseTo(2.0, within(0.1));
        assertThat(profile.std(4)).isCloseTo(1.0, within(0.1));
        for (int i = 0; i < 200; i++) {
            x[4] = 10;
            profile.observe(x.clone());
        }
        assertThat(profile.mean[4]).isCloseTo(10.0, within(0.01));
        // a constant feature still has the catalogue's floor as deviation
        assertThat(profile.std(4)).isEqualTo(FeatureCatalogue.get(4).minStd());
    }
}
