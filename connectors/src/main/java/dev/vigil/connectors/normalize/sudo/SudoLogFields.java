package dev.vigil.connectors.normalize.sudo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of a classic sudo log message: {@code [problem ; ]TTY=pts/0 ; PWD=/home/alice ; USER=root ;
 * [GROUP=.. ; TSID=.. ; ENV=.. ; ]COMMAND=/usr/bin/id[ ; EXIT=n]}. The command runs to the end (or to a trailing
 * {@code EXIT=}/{@code SIGNAL=}) because it may itself contain {@code " ; "}. Text that is no {@code KEY=value} pair
 * is the problem sudo reports ("user NOT in sudoers", "3 incorrect password attempts").
 */
record SudoLogFields(Map<String, String> fields, List<String> problems) {

    static SudoLogFields parse(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        String head = body;
        int cmd = body.indexOf("COMMAND=");
        if (cmd >= 0 && (cmd == 0 || body.startsWith(" ; ", cmd - 3) || body.charAt(cmd - 1) == ' ')) {
            String command = body.substring(cmd + "COMMAND=".length());
            head = body.substring(0, cmd);
            // sudo's own exit record appends " ; SIGNAL=x ; EXIT=n" after the command.
            for (String tail : new String[] {" ; EXIT=", " ; SIGNAL="}) {
                int t = command.lastIndexOf(tail);
                if (t >= 0 && command.substring(t + 3).matches("(EXIT|SIGNAL)=[^;]*( ; (EXIT|SIGNAL)=[^;]*)?")) {
                    for (String part : command.substring(t + 3).split(" ; ")) {
                        int eq = part.indexOf('=');
                        fields.put(part.substring(0, eq), part.substring(eq + 1).trim());
                    }
                    command = command.substring(0, t);
                }
            }
            fields.put("COMMAND", command.replace("#012", "\n").strip());
        }
        for (String part : head.split(" ; ?")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).matches("[A-Z_]+")) {
                fields.putIfAbsent(p.substring(0, eq), p.substring(eq + 1));
            } else {
                problems.add(p);
            }
        }
        return new SudoLogFields(fields, problems);
    }

    String get(String key) {
        String v = fields.get(key);
        return v == null || v.isBlank() ? null : v;
    }
}
