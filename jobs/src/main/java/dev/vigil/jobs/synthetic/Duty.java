package dev.vigil.jobs.synthetic;

import java.util.List;

/**
 * What a person does for a living, which fixes the targets they work on, how they reach them, and what ordinary work
 * looks like there. None of the ordinary commands is risky in the sense of PUM-009.
 */
enum Duty {
    HOST_ADMIN(TargetKind.HOST, "ssh", "root",
            List.of("uptime", "df -h", "free -m", "systemctl status nginx", "systemctl status app",
                    "journalctl -u nginx --since -1h", "journalctl -u app -n 200 --no-pager",
                    "tail -n 200 /var/log/syslog", "ls -la /etc/nginx/conf.d", "ps aux --sort=-%cpu", "ss -tlnp",
                    "grep -c ERROR /var/log/app/app.log", "apt list --upgradable", "top -b -n 1", "du -sh /var/log",
                    "systemctl restart app", "nginx -t", "systemctl reload nginx", "cat /etc/os-release", "lsblk",
                    "ip addr show", "dmesg -T --level=err,warn", "vmstat 1 5", "iostat -x 1 3", "docker ps",
                    "curl -s localhost:8080/health"),
            List.of("patch openssl on app hosts", "investigate 5xx spike on checkout", "rotate nginx certificates",
                    "disk filling up on batch host", "restart stuck app workers", "apply kernel security update",
                    "debug slow responses behind the load balancer")),
    DBA(TargetKind.DATABASE, "db", "postgres",
            List.of("SELECT count(*) FROM pg_stat_activity",
                    "SELECT pid, state, wait_event, query_start FROM pg_stat_activity WHERE state <> 'idle'",
                    "SELECT relname, n_dead_tup FROM pg_stat_user_tables ORDER BY n_dead_tup DESC LIMIT 10",
                    "VACUUM (ANALYZE) orders", "EXPLAIN ANALYZE SELECT * FROM orders WHERE customer_id = 4711",
                    "SELECT pg_size_pretty(pg_database_size(current_database()))", "SHOW max_connections",
                    "SELECT * FROM pg_stat_replication",
                    "SELECT indexrelname, idx_scan FROM pg_stat_user_indexes ORDER BY idx_scan LIMIT 20",
                    "REINDEX INDEX CONCURRENTLY orders_created_at_idx",
                    "SELECT now() - pg_last_xact_replay_timestamp()", "\\dt+", "\\di+ orders*",
                    "SELECT query, calls, mean_exec_time FROM pg_stat_statements ORDER BY mean_exec_time DESC LIMIT 10",
                    "ANALYZE payments", "SELECT locktype, mode, granted FROM pg_locks WHERE NOT granted"),
            List.of("vacuum bloated tables on payments", "add index for slow order lookups",
                    "investigate replication lag", "kill runaway reporting query", "check connection saturation",
                    "prepare schema migration for ledger")),
    PLATFORM(TargetKind.CLUSTER, "kubectl", "cluster-admin",
            List.of("kubectl get pods -n payments", "kubectl get pods -A --field-selector=status.phase!=Running",
                    "kubectl describe deployment orders -n orders", "kubectl logs deploy/checkout -n shop --tail=200",
                    "kubectl get nodes -o wide", "kubectl top pods -n payments", "kubectl top nodes",
                    "kubectl rollout status deployment/orders -n orders",
                    "kubectl rollout restart deployment/search -n search",
                    "kubectl get events -n payments --sort-by=.lastTimestamp", "kubectl get hpa -A",
                    "kubectl describe node worker-7", "kubectl get ingress -n shop",
                    "kubectl scale deployment/checkout -n shop --replicas=6", "kubectl get pvc -n ledger",
                    "kubectl cordon worker-3"),
            List.of("scale ingress controllers for the sale", "debug failing cronjob in billing",
                    "drain node for kernel upgrade", "roll back bad orders deployment",
                    "investigate OOM-killed search pods"));

    final TargetKind targetKind;
    final String protocol;
    final String account;
    final String[] commands;
    final String[] reasons;

    /** Whose tools and habits fit a target of this kind. */
    static Duty forKind(TargetKind kind) {
        return switch (kind) {
            case HOST -> HOST_ADMIN;
            case DATABASE -> DBA;
            case CLUSTER -> PLATFORM;
        };
    }

    Duty(TargetKind targetKind, String protocol, String account, List<String> commands, List<String> reasons) {
        this.targetKind = targetKind;
        this.protocol = protocol;
        this.account = account;
        this.commands = commands.toArray(String[]::new);
        this.reasons = reasons.toArray(String[]::new);
    }
}
