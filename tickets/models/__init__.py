"""Tickets, their messages and their history (a package by sub-domain).

Every tenant-owned row carries ``organization_id`` so that scoping is one
indexed filter. Rows are read only through the ``visible_to`` querysets (the
tenant door); ``Ticket.status`` is written only by ``tickets.workflow``.
Everything is re-exported here: ``tickets.models.X`` is the name the rest of
the code and the migrations use (``tickets.models.attachment_key``).
"""

from tickets.models.attachments import (
    PREVIEWABLE,
    Attachment,
    AttachmentQuerySet,
    attachment_key,
)
from tickets.models.conversation import EventQuerySet, Message, MessageQuerySet, TicketEvent
from tickets.models.followers import (
    FOLLOWERS_PER_TICKET,
    TicketFollower,
    TicketFollowerQuerySet,
)
from tickets.models.macros import (
    MACRO_BODY_MAX_LENGTH,
    MACRO_TITLE_MAX_LENGTH,
    Macro,
    MacroQuerySet,
)
from tickets.models.satisfaction import (
    SATISFACTION_COMMENT_MAX_LENGTH,
    SatisfactionQuerySet,
    SatisfactionRating,
)
from tickets.models.saved_views import (
    SAVED_VIEW_NAME_MAX_LENGTH,
    SAVED_VIEW_QUERY_MAX_LENGTH,
    SavedView,
    SavedViewQuerySet,
)
from tickets.models.sla import (
    BusinessCalendar,
    Holiday,
    SlaClock,
    SlaPolicy,
    SlaPolicyTarget,
    WorkingHours,
)
from tickets.models.tags import TAG_MAX_LENGTH, TAGS_PER_TICKET, Tag, TicketTag, TicketTagQuerySet
from tickets.models.tickets import (
    ARCHIVED_STATUSES,
    REFERENCE_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    WORKED_STATUSES,
    Category,
    Channel,
    Priority,
    Status,
    Ticket,
    TicketCounter,
    TicketQuerySet,
    TicketRead,
    priority_label,
    status_label,
)

__all__ = [
    "ARCHIVED_STATUSES",
    "FOLLOWERS_PER_TICKET",
    "MACRO_BODY_MAX_LENGTH",
    "MACRO_TITLE_MAX_LENGTH",
    "PREVIEWABLE",
    "REFERENCE_MAX_LENGTH",
    "SATISFACTION_COMMENT_MAX_LENGTH",
    "SAVED_VIEW_NAME_MAX_LENGTH",
    "SAVED_VIEW_QUERY_MAX_LENGTH",
    "SUBJECT_MAX_LENGTH",
    "TAGS_PER_TICKET",
    "TAG_MAX_LENGTH",
    "WORKED_STATUSES",
    "Attachment",
    "AttachmentQuerySet",
    "BusinessCalendar",
    "Category",
    "Channel",
    "EventQuerySet",
    "Holiday",
    "Macro",
    "MacroQuerySet",
    "Message",
    "MessageQuerySet",
    "Priority",
    "SatisfactionQuerySet",
    "SatisfactionRating",
    "SavedView",
    "SavedViewQuerySet",
    "SlaClock",
    "SlaPolicy",
    "SlaPolicyTarget",
    "Status",
    "Tag",
    "Ticket",
    "TicketCounter",
    "TicketEvent",
    "TicketFollower",
    "TicketFollowerQuerySet",
    "TicketQuerySet",
    "TicketRead",
    "TicketTag",
    "TicketTagQuerySet",
    "WorkingHours",
    "attachment_key",
    "priority_label",
    "status_label",
]
