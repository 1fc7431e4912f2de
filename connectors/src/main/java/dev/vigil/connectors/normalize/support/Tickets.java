package dev.vigil.connectors.normalize.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the change or incident ticket people write into a free-text justification ("OPS-1234 disk full",
 * "per INC0012345"), for products that have no ticket field of their own. Jira-style keys and ServiceNow
 * numbers are recognised; anything else stays only in the reason.
 */
public final class Tickets {
    private static final Pattern TICKET = Pattern.compile(
            "\\b(?:(?:INC|CHG|RITM|REQ|PRB|SCTASK)\\d{5,}|[A-Z][A-Z0-9]{1,9}-\\d{1,7})\\b");

    private Tickets() {}

    /** The first ticket reference in the text, or null. */
    public static String find(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        Matcher m = TICKET.matcher(text);
        return m.find() ? m.group() : null;
    }
}
