"""Every write to tickets: the one door that views, the API, email and tasks call.

Each function takes keyword-only arguments, runs in one transaction, locks
the ticket through ``tickets.locks`` before touching it, leaves status
decisions to ``tickets.workflow`` and records each change as a
``TicketEvent``. Invalid input raises ``ValidationError`` keyed by field; a
move the lifecycle refuses raises ``workflow.TransitionError``.
"""

from tickets.services.autoclose import tickets_auto_close_due
from tickets.services.conversation import (
    Reply,
    ticket_close,
    ticket_reopen,
    ticket_reply,
    ticket_set_reference,
)
from tickets.services.followers import (
    follower_for,
    followers_carry,
    followers_end_for,
    followers_panel,
    may_remove,
    ticket_follow,
    ticket_unfollow,
)
from tickets.services.macros import (
    FromMacro,
    macro_actions,
    macro_apply,
    macro_can_manage,
    macro_create,
    macro_delete,
    macro_for,
    macro_render,
    macro_update,
)
from tickets.services.merging import merge_refusal, ticket_merge
from tickets.services.opening import ticket_open
from tickets.services.reads import ticket_mark_seen
from tickets.services.satisfaction import ticket_rate
from tickets.services.saved_views import (
    saved_view_can_manage,
    saved_view_counts,
    saved_view_create,
    saved_view_delete,
    saved_view_for,
    saved_view_query,
    saved_view_update,
    saved_view_url,
    saved_views_of,
)
from tickets.services.support import (
    BulkResult,
    ticket_assign,
    ticket_change_status,
    ticket_record_caller_verified,
    ticket_record_sender_check,
    ticket_set_category,
    ticket_set_priority,
    ticket_take,
    ticket_update,
    tickets_bulk,
)
from tickets.services.tags import tag_names, tags_matching, ticket_tag

__all__ = [
    "BulkResult",
    "FromMacro",
    "Reply",
    "follower_for",
    "followers_carry",
    "followers_end_for",
    "followers_panel",
    "macro_actions",
    "macro_apply",
    "macro_can_manage",
    "macro_create",
    "macro_delete",
    "macro_for",
    "macro_render",
    "macro_update",
    "may_remove",
    "merge_refusal",
    "saved_view_can_manage",
    "saved_view_counts",
    "saved_view_create",
    "saved_view_delete",
    "saved_view_for",
    "saved_view_query",
    "saved_view_update",
    "saved_view_url",
    "saved_views_of",
    "tag_names",
    "tags_matching",
    "ticket_assign",
    "ticket_change_status",
    "ticket_close",
    "ticket_follow",
    "ticket_mark_seen",
    "ticket_merge",
    "ticket_open",
    "ticket_rate",
    "ticket_record_caller_verified",
    "ticket_record_sender_check",
    "ticket_reopen",
    "ticket_reply",
    "ticket_set_category",
    "ticket_set_priority",
    "ticket_set_reference",
    "ticket_tag",
    "ticket_take",
    "ticket_unfollow",
    "ticket_update",
    "tickets_auto_close_due",
    "tickets_bulk",
]
