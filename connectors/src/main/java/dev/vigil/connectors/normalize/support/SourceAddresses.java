package dev.vigil.connectors.normalize.support;

/** The address part of the {@code ip:port}, {@code [ipv6]:port} and bare forms products log for a client. */
public final class SourceAddresses {
    private SourceAddresses() {}

    /** The address without its port; null for null or blank. */
    public static String hostOnly(String address) {
        if (address == null || address.isBlank()) {
            return null;
        }
        String a = address.trim();
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            return close > 1 ? a.substring(1, close) : a;
        }
        int colon = a.indexOf(':');
        if (colon > 0 && colon == a.lastIndexOf(':')) {
            // One colon: IPv4 or a name with a port. Several: a bare IPv6 address, kept whole.
            return a.substring(0, colon);
        }
        return a;
    }
}
