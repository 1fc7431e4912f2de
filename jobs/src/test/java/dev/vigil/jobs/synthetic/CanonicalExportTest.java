package dev.vigil.jobs.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.CanonicalJson;
import dev.vigil.schema.json.EventValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanonicalExportTest {
    @Test
    void writesReplayInputWithItsAnswerKey(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("events.ndjson");
        Path truth = dir.resolve("truth.json");
        TrafficProfile profile = TrafficProfile.builder().attackRate(0.3).build();
        CanonicalExport export = SyntheticTraffic.writeCanonical(events, truth, 77, profile, 2, 3_000);

        List<String> lines = Files.readAllLines(events, StandardCharsets.UTF_8);
        assertThat(lines).hasSize((int) export.events());
        assertThat(export.events()).isGreaterThanOrEqualTo(6_000);
        Map<String, PrivilegedEvent> byId = new HashMap<>();
        Map<String, Integer> perEpisode = new HashMap<>();
        for (String line : lines) {
            PrivilegedEvent e = CanonicalJson.parse(line);
            EventValidator.defaults().validate(e);
            assertThat(byId.put(e.getEventId(), e)).isNull();
            perEpisode.merge(SampleTraffic.episodeKey(e.getEventId()), 1, Integer::sum);
        }

        List<ScenarioTruth> read = ScenarioTruth.readJson(truth);
        assertThat(read).isEqualTo(export.truth());
        assertThat(read).hasSize(perEpisode.size());
        assertThat(read).anyMatch(ScenarioTruth::isAttack);
        EpisodePlanner[] planners = {new EpisodePlanner(77, profile, 0, 2), new EpisodePlanner(77, profile, 1, 2)};
        for (ScenarioTruth s : read) {
            s.eventIds().forEach(id -> assertThat(byId).containsKey(id));
            // Every episode in the file is complete.
            assertThat(perEpisode.get(s.partition() + "/" + s.episode()))
                    .isEqualTo(planners[s.partition()].plan(s.episode()).size());
        }
        for (int i = 1; i < read.size(); i++) {
            assertThat(read.get(i).startTime()).isGreaterThanOrEqualTo(read.get(i - 1).startTime());
        }
    }

    @Test
    void truthSurvivesJson() throws Exception {
        ScenarioTruth t = new ScenarioTruth(Scenario.BREAK_GLASS, "no-ticket", "PUM-005", "alice.nguyen", "req-1",
                null, List.of("syn-1-0-2-3"), 0, 2, 1_000, 2_000);
        assertThat(ScenarioTruth.fromJson(t.toJson())).isEqualTo(t);
        assertThat(t.toJson()).contains("\"rule_id\":\"PUM-005\"").doesNotContain("session_id")
                .contains("\"start_time\":\"1970-01-01T00:00:01Z\"");
    }
}
