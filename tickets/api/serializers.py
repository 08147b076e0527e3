"""The API's shapes. Output serializers only read; writes go through the services."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tickets import workflow
from tickets.models import (
    REFERENCE_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TAGS_PER_TICKET,
    Attachment,
    Priority,
    SatisfactionRating,
    Status,
)
from tickets.services.merging import COMMENT_MAX_LENGTH
from tickets.sla.states import SlaState, sla_state

PRIORITY_NAMES = {
    Priority.LOW: "low",
    Priority.NORMAL: "normal",
    Priority.HIGH: "high",
    Priority.URGENT: "urgent",
}
PRIORITY_BY_NAME = {name: value for value, name in PRIORITY_NAMES.items()}


class PriorityField(serializers.ChoiceField):
    """Priorities by name (``low``, ``normal``, ``high``, ``urgent``), stored as numbers."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "One of low, normal, high, urgent.")
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": gettext_lazy("Choose low, normal, high or urgent.")},
        )
        super().__init__(choices=list(PRIORITY_BY_NAME), **kwargs)

    def to_representation(self, value):
        return PRIORITY_NAMES[Priority(int(value))]

    def to_internal_value(self, data):
        return PRIORITY_BY_NAME[super().to_internal_value(data)]


class SupportOnlyDateTimeField(serializers.DateTimeField):
    """A time only support sees; customers get null (their promise is the response due)."""

    def get_attribute(self, instance):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not getattr(user, "is_support_staff", False):
            return None
        return super().get_attribute(instance)


class PersonSerializer(serializers.Serializer):
    email = serializers.EmailField(
        read_only=True,
        allow_null=True,
        help_text="Their login email; null for support staff when a customer asks.",
    )
    name = serializers.CharField(source="full_name", read_only=True, help_text="Full name.")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        viewer = getattr(request, "user", None)
        # Customers know support engineers by name; their addresses stay inside.
        if instance.is_support_staff and not getattr(viewer, "is_support_staff", False):
            data["email"] = None
        return data


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True, help_text="Stable identifier of the ticket type.")
    name = serializers.CharField(read_only=True, help_text="The ticket type as users see it.")


class CategorySerializer(CategoryRefSerializer):
    description = serializers.CharField(read_only=True, help_text="What the type is for.")


class OrganizationRefSerializer(serializers.Serializer):
    alias = serializers.CharField(read_only=True, help_text="The account alias (seed 000).")
    name = serializers.CharField(read_only=True, help_text="The organisation's name.")


class OrganizationSerializer(OrganizationRefSerializer):
    support_tier = serializers.CharField(
        read_only=True, help_text="standard, professional or enterprise."
    )


class SatisfactionSerializer(serializers.Serializer):
    score = serializers.ChoiceField(
        choices=SatisfactionRating.Score.values, read_only=True, help_text="good or bad."
    )
    comment = serializers.CharField(read_only=True, help_text="Optional; may be empty.")
    updated_at = serializers.DateTimeField(read_only=True, help_text="When it was last given.")


class TicketSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="pk", read_only=True, help_text="Public number.")
    subject = serializers.CharField(read_only=True, help_text="One line, up to 200 characters.")
    description = serializers.CharField(read_only=True, help_text="The request, in Markdown.")
    status = serializers.ChoiceField(
        choices=Status.values,
        read_only=True,
        help_text="Change it with the action endpoints, never with PATCH.",
    )
    priority = PriorityField(read_only=True)
    category = CategoryRefSerializer(read_only=True, help_text="The ticket type.")
    organization = OrganizationRefSerializer(
        read_only=True, help_text="The customer organisation it belongs to."
    )
    requester = PersonSerializer(
        read_only=True, allow_null=True, help_text="The customer who asked."
    )
    assignee = PersonSerializer(read_only=True, allow_null=True, help_text="Null when unassigned.")
    internal_reference = serializers.CharField(
        read_only=True, help_text="The customer's own reference (an order or case number)."
    )
    product = serializers.CharField(read_only=True, help_text="Where the request came from.")
    resource = serializers.CharField(read_only=True, help_text="The resource it is about.")
    follow_up_of = serializers.IntegerField(
        source="follow_up_of_id",
        read_only=True,
        allow_null=True,
        help_text="The closed ticket this one follows up, if any.",
    )
    merged_into = serializers.IntegerField(
        source="merged_into_id",
        read_only=True,
        allow_null=True,
        help_text="The ticket this one was merged into (it is then closed for good); null "
        "if it was not merged.",
    )
    created_at = serializers.DateTimeField(read_only=True, help_text="When it was opened.")
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="The last change or message anyone can see."
    )
    solved_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When it was last solved; null if not solved."
    )
    closed_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When it was closed; null while active."
    )
    first_response_due = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When support's first reply is due; null once given or when none is owed.",
    )
    next_response_due = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When support's answer to the customer's latest message is due; null if "
        "none is awaited.",
    )
    resolution_due = SupportOnlyDateTimeField(
        read_only=True,
        allow_null=True,
        help_text="Support only: when the resolution target falls due; null while paused "
        "(waiting for the customer, solved) or not owed.",
    )
    sla_state = serializers.SerializerMethodField(
        help_text="Support only (null for customers): breached, at_risk (due within the "
        "hour), on_track or none (nothing running)."
    )
    tags = serializers.SerializerMethodField(
        help_text="Support only (null for customers): the ticket's tags, sorted."
    )
    satisfaction = serializers.SerializerMethodField(
        help_text="The requester's rating of the solved ticket (issue 19), or null."
    )
    unread = serializers.BooleanField(
        read_only=True,
        source="unseen",
        default=False,
        help_text="The other side wrote since you last opened the ticket in the portal.",
    )

    @extend_schema_field(
        serializers.ChoiceField(choices=[state.value for state in SlaState], allow_null=True)
    )
    def get_sla_state(self, ticket) -> str | None:
        request = self.context.get("request")
        if request is None or not request.user.is_support_staff:
            return None
        now = self.context.setdefault("now", timezone.now())
        return sla_state(ticket.sla_due, now).value

    @extend_schema_field(SatisfactionSerializer(allow_null=True))
    def get_satisfaction(self, ticket) -> dict | None:
        # Selected with the row (ticket_rows); whoever sees the ticket sees its
        # rating, as its history shows it.
        try:
            rating = ticket.satisfaction
        except SatisfactionRating.DoesNotExist:
            return None
        return SatisfactionSerializer(rating).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_tags(self, ticket) -> list[str] | None:
        request = self.context.get("request")
        if request is None or not request.user.is_support_staff:
            return None
        # Prefetched by tickets.api.views.base.ticket_rows, sorted by name.
        return [tag.name for tag in ticket.tags.all()]

    def to_representation(self, ticket) -> dict:
        """A list's rows, written out by hand: the same keys and values as the
        declared fields give (``tests/api/test_ticket_rows_fast.py`` holds the
        two to each other), at a fraction of DRF's per-field cost (25 rows took
        13 ms of the agent's API list at a million tickets). Subclasses that
        add fields go the declared way."""
        if type(self) is not TicketSerializer:
            return super().to_representation(ticket)
        request = self.context.get("request")
        viewer = getattr(request, "user", None)
        support = bool(getattr(viewer, "is_support_staff", False))
        when = _WHEN.to_representation
        category, organization = ticket.category, ticket.organization
        try:
            rating = ticket.satisfaction
        except SatisfactionRating.DoesNotExist:
            rating = None
        if support:
            now = self.context.setdefault("now", timezone.now())
        return {
            "number": ticket.pk,
            "subject": str(ticket.subject),
            "description": str(ticket.description),
            "status": ticket.status,
            "priority": PRIORITY_NAMES[Priority(int(ticket.priority))],
            "category": None
            if category is None
            else {"slug": str(category.slug), "name": str(category.name)},
            "organization": None
            if organization is None
            else {"alias": str(organization.alias), "name": str(organization.name)},
            "requester": _person(ticket.requester, support),
            "assignee": _person(ticket.assignee, support),
            "internal_reference": str(ticket.internal_reference),
            "product": str(ticket.product),
            "resource": str(ticket.resource),
            "follow_up_of": ticket.follow_up_of_id,
            "merged_into": ticket.merged_into_id,
            "created_at": when(ticket.created_at),
            "updated_at": when(ticket.updated_at),
            "solved_at": when(ticket.solved_at),
            "closed_at": when(ticket.closed_at),
            "first_response_due": when(ticket.first_response_due),
            "next_response_due": when(ticket.next_response_due),
            "resolution_due": when(ticket.resolution_due) if support else None,
            "sla_state": sla_state(ticket.sla_due, now).value if support else None,
            "tags": [tag.name for tag in ticket.tags.all()] if support else None,
            "satisfaction": None
            if rating is None
            else {
                "score": rating.score,
                "comment": str(rating.comment),
                "updated_at": when(rating.updated_at),
            },
            "unread": bool(getattr(ticket, "unseen", False)),
        }


