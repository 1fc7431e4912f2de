package dev.vigil.connectors.identity;

import dev.vigil.common.PrincipalKind;
import java.io.Serializable;

/** One person or service of the principal directory: the id every product's alias resolves to, and its kind. */
public record DirectoryPrincipal(String id, PrincipalKind kind) implements Serializable {}
