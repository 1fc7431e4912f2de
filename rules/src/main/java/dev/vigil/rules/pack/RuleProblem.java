package dev.vigil.rules.pack;

import java.io.Serializable;

/**
 * One thing wrong with a rule pack, pinned to a file and line so a detection engineer can go straight to it.
 *
 * @param file the file as the pack names it, e.g. {@code rules/pack/PUM-001/rule.yaml}
 * @param line 1-based line in that file; 0 when the problem concerns the file as a whole (e.g. a missing file)
 * @param message one line saying what is wrong
 */
public record RuleProblem(String file, int line, String message) implements Serializable {

    /** {@code file:line: message}, the form compilers use, so editors and CI logs can link it. */
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