_WHEN = serializers.DateTimeField()


def _person(user, support_viewer: bool) -> dict | None:
    """``PersonSerializer``'s shape: customers know support engineers by name."""
    if user is None:
        return None
    hidden = user.is_support_staff and not support_viewer
    return {
        "email": None if hidden or user.email is None else str(user.email),
        "name": str(user.full_name),
    }


class TicketDetailSerializer(TicketSerializer):
    """One ticket, with what the caller may do to it now (lists leave that out)."""

    actions = serializers.SerializerMethodField(
        help_text=(
            "What you may do to the ticket now, as the lifecycle says: take, agent_reply, "
            "note, edit, resume, wait, customer_reply, solve, close, reopen or follow_up "
            "(the organisation's policy picks one of the last two). An action that would "
            "change nothing is left out. A snapshot, not a promise: a refused move still "
            "answers 409."
        )
    )

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=[action.value for action in workflow.Action])
        )
    )
    def get_actions(self, ticket) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return [action.value for action in workflow.available_actions(ticket, request.user)]


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="The file's id.")
    name = serializers.CharField(read_only=True, help_text="The original file name.")
    size = serializers.IntegerField(read_only=True, help_text="Bytes.")
    content_type = serializers.CharField(read_only=True, help_text="Detected from the content.")
    created_at = serializers.DateTimeField(read_only=True, help_text="When it was uploaded.")
    download_url = serializers.SerializerMethodField(
        help_text="GET it with the same credentials to download the file."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment: Attachment) -> str:
        path = reverse("api:attachment-download", kwargs={"pk": attachment.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="The message's id.")
    author = PersonSerializer(read_only=True, help_text="Who wrote it.")
    body = serializers.CharField(read_only=True, help_text="Markdown.")
    internal = serializers.BooleanField(
        source="is_internal", read_only=True, help_text="An internal note: support only."
    )
    created_at = serializers.DateTimeField(read_only=True, help_text="When it was posted.")
    merged_from = serializers.IntegerField(
        source="merged_from_id",
        read_only=True,
        allow_null=True,
        help_text="The ticket it was written on, when a merge moved it here; null otherwise.",
    )
    attachments = AttachmentSerializer(
        many=True, read_only=True, help_text="Files posted with it (that you may see)."
    )


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField(read_only=True, help_text="Your login email.")
    name = serializers.CharField(source="full_name", read_only=True, help_text="Your name.")
    role = serializers.CharField(
        read_only=True, help_text="member, admin (customers), agent or support_admin."
    )
    organization = OrganizationSerializer(
        read_only=True, allow_null=True, help_text="Your organisation; null for support staff."
    )
    waiting_for_customer_count = serializers.IntegerField(
        read_only=True,
        help_text="Tickets waiting for the customer (your organisation's; all, for staff).",
    )
    unread_count = serializers.IntegerField(read_only=True, help_text="Unread notifications.")


# Input


class TicketCreateSerializer(serializers.Serializer):
    category = serializers.SlugField(help_text="A category slug from /api/v1/categories/.")
    subject = serializers.CharField(max_length=SUBJECT_MAX_LENGTH, help_text="One line.")
    description = serializers.CharField(help_text="What happened, in Markdown.")
    priority = PriorityField(required=False, help_text="low, normal (the default), high, urgent.")
    internal_reference = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REFERENCE_MAX_LENGTH,
        default="",
        help_text="Your own reference, e.g. an order or case number.",
    )
    product = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default="", help_text="The product."
    )
    resource = serializers.CharField(
        required=False, allow_blank=True, max_length=200, default="", help_text="Its resource id."
    )
    organization = serializers.CharField(
        required=False, help_text="Support staff only: the customer's account alias."
    )
    requester = serializers.EmailField(
        required=False, help_text="Support staff only: the email of a user of that organisation."
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="Multipart only: attachments."
    )


