"""How a user likes the pages laid out: stored on their row, so it follows them.

The user row is loaded on every request anyway, so reading a preference costs
no query; writing one is a single-column UPDATE.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.zones import validate_time_zone


def user_set_locale(*, user: User, language: str, time_zone: str) -> None:
    """Remember the language ("" follows the browser) and IANA zone ``user`` reads in.

    Raises ``ValidationError`` for a language we do not have or a name that is
    not a zone; sets the attributes on ``user`` too.
    """
    validate_time_zone(time_zone)
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    user.language = language
    user.time_zone = time_zone
    User.objects.filter(pk=user.pk).update(language=language, time_zone=time_zone)


def user_set_ticket_panel(*, user: User, open: bool) -> None:
    """Remember whether ``user`` wants the ticket page's information panel unfolded.

    Sets the attribute on ``user`` too, so the page rendered next sees it.
    """
    user.ticket_panel_open = open
    User.objects.filter(pk=user.pk).update(ticket_panel_open=open)


# The queue's optional columns, in the page's order, and those shown until an
# agent chooses: enough to triage at a glance, narrow enough for one line at 1366px.
QUEUE_COLUMNS = {
    "organization": gettext_lazy("Organisation"),
    "requester": gettext_lazy("Requester"),
    "priority": gettext_lazy("Priority"),
    "status": gettext_lazy("Status"),
    "category": gettext_lazy("Type"),
    "tags": gettext_lazy("Tags"),
    "assignee": gettext_lazy("Assignee"),
    "created": gettext_lazy("Created"),
    "due": gettext_lazy("Due"),
    "updated": gettext_lazy("Updated"),
}
DEFAULT_QUEUE_COLUMNS = (
    "organization",
    "requester",
    "priority",
    "status",
    "category",
    "assignee",
    "due",
    "updated",
)


def queue_columns_for(user: User) -> list[str]:
    """The optional queue columns ``user`` sees, in the page's order (no query)."""
    chosen = set(user.queue_columns or DEFAULT_QUEUE_COLUMNS)
    return [key for key in QUEUE_COLUMNS if key in chosen]


def user_set_queue_columns(*, user: User, columns: list[str]) -> list[str]:
    """Remember the optional queue columns ``user`` wants; unknown names are dropped.

    Choosing none is kept as the default set (a queue of numbers and subjects
    alone helps nobody). Returns the columns now shown; sets the attribute on
    ``user`` too.
    """
    kept = [key for key in QUEUE_COLUMNS if key in set(columns)]
    user.queue_columns = kept
    User.objects.filter(pk=user.pk).update(queue_columns=kept)
    return queue_columns_for(user)


def user_set_available(*, user: User, available: bool) -> bool:
    """Whether support staff ``user`` takes new tickets from the automatic
    assignment (issue 18); anyone else stays unavailable. Returns the value kept."""
    kept = bool(available) and user.is_support_staff and user.is_active
    user.is_available = kept
    User.objects.filter(pk=user.pk).update(is_available=kept)
    return kept
