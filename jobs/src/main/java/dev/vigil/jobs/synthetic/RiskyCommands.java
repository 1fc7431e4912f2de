package dev.vigil.jobs.synthetic;

/**
 * Commands that PUM-009 exists to catch, each named by what it does; and the harmless commands that someone using a
 * service account's credentials by hand types first (PUM-008).
 */
final class RiskyCommands {
    /** Variant name and command line, side by side. */
    static final String[][] SHELL = {
            {"audit-tampering", "auditctl -D"},
            {"backdoor-user", "useradd -o -u 0 backdoor"},
            {"credential-dumping", "cat /etc/shadow"},
            {"history-wiping", "history -c"},
            {"credential-dumping-tool", "./mimikatz \"privilege::debug\" \"sekurlsa::logonpasswords\" exit"},
            {"edr-disabling", "systemctl stop falcon-sensor"},
            {"ssh-key-implant",
                    "echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB2sKq attacker@203.0.113.7' >> /root/.ssh/authorized_keys"},
            {"history-disabling", "unset HISTFILE"},
    };

    /** The same commands run inside a pod, for people who work through kubectl. */
    static final String[] IN_POD = new String[SHELL.length];

    static {
        for (int i = 0; i < SHELL.length; i++) {
            IN_POD[i] = "kubectl exec -it deploy/payments -n payments -- " + SHELL[i][1];
        }
    }

    /** What a person at a service account's shell runs: harmless, but no scheduled job runs it interactively. */
    static final String[] HANDS_ON_SERVICE = {
            "id", "hostname -f", "ls -la /opt", "ps -ef", "df -h", "last -n 5", "ls -la ~/.config", "uname -a"};

    private RiskyCommands() {}
}
