package dev.vigil.jobs.cli;

import dev.vigil.connectors.identity.IdentityResolver;
import dev.vigil.connectors.identity.InvalidDirectoryException;
import dev.vigil.connectors.identity.PrincipalDirectory;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --identities FILE}: the principal directory that gives each person or service one id (docs/identities.md). */
final class IdentitiesOption {
    @Option(names = "--identities", paramLabel = "FILE",
            description = "Principal directory (YAML, docs/identities.md): one principal id per person or service, "
                    + "with its aliases in every product. Without it, principals keep their products' ids.")
    Path file;

    /** The resolver, or null without {@code --identities}. */
    IdentityResolver load() {
        return load(file);
    }

    static IdentityResolver load(Path file) {
        if (file == null) {
            return null;
        }
        try {
            return new IdentityResolver(PrincipalDirectory.load(file));
        } catch (InvalidDirectoryException e) {
            throw new UserError("identities " + e.getMessage(), e);
        }
    }
}
