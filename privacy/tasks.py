"""Celery tasks of privacy: thin wrappers around the services."""

from celery import shared_task

from privacy.erasure import end_sessions
from privacy.export import export_build, exports_sweep
from privacy.retention import retention_run


@shared_task(name="privacy.retention")
def retention_task() -> int:
    """Beat runs this daily: every enabled retention policy, in batches; returns tickets removed."""
    return sum(report.done for report in retention_run())


@shared_task(name="privacy.export_build")
def export_build_task(export_id: int) -> str:
    return export_build(export_id=export_id)


@shared_task(name="privacy.exports_sweep")
def exports_sweep_task() -> int:
    """Beat runs this: exports a broker outage left waiting, and expired files."""
    return exports_sweep()


@shared_task(name="privacy.end_sessions")
def end_sessions_task(user_id: int) -> int:
    """After an erasure: delete the person's session rows (already refused)."""
    return end_sessions(user_id)
