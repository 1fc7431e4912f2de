package dev.vigil.jobs.synthetic;

/**
 * What a service account's credentials run when someone uses its automation to look around a target it never worked
 * on: who am I, what runs here, who else has access, where the credentials are. One list per way in (the job's
 * protocol). None of it is risky in the sense of PUM-009: it reads, it changes nothing, so only the behaviour model
 * can tell it from a job.
 */
final class ReconCommands {
    static final String[] SHELL = {
            "id", "whoami", "hostname -f", "uname -a", "cat /etc/os-release", "cat /etc/passwd", "getent group sudo",
            "ls -la /root", "ls -la /home", "ls -la ~/.ssh", "find / -perm -4000 -type f 2>/dev/null", "ss -tanp",
            "ip route", "cat /etc/hosts", "cat /etc/resolv.conf", "ps auxww", "crontab -l", "ls -la /etc/cron.d",
            "sudo -l", "env", "ls -la /var/backups", "find /home /opt -name '*.pem' 2>/dev/null", "last -n 20", "w",
            "mount", "systemctl list-units --type=service --state=running"};

    static final String[] SQL = {
            "SELECT current_user, session_user", "SELECT version()", "SELECT usename, usesuper FROM pg_user",
            "SELECT rolname FROM pg_roles WHERE rolsuper", "SELECT datname FROM pg_database", "\\du", "\\l", "\\dn",
            "SELECT table_schema, table_name FROM information_schema.tables",
            "SELECT grantee, privilege_type FROM information_schema.role_table_grants",
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'customers'",
            "SELECT count(*) FROM customers", "SELECT * FROM payments LIMIT 100", "SHOW hba_file",
            "SELECT name, setting FROM pg_settings WHERE name LIKE '%ssl%'", "SELECT inet_server_addr(), inet_server_port()",
            "SELECT * FROM pg_stat_ssl", "SELECT extname, extversion FROM pg_extension",
            "SELECT srvname, srvoptions FROM pg_foreign_server", "SELECT * FROM pg_stat_replication",
            "SELECT schemaname, tablename FROM pg_tables WHERE tablename LIKE '%user%'"};

    static final String[] KUBECTL = {
            "kubectl auth can-i --list", "kubectl get namespaces", "kubectl get secrets -A",
            "kubectl get serviceaccounts -A", "kubectl get clusterrolebindings", "kubectl get roles -A",
            "kubectl get rolebindings -A", "kubectl get nodes -o wide", "kubectl get pods -A -o wide",
            "kubectl get configmaps -A", "kubectl describe clusterrole cluster-admin", "kubectl get networkpolicies -A",
            "kubectl get ingress -A", "kubectl get deployments -A", "kubectl get crd", "kubectl version",
            "kubectl config view", "kubectl get pv", "kubectl get validatingwebhookconfigurations",
            "kubectl get mutatingwebhookconfigurations", "kubectl get cronjobs -A"};

    /** The list for a way in: SQL over a database protocol, kubectl for clusters, a shell otherwise. */
    static String[] forProtocol(String protocol) {
        return switch (protocol) {
            case "db" -> SQL;
            case "kubectl" -> KUBECTL;
            default -> SHELL;
        };
    }

    private ReconCommands() {}
}
