package dev.vigil.jobs.corpus;

import dev.vigil.event.PrivilegedEvent;
import dev.vigil.jobs.synthetic.SyntheticTraffic;
import dev.vigil.jobs.synthetic.TrafficProfile;
import dev.vigil.output.Finding;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.pack.RuleProblem;
import dev.vigil.rules.pack.RulePackException;
import dev.vigil.rules.pack.YamlDocument;
import dev.vigil.rules.test.FixtureRunner;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A day of ordinary privileged work, generated with no attacks, that a rule pack must stay quiet on: the check that
 * a new or tuned rule is not noisy, run by {@code vigil rules test} beside the fixtures. What the pack may still
 * raise on it is listed in {@code benign-corpus.yaml}, each accepted false positive by name with its reason; any
 * other finding fails the check, and so does an accepted one that no longer occurs (the list must stay honest).
 *
 * @param seed the generator's seed
 * @param profile who works and where; its attack rate is zero
 * @param accepted the findings the pack is allowed to raise on this day, with why
 */
public record BenignCorpus(long seed, TrafficProfile profile, List<AcceptedFalsePositive> accepted) {
    /** The file, at the root of a rule directory (and of the built-in pack), that sets up the corpus. */
    public static final String FILE = "benign-corpus.yaml";
    private static final String BUILT_IN = "vigil/pack/" + FILE;
    /** A day at about 50 events per person and 85 per service: large enough for every kind of ordinary work. */
    private static final int DEFAULT_HUMANS = 300;
    private static final int DEFAULT_SERVICES = 80;
    private static final long DEFAULT_SEED = 20260105L;
    private static final Instant DEFAULT_START = Instant.parse("2026-01-05T00:00:00Z");

    /** An accepted false positive: a finding of {@code rule} (for {@code principal}, or anyone when null). */
    public record AcceptedFalsePositive(String name, String rule, String principal, String reason) {
        boolean matches(Finding f) {
            return f.getRuleId().equals(rule) && (principal == null || principal.equals(f.getPrincipal().getId()));
        }
    }

    /** What the pack raised on the day, sorted into accepted and unexpected. */
    public record Report(int events, int principals, List<Finding> findings, List<Finding> unexpected,
                         List<AcceptedFalsePositive> acceptedSeen, List<AcceptedFalsePositive> acceptedStale) {
        public boolean quiet() {
            return unexpected.isEmpty() && acceptedStale.isEmpty();
        }
    }

