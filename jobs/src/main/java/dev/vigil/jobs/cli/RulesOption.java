package dev.vigil.jobs.cli;

import dev.vigil.rules.pack.RulePack;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --rules DIR}: the user's own rules, added to the built-in pack. */
final class RulesOption {
    @Option(names = "--rules", paramLabel = "DIR", description = "A directory of your own rules to add to the built-in pack.")
    Path dir;

    RulePack load() {
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UserError("rules directory not found: " + dir);
        }
        try {
            return dir == null ? RulePack.builtIn() : RulePack.builtInWith(dir);
        } catch (RuntimeException e) {
            throw new UserError("cannot load rules: " + VigilCli.oneLine(e), e);
        }
    }
}
