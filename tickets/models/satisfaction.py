"""Customer satisfaction (issue 19): the requester's Good or Bad for a solved ticket."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.tickets import Ticket

SATISFACTION_COMMENT_MAX_LENGTH = 2000


class SatisfactionQuerySet(models.QuerySet):
    def visible_to(self, user) -> SatisfactionQuerySet:
        """Support sees every rating; customers their organisation's (as the
        tickets' history shows them), never another's."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_support_staff:
            return self.all()
        return self.filter(organization_id=user.organization_id)


class SatisfactionRating(models.Model):
    """One rating per ticket (the one-to-one is the unique constraint), changed in
    place while the ticket is Solved and frozen once it closes."""

    class Score(models.TextChoices):
        GOOD = "good", _("Good")
        BAD = "bad", _("Bad")

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="satisfaction")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Who the rating is about: the ticket's assignee when it was (last) rated,
    # so that per-agent figures do not move when a closed ticket is reassigned.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    score = models.CharField(max_length=10, choices=Score.choices)
    comment = models.TextField(blank=True, max_length=SATISFACTION_COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SatisfactionQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "created_at"], name="satisfaction_org_time"),
            models.Index(fields=["agent", "created_at"], name="satisfaction_agent_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_score_display()} on #{self.ticket_id}"

    @property
    def is_good(self) -> bool:
        return self.score == self.Score.GOOD
