"""Macros: support's canned answers, with actions applied in the same act (issue 18).

A macro is support's business only: shared by the desk (``owner`` empty,
managed by support admins) or personal to one agent. ``visible_to`` is the
door: support staff see the shared ones and their own; customers see none,
and another agent's personal macro is as missing as one that never existed.
Only ``tickets.services.macros`` writes them and applies them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.tickets import Category, Priority

MACRO_TITLE_MAX_LENGTH = 100
MACRO_BODY_MAX_LENGTH = 10_000


class MacroQuerySet(models.QuerySet):
    def visible_to(self, user) -> MacroQuerySet:
        """Shared macros and ``user``'s own, for support staff; nothing for anyone else."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not user.is_support_staff:
            return self.none()
        return self.filter(Q(owner__isnull=True) | Q(owner=user))


class Macro(models.Model):
    class StatusAction(models.TextChoices):
        # ``tickets.workflow.Action`` names of the moves a reply can "submit as".
        RESUME = "resume", _("In progress")
        WAIT = "wait", _("Waiting for customer")
        SOLVE = "solve", _("Solved")

    title = models.CharField(max_length=MACRO_TITLE_MAX_LENGTH)
    body = models.TextField(
        blank=True,
        help_text=_("Markdown; placeholders such as {{ requester.first_name }} are filled in."),
    )
    # Empty: shared with every agent (managed by support admins).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="macros",
    )
    status_action = models.CharField(max_length=10, choices=StatusAction.choices, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, null=True, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Tags to add, as ``tickets.services.tags.tag_names`` writes them, space-separated.
    tags = models.CharField(max_length=1000, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # "Assign to me": the agent applying the macro (then ``assignee`` is empty).
    assign_to_me = models.BooleanField(default=False)
    usage_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MacroQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                name="macro_one_assignee",
                condition=Q(assign_to_me=False) | Q(assignee__isnull=True),
                violation_error_message="A macro assigns to one agent or to the one applying it.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split()
