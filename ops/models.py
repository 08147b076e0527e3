"""What operators need recorded: when each kind of background process last ran."""

from django.db import models


class Heartbeat(models.Model):
    """One row per process kind (``worker``), touched by a task beat schedules.

    Readiness reads it: a worker that is down, or a broker that no longer
    delivers, shows as a heartbeat that has grown old.
    """

    name = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class TaskRuns(models.Model):
    """One row per periodic task (those beat schedules): how often it ran, how it
    ended, and the sum of the counts it returned (tickets closed, for the
    auto-close). Workers add to it after each run; ``/metrics`` reads it, so the
    totals are right whichever process or machine ran the task.
    """

    name = models.CharField(max_length=100, unique=True)
    succeeded = models.PositiveBigIntegerField(default=0)
    failed = models.PositiveBigIntegerField(default=0)
    processed = models.PositiveBigIntegerField(default=0)
    last_run_at = models.DateTimeField()
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "task runs"
        verbose_name_plural = "task runs"

    def __str__(self) -> str:
        return f"{self.name}: {self.succeeded} succeeded, {self.failed} failed"
