package dev.vigil.connectors.identity;

import dev.vigil.common.PrincipalKind;
import dev.vigil.connectors.identity.YamlTree.Mapping;
import dev.vigil.connectors.identity.YamlTree.Node;
import dev.vigil.connectors.identity.YamlTree.Scalar;
import dev.vigil.connectors.identity.YamlTree.Sequence;
import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The principal directory of {@code --identities FILE}: each person or service once, with its kind and its names
 * in every product. Loading checks it whole (duplicate principals, an alias given to two principals, unknown keys)
 * and names {@code file:line} for each mistake; lookups are hash lookups on lower-cased names. Unix logins are
 * scoped to hosts: an exact host name, a host glob ({@code db-*}), or every host.
 *
 * <p>Serializable: the resolver ships it to every parallel task of the job.
 */
public final class PrincipalDirectory implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Set<String> PRINCIPAL_KEYS = Set.of("id", "kind", "name", "aliases");
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final char SEP = '\u0000';

    /** A Unix login on the hosts matching a glob. */
    private record HostGlob(String glob, Pattern pattern, DirectoryPrincipal principal) implements Serializable {}

    private final Map<String, DirectoryPrincipal> byId = new HashMap<>();
    /** namespace NUL alias, lower case. */
    private final Map<String, DirectoryPrincipal> byAlias = new HashMap<>();
    /** host NUL login, lower case. */
    private final Map<String, DirectoryPrincipal> unixOnHost = new HashMap<>();
    private final Map<String, List<HostGlob>> unixOnGlob = new HashMap<>();
    private final Map<String, DirectoryPrincipal> unixAnyHost = new HashMap<>();
    private int aliasCount;

    /** Where each alias was given, to name both lines of a conflict; only needed while loading. */
    private transient Map<String, Origin> seen;

    private record Origin(DirectoryPrincipal principal, int line) {}

    private PrincipalDirectory() {}

    /** @throws InvalidDirectoryException with {@code file:line: reason} */
    public static PrincipalDirectory load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidDirectoryException(file + ":0: identities file not found");
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new InvalidDirectoryException(file + ":0: cannot read: " + e.getMessage());
        }
    }

    /** Parses directory text; {@code name} is used in error messages. */
    public static PrincipalDirectory parse(String yaml, String name) {
        return read(new StringReader(yaml), name);
    }

    private static PrincipalDirectory read(Reader in, String file) {
        Node root = YamlTree.parse(in, file);
        PrincipalDirectory d = new PrincipalDirectory();
        d.seen = new HashMap<>();
        Mapping top = mapping(root, file, "the directory");
        for (Map.Entry<String, Node> e : top.entries().entrySet()) {
            if (!e.getKey().equals("principals")) {
                throw error(file, e.getValue(), "unknown key '" + e.getKey() + "' (expected: principals)");
            }
        }
        Node list = top.entries().get("principals");
        if (list == null || list instanceof Scalar s && s.value() == null) {
            d.seen = null;
            return d;
        }
        if (!(list instanceof Sequence principals)) {
            throw error(file, list, "principals must be a list");
        }
        Map<String, Integer> idLines = new HashMap<>();
        for (Node item : principals.items()) {
            d.addPrincipal(mapping(item, file, "a principal"), file, idLines);
        }
        d.seen = null;
        return d;
    }

    private void addPrincipal(Mapping m, String file, Map<String, Integer> idLines) {
        for (Map.Entry<String, Node> e : m.entries().entrySet()) {
            if (!PRINCIPAL_KEYS.contains(e.getKey())) {
                throw error(file, e.getValue(), "unknown key '" + e.getKey() + "' (expected: id, kind, name, aliases)");
            }
        }
        String id = text(m, "id", file);
        String kindText = text(m, "kind", file);
        PrincipalKind kind;
        switch (kindText.toLowerCase(Locale.ROOT)) {
            case "human" -> kind = PrincipalKind.HUMAN;
            case "service" -> kind = PrincipalKind.SERVICE;
            default -> throw error(file, m.entries().get("kind"), "kind must be human or service, not '" + kindText + "'");
        }
        int line = m.entries().get("id").line();
        Integer before = idLines.putIfAbsent(id, line);
        if (before != null) {
            throw new InvalidDirectoryException(file + ":" + line + ": principal '" + id + "' is already defined at line " + before);
        }
        DirectoryPrincipal p = new DirectoryPrincipal(id, kind);
        byId.put(id, p);
        Node aliases = m.entries().get("aliases");
        if (aliases == null || aliases instanceof Scalar s && s.value() == null) {
            return;
        }
        for (Map.Entry<String, Node> ns : mapping(aliases, file, "aliases").entries().entrySet()) {
            String namespace = ns.getKey().toLowerCase(Locale.ROOT);
            if (!NAMESPACE.matcher(namespace).matches()) {
                throw error(file, ns.getValue(), "'" + ns.getKey() + "' is not a product name (e.g. teleport, vault, aws, entra, cyberark, unix, k8s)");
            }
            String canonicalNs = AliasNamespace.of(namespace);
            for (Node alias : items(ns.getValue())) {
                if (canonicalNs.equals(AliasNamespace.UNIX)) {
                    addUnix(p, alias, file);
                } else {
                    String name = scalar(alias, file, ns.getKey() + " alias");
                    claim(canonicalNs + SEP + lower(name), p, alias.line(), file, canonicalNs + " alias '" + name + "'");
                    byAlias.put(canonicalNs + SEP + lower(name), p);
                }
                aliasCount++;
            }
        }
    }

    /** {@code login} (every host), {@code login@host-or-glob}, or {@code {login: x, hosts: [h, db-*]}}. */
    private void addUnix(DirectoryPrincipal p, Node alias, String file) {
        String login;
        List<String> hosts = new ArrayList<>();
        if (alias instanceof Mapping m) {
            for (String key : m.entries().keySet()) {
                if (!key.equals("login") && !key.equals("hosts")) {
                    throw error(file, m.entries().get(key), "unknown key '" + key + "' (expected: login, hosts)");
                }
            }
            login = text(m, "login", file);
            Node h = m.entries().get("hosts");
            if (h != null) {
                for (Node host : items(h)) {
                    hosts.add(scalar(host, file, "host"));
                }
            }
        } else {
            String text = scalar(alias, file, "unix login");
            int at = text.indexOf('@');
            login = at < 0 ? text : text.substring(0, at);
            if (at >= 0) {
                hosts.add(text.substring(at + 1));
            }
        }
        if (login.isBlank()) {
            throw error(file, alias, "unix login is empty");
        }
        if (hosts.isEmpty()) {
            hosts.add("*");
        }
        for (String host : hosts) {
            String h = lower(host);
            String what = "unix login '" + login + "' on " + (h.equals("*") ? "every host" : "'" + host + "'");
            claim(AliasNamespace.UNIX + SEP + h + SEP + lower(login), p, alias.line(), file, what);
            if (h.equals("*")) {
                unixAnyHost.put(lower(login), p);
            } else if (h.indexOf('*') >= 0 || h.indexOf('?') >= 0) {
                unixOnGlob.computeIfAbsent(lower(login), k -> new ArrayList<>()).add(new HostGlob(h, glob(h), p));
            } else {
                unixOnHost.put(h + SEP + lower(login), p);
            }
        }
    }

    private void claim(String key, DirectoryPrincipal p, int line, String file, String what) {
        Origin before = seen.putIfAbsent(key, new Origin(p, line));
        if (before == null) {
            return;
        }
        if (before.principal().id().equals(p.id())) {
            throw new InvalidDirectoryException(file + ":" + line + ": duplicate " + what + " (already at line " + before.line() + ")");
        }
        throw new InvalidDirectoryException(file + ":" + line + ": " + what + " of principal '" + p.id()
                + "' is already given to principal '" + before.principal().id() + "' at line " + before.line());
    }

    /** The principal with this directory id, or null. */
    public DirectoryPrincipal byId(String id) {
        return byId.get(id);
    }

    /** The principal a product's name resolves to in a namespace ({@link AliasNamespace}), or null. */
    public DirectoryPrincipal find(String namespace, String alias) {
        return byAlias.get(namespace + SEP + lower(alias));
    }

    /**
     * The principal a Unix login on a host resolves to, or null: the exact host first (also its short name when
     * the host is a fully qualified name), then host globs in file order, then the login on every host.
     */
    public DirectoryPrincipal findUnix(String login, String host) {
        String l = lower(login);
        if (host != null && !host.isEmpty()) {
            String h = lower(host);
            DirectoryPrincipal p = unixOnHost.get(h + SEP + l);
            int dot = h.indexOf('.');
            if (p == null && dot > 0) {
                p = unixOnHost.get(h.substring(0, dot) + SEP + l);
            }
            if (p != null) {
                return p;
            }
            List<HostGlob> globs = unixOnGlob.get(l);
            if (globs != null) {
                for (HostGlob g : globs) {
                    if (g.pattern().matcher(h).matches()) {
                        return g.principal();
                    }
                }
            }
        }
        return unixAnyHost.get(l);
    }

    public int principals() {
        return byId.size();
    }

    public int aliases() {
        return aliasCount;
    }

    private static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static List<Node> items(Node n) {
        return n instanceof Sequence s ? s.items() : List.of(n);
    }

    private static Mapping mapping(Node n, String file, String what) {
        if (n instanceof Mapping m) {
            return m;
        }
        throw error(file, n, what + " must be a mapping");
    }

    private static String text(Mapping m, String key, String file) {
        Node n = m.entries().get(key);
        if (n == null) {
            throw new InvalidDirectoryException(file + ":" + m.line() + ": missing '" + key + "'");
        }
        return scalar(n, file, key);
    }

    private static String scalar(Node n, String file, String what) {
        if (n instanceof Scalar s && s.value() != null && !s.value().isBlank()) {
            return s.value().trim();
        }
        throw error(file, n, what + " must be a non-empty text");
    }

    private static InvalidDirectoryException error(String file, Node at, String reason) {
        return new InvalidDirectoryException(file + ":" + at.line() + ": " + reason);
    }
}
