"""Celery: where each task is routed, what beat runs and how often, and how
long publishing may wait on a broker that is down; and the service-level
alerts' lead times, which beat's sweep works to."""

from datetime import timedelta

from helpdesk.env import env_int

CELERY_TASK_ROUTES = {
    "tickets.autoclose": {"queue": "maintenance"},
    "notifications.sweep": {"queue": "maintenance"},
    "notifications.send_email": {"queue": "email"},
    "outbox.send": {"queue": "email"},
    "outbox.sweep": {"queue": "maintenance"},
    "webhooks.send": {"queue": "email"},
    "webhooks.sweep": {"queue": "maintenance"},
    "webhooks.purge": {"queue": "maintenance"},
    "inbound.poll_mailbox": {"queue": "maintenance"},
    "tickets.sla_alerts": {"queue": "maintenance"},
    "tickets.sla_refresh": {"queue": "maintenance"},
    "privacy.retention": {"queue": "maintenance"},
    "privacy.exports_sweep": {"queue": "maintenance"},
    "privacy.export_build": {"queue": "maintenance"},
    "privacy.end_sessions": {"queue": "maintenance"},
    "reports.refresh_rollups": {"queue": "maintenance"},
}
# How often the dashboards' rollups take in new events (and support's default
# dashboard is computed ahead: reports.tasks).
REPORTS_REFRESH_EVERY_SECONDS = env_int("HELPDESK_REPORTS_REFRESH_EVERY_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    "close-solved-tickets": {
        "task": "tickets.autoclose",
        "schedule": env_int("HELPDESK_AUTO_CLOSE_EVERY_SECONDS", 300),
    },
    "sweep-notification-outbox": {
        "task": "notifications.sweep",
        "schedule": env_int("HELPDESK_OUTBOX_SWEEP_EVERY_SECONDS", 60),
    },
    "poll-support-mailbox": {
        "task": "inbound.poll_mailbox",
        "schedule": env_int("HELPDESK_IMAP_POLL_SECONDS", 60),
    },
    "sweep-email-outbox": {
        "task": "outbox.sweep",
        "schedule": env_int("HELPDESK_OUTBOX_SWEEP_EVERY_SECONDS", 60),
    },
    "sweep-webhook-outbox": {
        "task": "webhooks.sweep",
        "schedule": env_int("HELPDESK_OUTBOX_SWEEP_EVERY_SECONDS", 60),
    },
    "purge-webhook-log": {"task": "webhooks.purge", "schedule": 60 * 60},
    "service-level-alerts": {
        "task": "tickets.sla_alerts",
        "schedule": env_int("HELPDESK_SLA_ALERTS_EVERY_SECONDS", 60),
    },
    "retention-policies": {
        "task": "privacy.retention",
        "schedule": env_int("HELPDESK_RETENTION_EVERY_SECONDS", 24 * 60 * 60),
    },
    "sweep-data-exports": {
        "task": "privacy.exports_sweep",
        "schedule": env_int("HELPDESK_EXPORTS_SWEEP_EVERY_SECONDS", 300),
    },
    # The dashboards' rollups take in the ticket events since their watermark.
    "refresh-report-rollups": {
        "task": "reports.refresh_rollups",
        "schedule": REPORTS_REFRESH_EVERY_SECONDS,
    },
    "worker-heartbeat": {
        "task": "ops.heartbeat",
        "schedule": env_int("HELPDESK_HEARTBEAT_EVERY_SECONDS", 30),
    },
}
# A request never waits long on a broker that is down: the outbox keeps the
# work and the sweeper queues it once the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

# Service levels (tickets.sla): a running target due within the warning lead
# warns the assignee once; the queue calls one due within the risk window
# "at risk" and lists it under "Breaching soon".
HELPDESK_SLA_WARNING_LEAD = timedelta(minutes=env_int("HELPDESK_SLA_WARNING_LEAD_MINUTES", 30))
HELPDESK_SLA_AT_RISK = timedelta(minutes=env_int("HELPDESK_SLA_AT_RISK_MINUTES", 60))

# Data exports (privacy.export): their download links and files last this long.
HELPDESK_EXPORT_DAYS = env_int("HELPDESK_EXPORT_DAYS", 7)
