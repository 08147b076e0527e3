"""REST API v1: the portal's and the queue's work for scripts and integrations.

One module per resource: ``tickets`` (the list, opening, reading and
changing one), ``messages``, ``actions`` (the lifecycle), ``categories`` and
``attachments``; ``base`` holds what they share. Like the pages, every view
fetches through the tenant door (``visible_to`` / ``get_ticket_for``), parses
its input with a serializer or a filter set (``tickets.api.filters``) and
writes through one call of ``tickets.services``; ``tickets.api.common`` turns
the services' refusals into 400 and 409. The "who you are" endpoint reads
notifications too, so it is the project's (``helpdesk.api``).
"""

from tickets.api.views.actions import (
    AssignView,
    CloseView,
    MergeView,
    ReopenView,
    SolveView,
    TakeView,
    TicketActionView,
    WaitView,
)
from tickets.api.views.attachments import AttachmentDownloadView
from tickets.api.views.attainment import AttainmentView
from tickets.api.views.categories import CategoryListView
from tickets.api.views.followers import FollowerDetailView, FollowerListView
from tickets.api.views.macros import MacroApplyView, MacroDetailView, MacroListView
from tickets.api.views.messages import MessageListView
from tickets.api.views.saved_views import SavedViewDetailView, SavedViewListView
from tickets.api.views.tickets import TicketDetailView, TicketListView

__all__ = [
    "AssignView",
    "AttachmentDownloadView",
    "AttainmentView",
    "CategoryListView",
    "CloseView",
    "FollowerDetailView",
    "FollowerListView",
    "MacroApplyView",
    "MacroDetailView",
    "MacroListView",
    "MergeView",
    "MessageListView",
    "ReopenView",
    "SavedViewDetailView",
    "SavedViewListView",
    "SolveView",
    "TakeView",
    "TicketActionView",
    "TicketDetailView",
    "TicketListView",
    "WaitView",
]
