package dev.vigil.rules.test;

import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.output.Finding;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.CompiledRule;
import dev.vigil.rules.engine.RuleEngine;
import dev.vigil.rules.grant.GrantBook;
import dev.vigil.rules.grant.LabellingOrder;
import dev.vigil.rules.pack.RuleDefinition;
import dev.vigil.rules.pack.RuleFixture;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.rules.pack.RulePackException;
import dev.vigil.rules.pack.RuleProblem;
import dev.vigil.schema.json.CanonicalJson;
import dev.vigil.schema.json.EventValidator;
import dev.vigil.schema.json.InvalidRecordException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs every fixture of a pack without Flink, the way the job would see its events: parsed and validated as
 * canonical events, put in event-time order ({@link LabellingOrder}; the order of lines never matters),
 * labelled by a {@link GrantBook} per principal, fed to a fresh {@link RuleEngine} running the whole pack, and
 * the clock moved on by the rule's horizon so rules waiting for an absence fire. Fire fixtures must produce exactly the
 * findings their {@code .expect.yaml} lists for the rules it names; quiet fixtures none of their rule.
 */
public final class FixtureRunner {
    /** Event validation as the job does it, except that fixtures may lie at any time relative to the wall clock. */
    private static final EventValidator VALIDATOR = new EventValidator(Long.MAX_VALUE / 4, 16 * 1024);

    private final CompiledPack pack;

    public FixtureRunner(CompiledPack pack) {
        this.pack = pack;
    }

    /**
     * Compiles a pack and runs all its fixtures.
     *
     * @throws RulePackException when the pack does not compile
     */
    public static FixtureReport run(RulePack pack) {
        return new FixtureRunner(CompiledPack.compile(pack)).run();
    }

    /** Runs every fixture of every rule. */
    public FixtureReport run() {
        // Every fixture runs on a runtime of its own, so rules can be tested side by side, one per core; the
        // report keeps the pack's order.
        List<RuleReport> reports = pack.rules().parallelStream().map(rule -> run(rule.definition())).toList();
        return new FixtureReport(pack.version(), reports);
    }

    /** Runs the fixtures of one rule. */
    public RuleReport run(RuleDefinition rule) {
        List<FixtureOutcome> outcomes = new ArrayList<>();
        for (RuleFixture fixture : rule.fixtures()) {
            outcomes.add(run(rule, fixture));
        }
        return new RuleReport(rule.id(), outcomes);
    }

    /** Runs one fixture of a rule. */
    public FixtureOutcome run(RuleDefinition rule, RuleFixture fixture) {
        List<String> failures = new ArrayList<>();
        List<PrivilegedEvent> events = parse(fixture, failures);
        List<ExpectedFinding> expected = List.of();
        try {
            expected = ExpectedFinding.read(fixture);
        } catch (RulePackException e) {
            e.problems().forEach(p -> failures.add(p.toString()));
        }
        if (!failures.isEmpty()) {
            return new FixtureOutcome(rule.id(), fixture.name(), fixture.kind(), fixture.file(), failures, List.of());
        }
        List<Finding> findings = evaluate(events, horizon(rule));
        compare(rule, fixture, expected, findings, failures);
        return new FixtureOutcome(rule.id(), fixture.name(), fixture.kind(), fixture.file(), failures, findings);
    }

    /**
     * Runs the whole pack over any canonical events as the fixtures are run (event-time order, labelled per
     * principal) and moves the clock on by the pack's longest horizon so every pending absence is decided.
     */
    public List<Finding> findings(List<PrivilegedEvent> events) {
        return evaluate(events, pack.pack().longestHorizon());
    }

    private List<Finding> evaluate(List<PrivilegedEvent> events, Duration horizon) {
        List<PrivilegedEvent> ordered = new ArrayList<>(events);
        // Event time, then grant changes before the acts they govern, then event id: the grant context's order.
        ordered.sort(LabellingOrder.INSTANCE);
        Map<String, GrantBook> books = new HashMap<>();
        List<Finding> findings = new ArrayList<>();
        try (RuleEngine engine = new RuleEngine(pack, RuleEngine.Options.defaults().withName("vigil-fixture"))) {
            for (PrivilegedEvent e : ordered) {
                LabelledEvent labelled = books.computeIfAbsent(e.getPrincipal().getId(), id -> new GrantBook()).apply(e);
                findings.addAll(engine.process(labelled));
            }
            if (!ordered.isEmpty()) {
                long last = ordered.get(ordered.size() - 1).getEventTime();
                findings.addAll(engine.advanceTo(last + horizon.toMillis()));
            }
        }
        return findings;
    }

