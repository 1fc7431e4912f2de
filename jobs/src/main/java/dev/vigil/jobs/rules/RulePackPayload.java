package dev.vigil.jobs.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.connectors.control.ControlMessage;
import dev.vigil.rules.pack.RuleDefinition;
import dev.vigil.rules.pack.RuleFixture;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.rules.pack.RulePackException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A rule pack as the payload of a {@link ControlMessage.Kind#RULE_PACK} control message: every file of every rule
 * folder ({@code rule.yaml}, {@code rule.epl}, fixtures) by its path inside the pack, as JSON
 * {@code {"files": {"PUM-001/rule.yaml": "..."}}}. A task unpacks it into a temporary directory and loads it with
 * the same loader as {@code --rules DIR}, so a deployed pack is read exactly as it was validated; the version is
 * the content hash, so an unpacked pack whose hash differs from its message's version is refused.
 */
public final class RulePackPayload {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Relative paths of plain names: no {@code ..}, no absolute paths, nothing a payload could escape with. */
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*");

    private RulePackPayload() {}

    /** Why a payload is not a usable rule pack; one line, or file:line problems. */
    public static final class UnusablePack extends Exception {
        private static final long serialVersionUID = 1L;

        public UnusablePack(String message) {
            super(message);
        }
    }

    /** A control message carrying the pack, its version the pack's content hash. */
    public static ControlMessage message(RulePack pack, String label, String createdBy, long createdAt) {
        return new ControlMessage(ControlMessage.Kind.RULE_PACK, pack.version(), label, createdBy, createdAt,
                encode(pack));
    }

    /** Every rule file of the pack by its path inside the pack, ordered by path. */
    public static Map<String, String> files(RulePack pack) {
        Map<String, String> files = new TreeMap<>();
        for (RuleDefinition rule : pack.rules()) {
            String folder = rule.location().substring(rule.location().lastIndexOf('/') + 1);
            files.put(folder + "/" + RuleDefinition.METADATA_FILE, rule.yaml());
            files.put(folder + "/" + RuleDefinition.EPL_FILE, rule.epl());
            for (RuleFixture f : rule.fixtures()) {
                files.put(folder + f.file().substring(rule.location().length()), f.events());
                if (f.expectFile() != null) {
                    files.put(folder + f.expectFile().substring(rule.location().length()), f.expect());
                }
            }
        }
        return files;
    }

    static byte[] encode(RulePack pack) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode files = root.putObject("files");
        files(pack).forEach(files::put);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The pack a message carries, loaded and named {@code rule-pack <version>}; not yet compiled.
     *
     * @throws UnusablePack when the payload is not a pack of rule files, a rule cannot be read (file:line), or the
     *     pack's content hash is not the message's version
     */
    public static RulePack decode(ControlMessage message) throws UnusablePack {
        JsonNode files;
        try {
            files = JSON.readTree(message.payload).get("files");
        } catch (IOException e) {
            throw new UnusablePack("payload is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (files == null || !files.isObject() || files.isEmpty()) {
            throw new UnusablePack("payload holds no \"files\" object of rule files");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("vigil-rule-pack-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory to unpack a rule pack in", e);
        }
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!SAFE_PATH.matcher(f.getKey()).matches() || !f.getValue().isTextual()) {
                    throw new UnusablePack("payload file '" + f.getKey() + "' is not a relative path with text");
                }
                Path file = dir.resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue().asText(), StandardCharsets.UTF_8);
            }
            RulePack pack;
            try {
                pack = RulePack.load(dir, "rule-pack " + message.version);
            } catch (RulePackException e) {
                throw new UnusablePack(problems(e));
            }
            if (!pack.version().equals(message.version)) {
                throw new UnusablePack("the rules hash to " + pack.version() + ", not to the version "
                        + message.version + " the message claims");
            }
            return pack;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack a rule pack into " + dir, e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** Every problem as {@code file:line: message}, joined on one line for a log or a dead letter. */
    static String problems(RulePackException e) {
        return e.problems().stream().map(Object::toString).collect(java.util.stream.Collectors.joining("; "));
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
