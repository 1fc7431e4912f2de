package dev.vigil.jobs.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.CanonicalJson;
import dev.vigil.schema.json.EventValidator;
import dev.vigil.schema.json.InvalidRecordException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticTrafficTest {
    private static final TrafficProfile PROFILE = TrafficProfile.defaults();

    @Test
    void sameSeedGivesByteIdenticalEventsInTheSameOrder() throws Exception {
        SyntheticTraffic a = new SyntheticTraffic(7, PROFILE, 1, 3).limit(30_000);
        SyntheticTraffic b = new SyntheticTraffic(7, PROFILE, 1, 3).limit(30_000);
        int n = 0;
        while (a.hasNext()) {
            PrivilegedEvent x = a.next();
            PrivilegedEvent y = b.next();
            assertThat(CanonicalJson.toJson(y)).isEqualTo(CanonicalJson.toJson(x));
            assertThat(bytes(y.toByteBuffer())).isEqualTo(bytes(x.toByteBuffer()));
            n++;
        }
        assertThat(n).isEqualTo(30_000);
        assertThat(b.hasNext()).isFalse();
        assertThat(b.truth()).isEqualTo(a.truth());
    }

    @Test
    void differentSeedsGiveDifferentTraffic() {
        List<String> a = acts(new SyntheticTraffic(7, PROFILE, 0, 1).limit(5_000));
        List<String> b = acts(new SyntheticTraffic(8, PROFILE, 0, 1).limit(5_000));
        Set<String> common = new HashSet<>(a);
        common.retainAll(new HashSet<>(b));
        // Compared without ids (which contain the seed), hardly an act is the same.
        assertThat(common.size()).isLessThan(a.size() / 100);
        assertThat(acts(new SyntheticTraffic(7, PROFILE, 0, 1).limit(5_000))).isEqualTo(a);
    }

    @Test
    void emissionLagsBehindEventTimeOrderByAtMostTheJitter() {
        for (long jitter : new long[] {0, 250, 2000, 60_000}) {
            TrafficProfile p = PROFILE.toBuilder().maxJitterMs(jitter).build();
            SyntheticTraffic t = new SyntheticTraffic(3, p, 0, 2).limit(100_000);
            long latest = Long.MIN_VALUE;
            long worstLag = 0;
            long late = 0;
            while (t.hasNext()) {
                long time = t.next().getEventTime();
                if (time < latest) {
                    late++;
                    worstLag = Math.max(worstLag, latest - time);
                }
                latest = Math.max(latest, time);
            }
            assertThat(worstLag).as("jitter %d", jitter).isLessThanOrEqualTo(jitter);
            if (jitter == 0) {
                assertThat(late).isZero();
            } else {
                // The jitter is real: some events do come after later ones.
                assertThat(late).as("jitter %d", jitter).isPositive();
            }
        }
    }

    @Test
    void eventIdsAreUniqueAcrossPartitions() {
        SampleTraffic sample = SampleTraffic.get();
        Set<String> ids = new HashSet<>();
        for (PrivilegedEvent e : sample.events) {
            assertThat(ids.add(e.getEventId())).as("duplicate %s", e.getEventId()).isTrue();
            assertThat(e.getEventId()).startsWith("syn-" + SampleTraffic.SEED + "-");
        }
        assertThat(ids).hasSize(sample.events.size());
    }

    @Test
    void everyEventPassesTheValidator() throws InvalidRecordException {
        EventValidator validator = EventValidator.defaults();
        for (PrivilegedEvent e : SampleTraffic.get().events) {
            validator.validate(e);
            // Array fields are lists, never null, so Avro and canonical JSON both accept the event.
            assertThat(e.getScope()).isNotNull();
            assertThat(e.getRequestIds()).isNotNull();
            assertThat(e.getSource()).isEqualTo("synthetic");
        }
    }

    @Test
    void canonicalJsonAndAvroRoundTrip() throws Exception {
        for (PrivilegedEvent e : SampleTraffic.get().byPartition.get(0).subList(0, 5_000)) {
            assertThat(CanonicalJson.parse(CanonicalJson.toJson(e))).isEqualTo(e);
            assertThat(PrivilegedEvent.fromByteBuffer(e.toByteBuffer())).isEqualTo(e);
        }
    }

    @Test
    void partitionsOwnDisjointPrincipalsThatTogetherAreEveryone() {
        TrafficProfile p = PROFILE.toBuilder().humans(13).services(4).build();
        Set<String> all = new HashSet<>();
        int total = 0;
        for (int part = 0; part < 5; part++) {
            SyntheticTraffic t = new SyntheticTraffic(1, p, part, 5).limit(3_000);
            List<String> own = t.principals();
            total += own.size();
            all.addAll(own);
            t.forEachRemaining(e -> assertThat(own).contains(e.getPrincipal().getId()));
        }
        assertThat(total).isEqualTo(17);
        assertThat(all).hasSize(17);
        assertThatThrownBy(() -> new SyntheticTraffic(1, p, 17, 18))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("owns no principals");
    }

    @Test
    void limitStopsAtExactlyTheCount() {
        SyntheticTraffic t = new SyntheticTraffic(5, PROFILE, 0, 1).limit(1234);
        List<PrivilegedEvent> all = new ArrayList<>();
        t.forEachRemaining(all::add);
        assertThat(all).hasSize(1234);
        assertThat(t.emitted()).isEqualTo(1234);
        assertThatThrownBy(t::next).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> new SyntheticTraffic(5, PROFILE, 0, 1).limit(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configuringAfterReadingIsRefused() {
        SyntheticTraffic t = new SyntheticTraffic(5, PROFILE, 0, 1);
        t.next();
        assertThatThrownBy(() -> t.limit(10)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void finishingEpisodesLeavesNoneHalfDone() {
        SyntheticTraffic t = new SyntheticTraffic(5, PROFILE, 0, 2).finishEpisodesAfter(20_000);
        Map<Long, Integer> counts = new HashMap<>();
        long n = 0;
        while (t.hasNext()) {
            String[] id = t.next().getEventId().split("-");
            counts.merge(Long.parseLong(id[3]), 1, Integer::sum);
            n++;
        }
        assertThat(n).isGreaterThanOrEqualTo(20_000);
        EpisodePlanner planner = new EpisodePlanner(5, PROFILE, 0, 2);
        assertThat(t.truth()).hasSize(counts.size());
        counts.forEach((episode, count) -> assertThat(count).as("episode %d", episode)
                .isEqualTo(planner.plan(episode).size()));
    }

    @Test
    void withoutTruthKeepsNone() {
        SyntheticTraffic t = new SyntheticTraffic(5, PROFILE, 0, 1).limit(5_000).withoutTruth();
        t.forEachRemaining(e -> { });
        assertThat(t.truth()).isEmpty();
        assertThat(t.emitted()).isEqualTo(5_000);
    }

    @Test
    void aPrincipalsEpisodesNeverOverlapInTime() {
        Map<String, List<ScenarioTruth>> byPrincipal = new HashMap<>();
        SampleTraffic.get().truth.forEach(s -> byPrincipal.computeIfAbsent(s.principalId(), k -> new ArrayList<>()).add(s));
        byPrincipal.forEach((principal, truths) -> {
            truths.sort((x, y) -> Long.compare(x.startTime(), y.startTime()));
            for (int i = 1; i < truths.size(); i++) {
                assertThat(truths.get(i).startTime()).as("%s: %s then %s", principal, truths.get(i - 1), truths.get(i))
                        .isGreaterThanOrEqualTo(truths.get(i - 1).endTime());
            }
        });
    }

    @Test
    void eventTimeStartsAtTheProfileStart() {
        long start = PROFILE.startMillis();
        SyntheticTraffic t = new SyntheticTraffic(5, PROFILE, 0, 1).limit(10_000);
        long min = Long.MAX_VALUE;
        while (t.hasNext()) {
            min = Math.min(min, t.next().getEventTime());
        }
        assertThat(min).isGreaterThanOrEqualTo(start).isLessThan(start + 3600_000);
    }

    @Test
    void eventTimeAdvancesAtAboutTheAdvertisedPace() {
        TrafficProfile p = PROFILE.toBuilder().humans(300).services(80).build();
        SyntheticTraffic t = new SyntheticTraffic(2, p, 0, 1).withoutTruth();
        long day = 86_400_000L;
        long from = p.startMillis() + day;
        long to = from + 7 * day;
        long inside = 0;
        long time;
        do {
            time = t.next().getEventTime();
            if (time >= from && time < to) {
                inside++;
            }
        } while (time < to + day);
        assertThat(inside / 7.0).isBetween(0.8 * p.approxEventsPerDay(), 1.2 * p.approxEventsPerDay());
    }

    @Test
    void generatesMillionsOfEventsPerSecond() {
        TrafficProfile p = PROFILE.toBuilder().humans(2000).services(500).build();
        for (int round = 0; round < 3; round++) {
            SyntheticTraffic t = new SyntheticTraffic(round, p, 0, 1).limit(3_000_000).withoutTruth();
            long begin = System.nanoTime();
            long checksum = 0;
            while (t.hasNext()) {
                checksum += t.next().getEventTime();
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            System.out.printf("synthetic traffic: %,d events in %.2f s = %,.0f events/s (checksum %d)%n",
                    t.emitted(), seconds, t.emitted() / seconds, checksum & 0xff);
            assertThat(t.emitted()).isEqualTo(3_000_000);
        }
    }

    /** What happened, when and by whom, leaving out every id. */
    private static List<String> acts(SyntheticTraffic t) {
        List<String> out = new ArrayList<>();
        t.forEachRemaining(e -> out.add(e.getEventTime() + "|" + e.getPrincipal().getId() + "|" + e.getAction() + "|"
                + e.getTarget() + "|" + e.getCommand() + "|" + e.getSecretId()));
        return out;
    }

    private static byte[] bytes(ByteBuffer buf) {
        byte[] b = new byte[buf.remaining()];
        buf.get(b);
        return Arrays.copyOf(b, b.length);
    }
}