    private static Duration horizon(RuleDefinition rule) {
        Duration h = rule.metadata().horizon();
        return h == null ? Duration.ZERO : h;
    }

    private static List<PrivilegedEvent> parse(RuleFixture fixture, List<String> failures) {
        List<PrivilegedEvent> events = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String[] lines = fixture.events().split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                PrivilegedEvent e = CanonicalJson.parse(line);
                VALIDATOR.validate(e);
                if (!ids.add(e.getEventId())) {
                    throw new InvalidRecordException("event_id " + e.getEventId() + " appears twice");
                }
                events.add(e);
            } catch (InvalidRecordException e) {
                failures.add(new RuleProblem(fixture.file(), i + 1, e.getMessage()).toString());
            }
        }
        if (events.isEmpty() && failures.isEmpty()) {
            failures.add(new RuleProblem(fixture.file(), 0, "has no events").toString());
        }
        return events;
    }

    /**
     * Checked rules are the fixture's own and every rule an expectation names: for each, the findings produced
     * must be exactly those expected, one to one. Expectations marked absent must match nothing.
     */
    private static void compare(RuleDefinition rule, RuleFixture fixture, List<ExpectedFinding> expected,
                                List<Finding> findings, List<String> failures) {
        Set<String> ids = new HashSet<>();
        for (Finding f : findings) {
            if (!ids.add(f.getFindingId())) {
                failures.add(fixture.file() + ": " + f.getRuleId() + " emitted finding " + f.getFindingId()
                        + " on " + f.getEventIds() + " more than once");
            }
        }
        List<ExpectedFinding> present = expected.stream().filter(x -> !x.absent()).toList();
        if (fixture.kind() == RuleFixture.Kind.FIRE && present.stream().noneMatch(x -> x.ruleId().equals(rule.id()))) {
            failures.add(fixture.file() + ": a fire fixture needs a sidecar "
                    + fixture.file().replaceAll("\\.ndjson$", RuleFixture.EXPECT_SUFFIX) + " listing at least one "
                    + rule.id() + " finding");
        }
        Set<String> checkedRules = new LinkedHashSet<>();
        checkedRules.add(rule.id());
        present.forEach(x -> checkedRules.add(x.ruleId()));

        List<Finding> unmatched = new ArrayList<>(findings.stream().filter(f -> checkedRules.contains(f.getRuleId())).toList());
        for (ExpectedFinding x : present) {
            Finding match = unmatched.stream().filter(x::matches).findFirst().orElse(null);
            if (match == null) {
                failures.add(new RuleProblem(x.file(), x.line(), "expected " + x.describe() + " was not produced"
                        + produced(findings, x.ruleId())).toString());
            } else {
                unmatched.remove(match);
            }
        }
        for (Finding f : unmatched) {
            failures.add(fixture.file() + ": unexpected " + f.getRuleId() + " finding for " + f.getPrincipal().getId()
                    + " on " + f.getEventIds() + ": " + f.getExplanation());
        }
        for (ExpectedFinding x : expected) {
            if (x.absent()) {
                findings.stream().filter(x::matches).findFirst().ifPresent(f -> failures.add(new RuleProblem(
                        x.file(), x.line(), "expected no " + x.describe() + " but it was produced").toString()));
            }
        }
    }

    private static String produced(List<Finding> findings, String ruleId) {
        List<String> of = findings.stream().filter(f -> f.getRuleId().equals(ruleId))
                .map(f -> f.getPrincipal().getId() + " on " + f.getEventIds()).toList();
        return of.isEmpty() ? " (it produced no " + ruleId + " finding)" : " (produced: " + String.join("; ", of) + ")";
    }
}
