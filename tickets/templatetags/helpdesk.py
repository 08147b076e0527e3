"""Template helpers: sanitised Markdown, status badges, and event wording."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from tickets.models import Priority, Status, TicketEvent, priority_label, status_label

register = template.Library()

_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}


@register.filter
def markdown(text: str) -> str:
    """Render a user's Markdown and keep only harmless HTML (no scripts, no styles,
    no images that could beacon, links with rel=noopener)."""
    html = markdown_lib.markdown(text or "", extensions=["fenced_code", "sane_lists", "nl2br"])
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


@register.simple_tag
def status_badge(status: str) -> str:
    label = Status(status).label
    return format_html('<span class="badge badge-{}">{}</span>', status, label)


@register.simple_tag
def priority_badge(priority: int) -> str:
    label = Priority(priority).label
    return format_html('<span class="prio prio-{}">{}</span>', label.lower(), label)


@register.filter
def event_text(event: TicketEvent) -> str:
    """What happened, in a sentence without the actor (the template shows who)."""
    kind = event.kind
    Kind = TicketEvent.Kind
    if kind == Kind.CREATED:
        if event.from_value:
            return f"opened this ticket as a follow-up of #{event.from_value}"
        return f"opened the ticket ({status_label(event.to_value)})"
    if kind == Kind.STATUS:
        if event.actor_id is None and event.to_value == Status.CLOSED:
            return "closed the ticket automatically after it stayed solved"
        return (
            f"changed the status from {status_label(event.from_value)} "
            f"to {status_label(event.to_value)}"
        )
    if kind == Kind.PRIORITY:
        return (
            f"changed the priority from {priority_label(event.from_value)} "
            f"to {priority_label(event.to_value)}"
        )
    if kind == Kind.ASSIGNED:
        return (
            f"assigned the ticket to {event.to_value}"
            if event.to_value
            else "unassigned the ticket"
        )
    if kind in (Kind.CATEGORY, Kind.REFERENCE):
        what = "ticket type" if kind == Kind.CATEGORY else "internal reference"
        before = event.from_value or "(none)"
        after = event.to_value or "(none)"
        return f"changed the {what} from {before} to {after}"
    if kind == Kind.VERIFIED:
        return "verified the caller by PIN"
    if kind == Kind.SENDER:
        if event.to_value == "verified":
            return "email sender verified by PIN"
        return "email sender not verified (no matching alias, username and PIN)"
    if kind == Kind.FOLLOW_UP:
        return f"replied after closing, which opened follow-up ticket #{event.to_value}"
    return event.get_kind_display()


@register.simple_tag(takes_context=True)
def sort_link(context, key: str) -> dict:
    """The query string that sorts by ``key`` (flipping direction when already sorted by it)."""
    request = context["request"]
    current = context.get("sort", "-updated")
    params = request.GET.copy()
    params.pop("page", None)
    if current == f"-{key}":
        params["sort"] = key
    else:
        params["sort"] = f"-{key}"
    arrow = ""
    if current == f"-{key}":
        arrow = "↓"
    elif current == key:
        arrow = "↑"
    return {"query": params.urlencode(), "arrow": arrow}


@register.simple_tag(takes_context=True)
def page_query(context, page_number: int) -> str:
    params = context["request"].GET.copy()
    params["page"] = page_number
    return params.urlencode()


@register.simple_tag
def when(value, style: str = "long") -> str:
    """A ``<time>`` element in the current time zone, formatted once.

    Lists print two of these per row, so this avoids Django's general date
    filters (several times slower) on the hot path.
    """
    if value is None:
        return ""
    local = timezone.localtime(value)
    text = local.strftime("%-d %b, %H:%M" if style == "short" else "%-d %b %Y, %H:%M")
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), text)