class TicketUpdateSerializer(serializers.Serializer):
    internal_reference = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REFERENCE_MAX_LENGTH,
        help_text="Your own reference; empty to clear it.",
    )
    priority = PriorityField(required=False, help_text="Support staff only.")
    category = serializers.SlugField(required=False, help_text="Support staff only.")
    assignee = serializers.EmailField(
        required=False, allow_null=True, help_text="Support staff only; null to unassign."
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX_LENGTH),
        required=False,
        max_length=TAGS_PER_TICKET,
        help_text="Support staff only: the ticket's whole set of tags (it replaces them); "
        "[] removes them all.",
    )


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(help_text="Markdown.")
    internal = serializers.BooleanField(
        required=False, default=False, help_text="Support staff only: an internal note."
    )
    status = serializers.ChoiceField(
        choices=[Status.IN_PROGRESS, Status.WAITING, Status.SOLVED],
        required=False,
        help_text="Support staff only: the status a public reply leaves the ticket in.",
    )
    close = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Send the reply and close the ticket in one act (the portal's Close).",
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="Multipart only: attachments."
    )
    seen = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text="Optional (collision check): the id of the newest message you have read. "
        "If someone else has added a public message since, a public reply is not sent: "
        "409 `messages_added` with what was added; send again with its newest id to confirm. "
        "Internal notes are never held back.",
    )


class ReopenSerializer(serializers.Serializer):
    body = serializers.CharField(help_text="Why you reopen the ticket (required).")
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="Multipart only: attachments."
    )


class TakeSerializer(serializers.Serializer):
    take_over = serializers.BooleanField(
        default=False,
        help_text="Take the ticket even if another agent has it (otherwise that answers 409).",
    )


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        help_text="The number of the ticket to merge into: of the same organisation, not "
        "closed, not itself merged.",
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=COMMENT_MAX_LENGTH,
        help_text="Optional: added to the target as an internal note.",
    )


class AssignSerializer(serializers.Serializer):
    assignee = serializers.EmailField(
        allow_null=True, help_text="An active agent's or support admin's email; null to unassign."
    )


class FollowerSerializer(serializers.Serializer):
    """One follower of a ticket (issue 18)."""

    id = serializers.IntegerField(source="user_id", read_only=True, help_text="The user's id.")
    name = serializers.CharField(source="user.full_name", read_only=True, help_text="Full name.")
    email = serializers.EmailField(
        source="user.email",
        read_only=True,
        allow_null=True,
        help_text="Their login email: support staff's for support only, and a member "
        "reads only their own (colleagues by name, as on the page).",
    )
    support = serializers.SerializerMethodField(help_text="Whether they are support staff.")
    added_at = serializers.DateTimeField(
        source="created_at", read_only=True, help_text="When they began to follow."
    )

    def get_support(self, follower) -> bool:
        return follower.user.is_support_staff


class FollowerAddSerializer(serializers.Serializer):
    user = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The id of the person to add (an active user of the ticket's organisation; "
        "support staff may also name an agent, or themselves).",
    )
    email = serializers.EmailField(required=False, help_text="Or their email, instead of `user`.")

    def validate(self, data: dict) -> dict:
        if "user" not in data and "email" not in data:
            raise serializers.ValidationError({"user": ["Name a person by `user` or `email`."]})
        return data
