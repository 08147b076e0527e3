"""The agent queue's views, by key: what each shows (issue 20), and what a saved
view (issue 18) starts from. Kept out of the view module so that services and
selectors can name a view's tickets too."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tickets.models import Status
from tickets.sla.states import breaching_soon

UNSOLVED = [Status.OPEN, Status.IN_PROGRESS, Status.WAITING]

# The sidebar's views: (title, the tickets it shows).
QUEUE_VIEWS = {
    "unassigned": (
        gettext_lazy("Unassigned"),
        lambda user: Q(assignee__isnull=True, status__in=UNSOLVED),
    ),
    "mine": (gettext_lazy("Mine"), lambda user: Q(assignee=user, status__in=UNSOLVED)),
    "breaching": (gettext_lazy("Breaching soon"), lambda user: breaching_soon(timezone.now())),
    "active": (gettext_lazy("All active"), lambda user: ~Q(status=Status.CLOSED)),
    "waiting": (gettext_lazy("Waiting for customer"), lambda user: Q(status=Status.WAITING)),
    "solved": (gettext_lazy("Solved (closing soon)"), lambda user: Q(status=Status.SOLVED)),
    "closed": (gettext_lazy("Closed"), lambda user: Q(status=Status.CLOSED)),
}