    /** The built-in pack's corpus. */
    public static BenignCorpus builtIn() {
        try (InputStream in = BenignCorpus.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " is missing from the classpath");
            }
            return parse("classpath:" + BUILT_IN, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + BUILT_IN, e);
        }
    }

    /** The corpus a rule directory sets up in its {@code benign-corpus.yaml}, or the default day with nothing accepted. */
    public static BenignCorpus forDirectory(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return parse(file.toString(), "");
        }
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RulePackException(List.of(new RuleProblem(file.toString(), 0, "cannot read: " + e.getMessage())));
        }
    }

    /**
     * Reads a corpus definition: {@code corpus: {seed, humans, services, start}} (all optional) and
     * {@code accepted: [{name, rule, principal?, reason}]}.
     *
     * @throws RulePackException naming file and line of every problem
     */
    public static BenignCorpus parse(String file, String yaml) {
        YamlDocument doc = YamlDocument.parse(file, yaml);
        List<RuleProblem> problems = new ArrayList<>();
        for (String key : doc.keys()) {
            if (!key.equals("corpus") && !key.equals("accepted")) {
                problems.add(doc.problem(key, "unknown key '" + key + "' (known: corpus, accepted)"));
            }
        }
        long seed = DEFAULT_SEED;
        TrafficProfile.Builder profile = TrafficProfile.builder()
                .humans(DEFAULT_HUMANS).services(DEFAULT_SERVICES).start(DEFAULT_START).attackRate(0);
        JsonNode corpus = doc.get("corpus");
        if (corpus != null) {
            if (corpus.has("seed")) {
                seed = corpus.get("seed").asLong();
            }
            if (corpus.has("humans")) {
                profile.humans(positive(doc, corpus, "humans", 2, problems));
            }
            if (corpus.has("services")) {
                profile.services(positive(doc, corpus, "services", 0, problems));
            }
            if (corpus.has("start")) {
                try {
                    profile.start(Instant.parse(corpus.get("start").asText()));
                } catch (DateTimeParseException e) {
                    problems.add(doc.problem("corpus", "corpus.start '" + corpus.get("start").asText()
                            + "' is not an ISO-8601 instant such as 2026-01-05T00:00:00Z"));
                }
            }
        }
        List<AcceptedFalsePositive> accepted = new ArrayList<>();
        JsonNode list = doc.get("accepted");
        if (list != null && !list.isNull()) {
            List<Integer> lines = doc.itemLines("accepted");
            Set<String> names = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode item = list.get(i);
                int line = i < lines.size() ? lines.get(i) : doc.line("accepted");
                String name = text(item, "name");
                String rule = text(item, "rule");
                String reason = text(item, "reason");
                if (name == null || rule == null || reason == null) {
                    problems.add(new RuleProblem(file, line,
                            "an accepted false positive needs a name, a rule and a reason"));
                    continue;
                }
                if (!names.add(name)) {
                    problems.add(new RuleProblem(file, line, "accepted false positive '" + name + "' is listed twice"));
                }
                accepted.add(new AcceptedFalsePositive(name, rule, text(item, "principal"), reason));
            }
        }
        if (!problems.isEmpty()) {
            throw new RulePackException(problems);
        }
        return new BenignCorpus(seed, profile.build(), List.copyOf(accepted));
    }

    /** The day's events, in emission order (a little out of event-time order, as real feeds are). */
    public List<PrivilegedEvent> events() {
        SyntheticTraffic traffic = new SyntheticTraffic(seed, profile, 0, 1)
                .finishEpisodesAfter(profile.approxEventsPerDay());
        List<PrivilegedEvent> events = new ArrayList<>();
        traffic.forEachRemaining(events::add);
        long attacks = traffic.truth().stream().filter(t -> t.isAttack()).count();
        if (attacks > 0) {
            throw new IllegalStateException("the benign corpus must hold no attack, but the generator injected " + attacks);
        }
        return events;
    }

    /** Runs a compiled pack over the day and sorts what it raised. */
    public Report check(CompiledPack pack) {
        List<PrivilegedEvent> events = events();
        List<Finding> findings = new FixtureRunner(pack).findings(events);
        List<Finding> unexpected = new ArrayList<>();
        Set<AcceptedFalsePositive> seen = new HashSet<>();
        for (Finding f : findings) {
            AcceptedFalsePositive match = accepted.stream().filter(a -> a.matches(f)).findFirst().orElse(null);
            if (match == null) {
                unexpected.add(f);
            } else {
                seen.add(match);
            }
        }
        Set<String> principals = new HashSet<>();
        events.forEach(e -> principals.add(e.getPrincipal().getId()));
        // An accepted entry for a rule this pack does not hold says nothing about this pack.
        Set<String> rules = new HashSet<>();
        pack.rules().forEach(r -> rules.add(r.definition().id()));
        List<AcceptedFalsePositive> stale = accepted.stream()
                .filter(a -> rules.contains(a.rule()) && !seen.contains(a)).toList();
        List<AcceptedFalsePositive> acceptedSeen = accepted.stream().filter(seen::contains).toList();
        return new Report(events.size(), principals.size(), findings, unexpected, acceptedSeen, stale);
    }

    private static int positive(YamlDocument doc, JsonNode corpus, String key, int min, List<RuleProblem> problems) {
        JsonNode v = corpus.get(key);
        if (!v.canConvertToInt() || v.asInt() < min) {
            problems.add(doc.problem("corpus", "corpus." + key + " must be a whole number of at least " + min));
            return min;
        }
        return v.asInt();
    }

    private static String text(JsonNode item, String key) {
        JsonNode v = item == null ? null : item.get(key);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText().trim();
    }
}
