package dev.vigil.rules.engine;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.client.module.Module;
import com.espertech.esper.common.client.module.ModuleItem;
import com.espertech.esper.common.client.module.ParseException;
import com.espertech.esper.common.client.util.ExceptionLineItem;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompiler;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.DeploymentOptions;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import com.espertech.esper.runtime.client.EPUndeployException;
import dev.vigil.rules.pack.RuleDefinition;
import dev.vigil.rules.pack.RuleMetadata;
import dev.vigil.rules.pack.RulePack;
import dev.vigil.rules.pack.RuleProblem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles each rule's EPL module and proves it deploys, collecting every problem with file and line. The
 * trial deployment (into a throwaway runtime) is what reveals parameter and finding-column mistakes, which
 * Esper only knows once statements exist.
 */
final class PackCompiler {
    private static final Pattern NAME = Pattern.compile("@Name\\s*\\(\\s*(?:value\\s*=\\s*)?(['\"])(.*?)\\1\\s*\\)");
    private static final Pattern AT_LINE = Pattern.compile("at line (\\d+)(?: column (\\d+))?");
    private static final Pattern PARAMETER = Pattern.compile("\\?:([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern QUOTED = Pattern.compile("'([^']+)'");
    private static final AtomicLong SCRATCH = new AtomicLong();

    private final List<RuleProblem> problems;
    private final Configuration config = EsperSetup.configuration();
    private final EPCompiler compiler = EPCompilerProvider.getCompiler();

    PackCompiler(List<RuleProblem> problems) {
        this.problems = problems;
    }

    List<CompiledRule> compile(RulePack pack) {
        List<CompiledRule> compiled = new ArrayList<>();
        Map<String, RuleDefinition> seen = new HashMap<>();
        EPRuntime scratch = EPRuntimeProvider.getRuntime("vigil-rules-check-" + SCRATCH.incrementAndGet(), config);
        try {
            scratch.getEventService().advanceTime(0);
            for (RuleDefinition rule : pack.rules()) {
                RuleDefinition other = seen.putIfAbsent(rule.id(), rule);
                if (other != null) {
                    problems.add(rule.metadataProblem(RuleMetadata.ID, "rule id " + rule.id()
                            + " is already used by " + other.metadataFile()));
                    continue;
                }
                CompiledRule c = compile(rule, scratch);
                if (c != null) {
                    compiled.add(c);
                }
            }
        } finally {
            scratch.destroy();
        }
        return compiled;
    }

    private CompiledRule compile(RuleDefinition rule, EPRuntime scratch) {
        int before = problems.size();
        RuleMetadata m = rule.metadata();
        requireForFindings(rule, RuleMetadata.NAME, m.name());
        requireForFindings(rule, RuleMetadata.SEVERITY, m.severity());
        requireForFindings(rule, RuleMetadata.RISK_SCORE, m.riskScore());
        requireForFindings(rule, RuleMetadata.HORIZON, m.horizon());

        Module module;
        try {
            module = compiler.parseModule(rule.epl());
        } catch (ParseException | IOException e) {
            problems.add(new RuleProblem(rule.eplFile(), lineIn(e.getMessage()), oneLine(e.getMessage())));
            return null;
        }
        Map<String, Integer> lines = statementLines(rule, module);
        declaredParametersUsed(rule, module);
        if (module.getItems().stream().allMatch(ModuleItem::isCommentOnly)) {
            problems.add(new RuleProblem(rule.eplFile(), 0, "has no statements"));
            return null;
        }

        EPCompiled compiled;
        try {
            compiled = compiler.compile(module, new CompilerArguments(config));
        } catch (EPCompileException e) {
            if (e.getItems().isEmpty()) {
                problems.add(new RuleProblem(rule.eplFile(), 0, oneLine(e.getMessage())));
            }
            for (ExceptionLineItem item : e.getItems()) {
                problems.add(new RuleProblem(rule.eplFile(), locate(rule.epl(), module, item), oneLine(item.getMessage())));
            }
            return null;
        }
        trialDeploy(rule, compiled, lines, scratch);
        return problems.size() == before ? new CompiledRule(rule, compiled, lines) : null;
    }

    private void requireForFindings(RuleDefinition rule, String key, Object value) {
        if (value == null) {
            problems.add(rule.metadataProblem(key, "missing " + key + ", which every finding of the rule carries"));
        }
    }

    /** The line of each named statement; statements without a name are problems (STYLE: every statement is named). */
    private Map<String, Integer> statementLines(RuleDefinition rule, Module module) {
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (ModuleItem item : module.getItems()) {
            if (item.isCommentOnly()) {
                continue;
            }
            int line = item.getLineNumberContent() > 0 ? item.getLineNumberContent() : item.getLineNumber();
            Matcher name = NAME.matcher(item.getExpression());
            if (!name.find()) {
                problems.add(new RuleProblem(rule.eplFile(), line, "statement has no @Name('...')"));
            } else if (lines.putIfAbsent(name.group(2), line) != null) {
                problems.add(new RuleProblem(rule.eplFile(), line,
                        "statement name '" + name.group(2) + "' is already used on line " + lines.get(name.group(2))));
            }
        }
        return lines;
    }

    /** A declared parameter no statement uses is a mistake: an override of it would silently change nothing. */
    private void declaredParametersUsed(RuleDefinition rule, Module module) {
        Set<String> used = new HashSet<>();
        for (ModuleItem item : module.getItems()) {
            Matcher m = PARAMETER.matcher(item.getExpression());
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        for (String declared : rule.metadata().parameters().keySet()) {
            if (!used.contains(declared)) {
                problems.add(rule.metadataProblem(RuleMetadata.PARAMETERS,
                        "parameter '" + declared + "' is declared but no statement uses ?:" + declared));
            }
        }
    }

    private void trialDeploy(RuleDefinition rule, EPCompiled compiled, Map<String, Integer> lines, EPRuntime scratch) {
        Map<String, Object> values = rule.metadata().parameters();
        int before = problems.size();
        DeploymentOptions options = new DeploymentOptions().setStatementSubstitutionParameter(ctx ->
                ParameterBinding.bind(ctx, values,
                        (statement, message) -> problems.add(new RuleProblem(rule.eplFile(),
                                lines.getOrDefault(statement, 0), message)),
                        name -> { }));
        EPDeployment deployment;
        try {
            deployment = scratch.getDeploymentService().deploy(compiled, options);
        } catch (EPDeployException e) {
            if (problems.size() == before) {
                problems.add(new RuleProblem(rule.eplFile(), 0, "does not deploy: " + oneLine(e.getMessage())));
            }
            return;
        }
        try {
            boolean anyFinding = false;
            for (EPStatement statement : deployment.getStatements()) {
                if (!FindingOutput.isFindingStatement(statement.getAnnotations())) {
                    continue;
                }
                anyFinding = true;
                for (String message : FindingOutput.check(statement.getEventType())) {
                    problems.add(new RuleProblem(rule.eplFile(), lines.getOrDefault(statement.getName(), 0),
                            "finding statement '" + statement.getName() + "' " + message));
                }
            }
            if (!anyFinding) {
                problems.add(new RuleProblem(rule.eplFile(), 0, "no statement is tagged @Tag(name='"
                        + FindingOutput.TAG_NAME + "', value='" + FindingOutput.TAG_VALUE
                        + "'), so the rule can never produce a finding"));
            }
        } finally {
            try {
                scratch.getDeploymentService().undeploy(deployment.getDeploymentId());
            } catch (EPUndeployException e) {
                // The scratch runtime is destroyed after the pack anyway.
            }
        }
    }

    /** The module-level line a parse error names ("at line N"), or 0. */
    private static int lineIn(String message) {
        if (message != null) {
            Matcher m = AT_LINE.matcher(message);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return 0;
    }

    /**
     * The line of a compile error. Esper names only the statement's first line and hands back the statement with
     * its line breaks flattened, so the line is found by looking for the first name the message quotes
     * ("near 'selec'", "property named 'nope'") among the statement's own lines.
     */
    private static int locate(String epl, Module module, ExceptionLineItem item) {
        int start = item.getLineNumber();
        int end = start;
        for (ModuleItem m : module.getItems()) {
            if (m.getLineNumber() == start || m.getLineNumberContent() == start) {
                end = Math.max(start, m.getLineNumberEnd());
            }
        }
        Matcher quoted = QUOTED.matcher(item.getMessage() == null ? "" : item.getMessage());
        if (start <= 0 || !quoted.find()) {
            return Math.max(start, 0);
        }
        Pattern token = Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(quoted.group(1)) + "(?![A-Za-z0-9_])");
        String[] lines = epl.split("\\r?\\n", -1);
        for (int line = start; line <= Math.min(end, lines.length); line++) {
            if (token.matcher(lines[line - 1]).find()) {
                return line;
            }
        }
        return start;
    }

    /** The first line of a message, without Esper's position in the flattened statement. */
    private static String oneLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        String s = message.strip();
        int nl = s.indexOf('\n');
        s = nl < 0 ? s : s.substring(0, nl).strip();
        // Esper's line and column count in the statement flattened to one line, which no editor shows.
        return AT_LINE.matcher(s).replaceFirst("").replace(" ,", ",").replaceAll("\\s{2,}", " ").strip();
    }
}
