package dev.vigil.rules.pack;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A set of detections, each a folder with {@code rule.yaml}, {@code rule.epl} and fixtures: the built-in pack
 * shipped in the jar under {@code vigil/pack/}, a user's directory, or the two merged. Immutable and
 * serializable, so a Flink job can ship it to its tasks and compile it there.
 */
public final class RulePack implements Serializable {
    /** Where the built-in pack sits on the classpath; {@code pack.yaml} marks its root. */
    public static final String CLASSPATH_ROOT = "vigil/pack";
    public static final String MARKER_FILE = "pack.yaml";

    private final String name;
    private final List<RuleDefinition> rules;
    private final String version;

    private RulePack(String name, List<RuleDefinition> rules) {
        this.name = name;
        List<RuleDefinition> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparing(RuleDefinition::id).thenComparing(RuleDefinition::location));
        this.rules = List.copyOf(sorted);
        this.version = hash(this.rules);
    }

    /** A pack of the given rules, ordered by id. */
    public static RulePack of(String name, List<RuleDefinition> rules) {
        return new RulePack(name, rules);
    }

    /**
     * Loads the rule folders under dir, or dir itself when it holds a {@code rule.yaml}.
     *
     * @throws RulePackException naming file and line of every file that cannot be read as a rule
     */
    public static RulePack load(Path dir) {
        return new RulePack(dir.toString(), new RulePackLoader().load(dir, dir.toString()));
    }

    /**
     * Loads the rule folders under dir as {@link #load(Path)} does, naming the pack and every file of it by
     * {@code display} instead of dir (a pack unpacked from a message into a temporary directory, say).
     */
    public static RulePack load(Path dir, String display) {
        return new RulePack(display, new RulePackLoader().load(dir, display));
    }

    /** The pack shipped with Vigil, from the classpath: a directory in development, the jar once packaged. */
    public static RulePack builtIn() {
        return fromClasspath(RulePack.class.getClassLoader());
    }

    /** The built-in pack with a user's rules added, what {@code --rules DIR} runs: {@code builtIn().merge(load(dir))}. */
    public static RulePack builtInWith(Path dir) {
        return builtIn().merge(load(dir));
    }

    static RulePack fromClasspath(ClassLoader loader) {
        String marker = CLASSPATH_ROOT + "/" + MARKER_FILE;
        URL url = loader.getResource(marker);
        if (url == null) {
            throw new RulePackException(new RuleProblem("classpath:" + marker, 0,
                    "the built-in rule pack is missing from the classpath"));
        }
        String display = "classpath:" + CLASSPATH_ROOT;
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                return fromJar(uri, display);
            }
            Path root = Path.of(uri).getParent();
            return new RulePack("builtin", new RulePackLoader().load(root, display));
        } catch (URISyntaxException | IOException e) {
            throw new RulePackException(new RuleProblem(display, 0, "unreadable: " + e.getMessage()));
        }
    }

    private static RulePack fromJar(URI uri, String display) throws IOException {
        String spec = uri.toString();
        int sep = spec.indexOf("!/");
        URI jar = URI.create(spec.substring(0, sep));
        String inside = spec.substring(sep + 1, spec.length() - MARKER_FILE.length() - 1);
        FileSystem fs;
        boolean opened;
        try {
            fs = FileSystems.newFileSystem(jar, Map.of());
            opened = true;
        } catch (FileSystemAlreadyExistsException e) {
            // Another reader holds the jar open; use it and leave it open for them.
            fs = FileSystems.getFileSystem(jar);
            opened = false;
        }
        try {
            // Everything is read into memory here, so the file system can be closed afterwards.
            return new RulePack("builtin", new RulePackLoader().load(fs.getPath(inside), display));
        } finally {
            if (opened) {
                fs.close();
            }
        }
    }

    /**
     * This pack with the rules of another added; a rule of the other pack replaces the rule of the same id here.
     * How {@code --rules DIR} extends the built-in pack.
     */
    public RulePack merge(RulePack other) {
        Map<String, RuleDefinition> byId = new LinkedHashMap<>();
        rules.forEach(r -> byId.put(r.id(), r));
        other.rules.forEach(r -> byId.put(r.id(), r));
        return new RulePack(name + "+" + other.name, new ArrayList<>(byId.values()));
    }

    /**
     * This pack with parameter values changed, without touching any EPL: rule id to parameter name to value.
     * Values are converted to the type of the declared default, so strings from a configuration file work.
     *
     * @throws IllegalArgumentException naming the rule and parameter when a rule or parameter does not exist
     *     or a value does not fit
     */
    public RulePack withParameters(Map<String, ? extends Map<String, ?>> overrides) {
        Map<String, RuleDefinition> byId = new LinkedHashMap<>();
        rules.forEach(r -> byId.put(r.id(), r));
        for (Map.Entry<String, ? extends Map<String, ?>> rule : overrides.entrySet()) {
            RuleDefinition def = byId.get(rule.getKey());
            if (def == null) {
                throw new IllegalArgumentException("no rule " + rule.getKey() + " in the pack to set parameters of");
            }
            Map<String, Object> values = new LinkedHashMap<>(def.metadata().parameters());
            for (Map.Entry<String, ?> p : rule.getValue().entrySet()) {
                Object declared = values.get(p.getKey());
                if (declared == null) {
                    throw new IllegalArgumentException("rule " + def.id() + " has no parameter '" + p.getKey()
                            + "' (declared: " + String.join(", ", def.metadata().parameters().keySet()) + ")");
                }
                try {
                    values.put(p.getKey(), RuleParameters.coerce(declared, p.getValue()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("rule " + def.id() + " parameter '" + p.getKey() + "' "
                            + e.getMessage());
                }
            }
            byId.put(def.id(), def.withMetadata(def.metadata().withParameters(values)));
        }
        return new RulePack(name, new ArrayList<>(byId.values()));
    }

    public String name() {
        return name;
    }

    /** The rules, ordered by id. */
    public List<RuleDefinition> rules() {
        return rules;
    }

    public Optional<RuleDefinition> rule(String id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /**
     * A short hash of what decides the pack's behaviour: every rule's id, {@code rule.yaml}, {@code rule.epl} and
     * parameter values (fixtures do not count). Every finding carries it as {@code rule_version}.
     */
    public String version() {
        return version;
    }

    /** The longest horizon of any rule: how much history a restored job must replay to rebuild rule state. */
    public Duration longestHorizon() {
        return rules.stream().map(r -> r.metadata().horizon()).filter(h -> h != null)
                .max(Comparator.naturalOrder()).orElse(Duration.ZERO);
    }

    @Override
    public String toString() {
        return "RulePack[" + name + ", " + rules.size() + " rules, version " + version + "]";
    }

    private static String hash(List<RuleDefinition> rules) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (RuleDefinition r : rules) {
                update(sha, r.id());
                update(sha, r.yaml());
                update(sha, r.epl());
                for (Map.Entry<String, Object> p : new TreeMap<>(r.metadata().parameters()).entrySet()) {
                    update(sha, p.getKey() + "=" + RuleParameters.canonical(p.getValue()));
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void update(MessageDigest sha, String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }
}
