package dev.vigil.rules.grant;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether a grant's scope covers a target. A scope is a list of exact names or {@code *} globs
 * ({@code db-*}, {@code *.prod.example.com}, {@code *}); matching ignores case because host and database
 * names are case-insensitive in the products that feed Vigil. Compile once per scope and reuse.
 */
public final class ScopeMatcher {

    private static final ScopeMatcher NOTHING = new ScopeMatcher(false, Set.of(), List.of());

    private final boolean coversEverything;
    private final Set<String> exactNames;
    private final List<Pattern> globs;

    private ScopeMatcher(boolean coversEverything, Set<String> exactNames, List<Pattern> globs) {
        this.coversEverything = coversEverything;
        this.exactNames = exactNames;
        this.globs = globs;
    }

    /** Compiles a scope; null, empty and blank entries cover nothing. */
    public static ScopeMatcher of(List<String> scope) {
        if (scope == null || scope.isEmpty()) {
            return NOTHING;
        }
        boolean everything = false;
        Set<String> exact = new HashSet<>();
        List<Pattern> globs = new ArrayList<>();
        for (String entry : scope) {
            if (entry == null) {
                continue;
            }
            String name = entry.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (name.chars().allMatch(c -> c == '*')) {
                everything = true;
            } else if (name.indexOf('*') >= 0) {
                globs.add(compileGlob(name));
            } else {
                exact.add(name);
            }
        }
        return new ScopeMatcher(everything, Set.copyOf(exact), List.copyOf(globs));
    }

    /**
     * Whether the scope covers the target. An unknown (null) target is covered only by a scope of {@code *}:
     * a grant over everything covers whatever the act touched, any narrower grant cannot be said to.
     */
    public boolean covers(String target) {
        if (coversEverything) {
            return true;
        }
        if (target == null) {
            return false;
        }
        String name = target.trim().toLowerCase(Locale.ROOT);
        if (exactNames.contains(name)) {
            return true;
        }
        for (Pattern glob : globs) {
            if (glob.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Whether this scope covers anything at all. */
    public boolean isEmpty() {
        return !coversEverything && exactNames.isEmpty() && globs.isEmpty();
    }

    private static Pattern compileGlob(String glob) {
        StringBuilder regex = new StringBuilder();
        int from = 0;
        for (int star = glob.indexOf('*'); star >= 0; star = glob.indexOf('*', from)) {
            if (star > from) {
                regex.append(Pattern.quote(glob.substring(from, star)));
            }
            regex.append(".*");
            from = star + 1;
        }
        if (from < glob.length()) {
            regex.append(Pattern.quote(glob.substring(from)));
        }
        // Names are lower-cased on both sides with Locale.ROOT, so no case flag is needed here.
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
