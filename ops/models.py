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
