package dev.vigil.jobs.anomaly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.PrincipalKind;
import smile.anomaly.IsolationForest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained behavioural anomaly model: one Smile isolation forest per population (people and service identities are
 * never mixed), the score threshold chosen for each, the population's feature means and deviations (the peer
 * baseline explanations fall back on), and what it was trained on. Stored as one JSON document; {@link #parse}
 * checks it against the running {@link FeatureCatalogue} before anything scores with it.
 */
public final class AnomalyModel implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The artifact format this Vigil reads and writes. */
    public static final int FORMAT_VERSION = 1;
    static final String FORMAT = "vigil-anomaly-model";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One population's forest, threshold and peer baseline. */
    public record Population(IsolationForest forest, double threshold, double[] mean, double[] std, int trainingSize,
                             double trainingFlaggedShare) implements Serializable {
        public double score(double[] x) {
            return forest.score(x);
        }
    }

    private final String version;
    private final List<String> features;
    private final long trainedFrom;
    private final long trainedTo;
    private final double contamination;
    private final Map<PrincipalKind, Population> populations;
    /** Figures measured when the model was trained or last evaluated, by name. */
    private final Map<String, Object> evaluation;

    AnomalyModel(String version, List<String> features, long trainedFrom, long trainedTo, double contamination,
                 Map<PrincipalKind, Population> populations, Map<String, Object> evaluation) {
        this.version = version;
        this.features = List.copyOf(features);
        this.trainedFrom = trainedFrom;
        this.trainedTo = trainedTo;
        this.contamination = contamination;
        this.populations = new EnumMap<>(populations);
        this.evaluation = new LinkedHashMap<>(evaluation);
    }

    public String version() {
        return version;
    }

    public List<String> features() {
        return features;
    }

    public long trainedFrom() {
        return trainedFrom;
    }

    public long trainedTo() {
        return trainedTo;
    }

    public double contamination() {
        return contamination;
    }

    public Map<String, Object> evaluation() {
        return evaluation;
    }

    /** The population a principal kind belongs to, or null when the model was trained without any of its kind. */
    public Population population(PrincipalKind kind) {
        return populations.get(kind == null ? PrincipalKind.HUMAN : kind);
    }

    public Map<PrincipalKind, Population> populations() {
        return populations;
    }

    /** The same model with more evaluation figures. */
    public AnomalyModel withEvaluation(Map<String, Object> figures) {
        Map<String, Object> merged = new LinkedHashMap<>(evaluation);
        merged.putAll(figures);
        return new AnomalyModel(version, features, trainedFrom, trainedTo, contamination, populations, merged);
    }

    /** The artifact: one JSON document, forests as base64 of their Java serialization. */
    public byte[] toBytes() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("version", version);
        ArrayNode names = root.putArray("features");
        features.forEach(names::add);
        root.put("trained_from", java.time.Instant.ofEpochMilli(trainedFrom).toString());
        root.put("trained_to", java.time.Instant.ofEpochMilli(trainedTo).toString());
        root.put("contamination", contamination);
        root.set("evaluation", JSON.valueToTree(evaluation));
        ObjectNode pops = root.putObject("populations");
        for (Map.Entry<PrincipalKind, Population> e : populations.entrySet()) {
            Population p = e.getValue();
            ObjectNode n = pops.putObject(e.getKey().name());
            n.put("training_size", p.trainingSize());
            n.put("threshold", p.threshold());
            n.put("training_flagged_share", p.trainingFlaggedShare());
            n.set("mean", JSON.valueToTree(p.mean()));
            n.set("std", JSON.valueToTree(p.std()));
            n.put("trees", p.forest().size());
            n.put("forest", Base64.getEncoder().encodeToString(serialize(p.forest())));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the model", e);
        }
    }

    /**
     * Reads and checks a model artifact: its format and version, and that its feature list is this Vigil's
     * catalogue, name for name and in order.
     *
     * @param origin where the bytes came from (a file name, a topic offset), for the message
     * @throws InvalidModelException with a one-line reason naming {@code origin}
     */
    public static AnomalyModel parse(byte[] bytes, String origin) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidModelException(origin + ": not a Vigil anomaly model (not JSON: "
                    + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new InvalidModelException(origin + ": not a Vigil anomaly model (no \"format\": \"" + FORMAT + "\")");
        }
        int formatVersion = root.path("format_version").asInt(-1);
        if (formatVersion != FORMAT_VERSION) {
            throw new InvalidModelException(origin + ": model format version " + formatVersion
                    + ", this Vigil reads version " + FORMAT_VERSION + "; retrain it with vigil model train");
        }
        List<String> features = new ArrayList<>();
        root.path("features").forEach(f -> features.add(f.asText()));
        if (!features.equals(FeatureCatalogue.names())) {
            List<String> missing = new ArrayList<>(FeatureCatalogue.names());
            missing.removeAll(features);
            List<String> unexpected = new ArrayList<>(features);
            unexpected.removeAll(FeatureCatalogue.names());
            String how = missing.isEmpty() && unexpected.isEmpty() ? "same features in another order"
                    : "missing " + missing + ", unknown " + unexpected;
            throw new InvalidModelException(origin + ": model features do not match this Vigil's feature catalogue ("
                    + how + "); retrain it with vigil model train");
        }
        String version = root.path("version").asText("");
        if (version.isBlank()) {
            throw new InvalidModelException(origin + ": model has no version");
        }
        Map<PrincipalKind, Population> populations = new EnumMap<>(PrincipalKind.class);
        JsonNode pops = root.path("populations");
        for (java.util.Iterator<String> it = pops.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            PrincipalKind kind;
            try {
                kind = PrincipalKind.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new InvalidModelException(origin + ": unknown population '" + name + "' (known: HUMAN, SERVICE)");
            }
            JsonNode n = pops.get(name);
            double[] mean = vector(n.path("mean"), origin, name + ".mean");
            double[] std = vector(n.path("std"), origin, name + ".std");
            double threshold = n.path("threshold").asDouble(Double.NaN);
            if (!(threshold > 0 && threshold <= 1)) {
                throw new InvalidModelException(origin + ": population " + name + " has no threshold in (0, 1]");
            }
            IsolationForest forest = deserialize(n.path("forest").asText(""), origin, name);
            populations.put(kind, new Population(forest, threshold, mean, std, n.path("training_size").asInt(),
                    n.path("training_flagged_share").asDouble()));
        }
        if (populations.isEmpty()) {
            throw new InvalidModelException(origin + ": model has no population");
        }
        Map<String, Object> evaluation = new LinkedHashMap<>();
        root.path("evaluation").fields().forEachRemaining(e -> evaluation.put(e.getKey(),
                JSON.convertValue(e.getValue(), Object.class)));
        try {
            return new AnomalyModel(version, features,
                    java.time.Instant.parse(root.path("trained_from").asText()).toEpochMilli(),
                    java.time.Instant.parse(root.path("trained_to").asText()).toEpochMilli(),
                    root.path("contamination").asDouble(), populations, evaluation);
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidModelException(origin + ": trained_from / trained_to are not ISO-8601 instants");
        }
    }

    private static double[] vector(JsonNode node, String origin, String field) {
        if (!node.isArray() || node.size() != FeatureCatalogue.size()) {
            throw new InvalidModelException(origin + ": " + field + " must list " + FeatureCatalogue.size() + " numbers");
        }
        double[] v = new double[node.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = node.get(i).asDouble();
        }
        return v;
    }

    private static byte[] serialize(IsolationForest forest) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(forest);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the forest", e);
        }
        return bytes.toByteArray();
    }

    /** Only Smile's forest classes and arrays of numbers may come out of the artifact. */
    private static final ObjectInputFilter FOREST_ONLY = ObjectInputFilter.Config.createFilter(
            "maxdepth=64;maxrefs=10000000;smile.anomaly.*;java.lang.Number;java.lang.Integer;java.lang.Double;"
                    + "[D;[I;[Lsmile.anomaly.*;!*");

    private static IsolationForest deserialize(String base64, String origin, String population) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException(origin + ": population " + population + " forest is not base64");
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(raw))) {
            in.setObjectInputFilter(FOREST_ONLY);
            Object o = in.readObject();
            if (!(o instanceof IsolationForest forest)) {
                throw new InvalidModelException(origin + ": population " + population + " holds no isolation forest");
            }
            return forest;
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            if (e instanceof InvalidModelException ime) {
                throw ime;
            }
            throw new InvalidModelException(origin + ": population " + population + " forest is corrupt ("
                    + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()) + ")");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Reads a model file; the message names the file. */
    public static AnomalyModel load(java.nio.file.Path file) {
        byte[] bytes;
        try {
            bytes = java.nio.file.Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidModelException("cannot read model " + file + ": " + e.getMessage());
        }
        return parse(bytes, file.toString());
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
