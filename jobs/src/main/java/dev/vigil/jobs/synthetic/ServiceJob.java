package dev.vigil.jobs.synthetic;

import java.util.List;

/** The scheduled jobs that service accounts run: where, how, as whom, and the commands of one run, in order. */
enum ServiceJob {
    BACKUP("svc-backup", TargetKind.DATABASE, "ssh", "backup",
            List.of("pg_basebackup -D /backup/base -Ft -z -X fetch", "restic backup /backup --tag scheduled",
                    "restic forget --keep-daily 7 --prune")),
    DEPLOY("svc-deploy", TargetKind.CLUSTER, "kubectl", "deployer",
            List.of("kubectl apply -f manifests/", "kubectl rollout status deployment/orders -n orders",
                    "kubectl get pods -n orders")),
    MONITORING("svc-monitoring", TargetKind.HOST, "ssh", "monitor",
            List.of("systemctl is-active nginx", "df -h /", "curl -sf localhost:8080/health", "cat /proc/loadavg")),
    ETL("svc-etl", TargetKind.DATABASE, "db", "etl",
            List.of("COPY orders_staging FROM '/data/orders.csv' CSV HEADER",
                    "INSERT INTO orders_daily SELECT * FROM orders_staging", "ANALYZE orders_daily")),
    PATCHING("svc-patching", TargetKind.HOST, "ssh", "patch",
            List.of("apt-get update -q", "unattended-upgrade --dry-run", "needrestart -b")),
    CERTBOT("svc-certbot", TargetKind.HOST, "ssh", "certbot",
            List.of("certbot renew --quiet", "systemctl reload nginx")),
    LOGSHIP("svc-logship", TargetKind.HOST, "ssh", "logship",
            List.of("logrotate /etc/logrotate.conf", "systemctl status fluent-bit")),
    REPORTING("svc-reporting", TargetKind.DATABASE, "db", "reporting",
            List.of("SELECT date_trunc('day', created_at), count(*) FROM orders GROUP BY 1",
                    "REFRESH MATERIALIZED VIEW CONCURRENTLY revenue_daily")),
    ANSIBLE("svc-ansible", TargetKind.HOST, "ssh", "ansible",
            List.of("ansible-pull -U https://git.internal/ops/site.git", "systemctl daemon-reload")),
    GITOPS("svc-gitops", TargetKind.CLUSTER, "kubectl", "argocd",
            List.of("kubectl diff -f rendered/", "kubectl apply --server-side -f rendered/"));

    final String name;
    final TargetKind targetKind;
    final String protocol;
    final String account;
    final String[] commands;

    ServiceJob(String name, TargetKind targetKind, String protocol, String account, List<String> commands) {
        this.name = name;
        this.targetKind = targetKind;
        this.protocol = protocol;
        this.account = account;
        this.commands = commands.toArray(String[]::new);
    }
}
