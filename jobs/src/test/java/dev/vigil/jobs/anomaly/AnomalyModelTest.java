package dev.vigil.jobs.anomaly;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.PrincipalKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The artifact round-trips, and anything else is refused with a one-line reason naming where it came from. */
class AnomalyModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static AnomalyModel model;
    private static byte[] bytes;

    /** A small model trained on random sessions of ten principals. */
    @BeforeAll
    static void train() {
        Random r = new Random(3);
        Map<String, List<SessionActivity>> units = new java.util.TreeMap<>();
        for (int p = 0; p < 10; p++) {
            List<SessionActivity> mine = new ArrayList<>();
            for (int s = 0; s < 20; s++) {
                long start = Units.DAY0 + s * Units.DAY + r.nextInt(60) * Units.MINUTE;
                SessionActivity u = Units.fold(Units.session("p" + p + "-s" + s, "db-" + r.nextInt(3), start,
                        1 + r.nextInt(6), r.nextInt(2)));
                u.principalId = "p" + p;
                mine.add(u);
            }
            units.put("p" + p, mine);
        }
        model = ModelTrainer.train(units, new ModelTrainer.Settings(0.05, 20, 64, 1, "test-1"));
        bytes = model.toBytes();
    }

    @Test
    void roundTripsAndScoresTheSame() {
        AnomalyModel back = AnomalyModel.parse(bytes, "model.json");
        assertThat(back.version()).isEqualTo("test-1");
        assertThat(back.features()).isEqualTo(FeatureCatalogue.names());
        assertThat(back.contamination()).isEqualTo(0.05);
        double[] x = new double[FeatureCatalogue.size()];
        x[4] = 40;
        assertThat(back.population(PrincipalKind.HUMAN).score(x)).isEqualTo(model.population(PrincipalKind.HUMAN).score(x));
        assertThat(back.population(PrincipalKind.HUMAN).threshold()).isEqualTo(model.population(PrincipalKind.HUMAN).threshold());
        assertThat(back.evaluation()).containsKeys("training_units", "threshold_human");
    }

    @Test
    void sameDataAndSeedGiveTheSameModel() {
        assertThat(AnomalyModel.parse(bytes, "a").toBytes()).isEqualTo(bytes);
    }

    @Test
    void refusesWhatIsNotJson() {
        assertThatThrownBy(() -> AnomalyModel.parse("\u0000\u0001garbage".getBytes(StandardCharsets.UTF_8), "m.bin"))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageStartingWith("m.bin: not a Vigil anomaly model (not JSON");
    }

    @Test
    void refusesOtherJson() {
        assertThatThrownBy(() -> AnomalyModel.parse("{\"hello\": 1}".getBytes(StandardCharsets.UTF_8), "x.json"))
                .isInstanceOf(InvalidModelException.class)
                .hasMessage("x.json: not a Vigil anomaly model (no \"format\": \"vigil-anomaly-model\")");
    }

    @Test
    void refusesAnotherFormatVersion() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(bytes);
        root.put("format_version", 99);
        assertThatThrownBy(() -> AnomalyModel.parse(JSON.writeValueAsBytes(root), "old.json"))
                .isInstanceOf(InvalidModelException.class)
                .hasMessage("old.json: model format version 99, this Vigil reads version 1; retrain it with vigil model train");
    }

    @Test
    void refusesAFeatureListThatIsNotTheCatalogue() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(bytes);
        ArrayNode features = (ArrayNode) root.get("features");
        features.remove(0);
        features.add("keystrokes_per_minute");
        assertThatThrownBy(() -> AnomalyModel.parse(JSON.writeValueAsBytes(root), "topic pum.control@12"))
                .isInstanceOf(InvalidModelException.class)
                .hasMessage("topic pum.control@12: model features do not match this Vigil's feature catalogue "
                        + "(missing [duration_minutes], unknown [keystrokes_per_minute]); retrain it with vigil model train");

        ObjectNode swapped = (ObjectNode) JSON.readTree(bytes);
        ArrayNode names = (ArrayNode) swapped.get("features");
        String first = names.get(0).asText();
        names.set(0, names.get(1));
        names.set(1, JSON.getNodeFactory().textNode(first));
        assertThatThrownBy(() -> AnomalyModel.parse(JSON.writeValueAsBytes(swapped), "m"))
                .hasMessageContaining("same features in another order");
    }

    @Test
    void refusesACorruptForest() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(bytes);
        ObjectNode human = (ObjectNode) root.get("populations").get("HUMAN");
        String forest = human.get("forest").asText();
        human.put("forest", forest.substring(0, forest.length() / 2));
        assertThatThrownBy(() -> AnomalyModel.parse(JSON.writeValueAsBytes(root), "cut.json"))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageStartingWith("cut.json: population HUMAN forest is corrupt");
    }

    @Test
    void refusesSerializedObjectsThatAreNotForests() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(bytes);
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(raw)) {
            out.writeObject(new java.util.HashMap<>(Map.of("a", 1)));
        }
        ((ObjectNode) root.get("populations").get("HUMAN")).put("forest",
                java.util.Base64.getEncoder().encodeToString(raw.toByteArray()));
        assertThatThrownBy(() -> AnomalyModel.parse(JSON.writeValueAsBytes(root), "evil.json"))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageStartingWith("evil.json: population HUMAN forest is corrupt (InvalidClassException");
    }
}
