"""How a user likes the pages laid out: stored on their row, so it follows them.

The user row is loaded on every request anyway, so reading a preference costs
no query; writing one is a single-column UPDATE.
"""

from __future__ import annotations

from accounts.models import User


def user_set_ticket_panel(*, user: User, open: bool) -> None:
    """Remember whether ``user`` wants the ticket page's information panel unfolded.

    Sets the attribute on ``user`` too, so the page rendered next sees it.
    """
    user.ticket_panel_open = open
    User.objects.filter(pk=user.pk).update(ticket_panel_open=open)
