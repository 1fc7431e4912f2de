package dev.vigil.jobs.anomaly;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Small models trained on made-up ordinary sessions, for tests that need one. */
final class SmallModels {
    private SmallModels() {}

    /** Ten principals with sixty ordinary sessions each, like {@code AnomalyScoringFunctionTest}'s history. */
    static AnomalyModel trainedOnHistory() {
        Random r = new Random(11);
        Map<String, List<SessionActivity>> units = new TreeMap<>();
        for (int p = 0; p < 10; p++) {
            List<SessionActivity> mine = new ArrayList<>();
            for (int s = 0; s < 60; s++) {
                long start = Units.DAY0 + s * Units.DAY + r.nextInt(40) * Units.MINUTE;
                SessionActivity u = Units.fold(Units.session("p" + p + "-" + s, "db-" + r.nextInt(2), start,
                        3 + r.nextInt(3), r.nextInt(2)));
                u.principalId = "p" + p;
                mine.add(u);
            }
            units.put("p" + p, mine);
        }
        return ModelTrainer.train(units, new ModelTrainer.Settings(0.02, 50, 128, 5, "small-1"));
    }
}
