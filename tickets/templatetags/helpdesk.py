"""Template helpers: sanitised Markdown, status badges, and event wording."""

from django import template
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from tickets.html import fast_html, options
from tickets.markdown import markdown_html
from tickets.models import (
    Priority,
    SatisfactionRating,
    Status,
    TicketEvent,
    priority_label,
    status_label,
)

register = template.Library()


@register.simple_tag(name="options")
def options_tag(people, selected=None, exclude=()) -> SafeString:
    """``tickets.html.options`` of users (``menu_label`` where they carry one,
    else their name) not in ``exclude``: one pass in Python where a template
    loop cost a dozen variable lookups and a localised number per agent
    (the agent's ticket page lists every agent twice; issue 15)."""
    skip = set(exclude)
    return options(
        (
            (person.pk, getattr(person, "menu_label", None) or person.full_name)
            for person in people
            if person.pk not in skip
        ),
        selected,
    )


@register.filter
def markdown(text: str) -> str:
    """Render a user's Markdown and keep only harmless HTML (``tickets.markdown``)."""
    return mark_safe(markdown_html(text))  # noqa: S308 - sanitised by nh3


@register.filter
def body_html(message) -> str:
    """A message's body as stored HTML, rendered now if it was never stored."""
    return mark_safe(message.body_html or markdown_html(message.body))  # noqa: S308 - sanitised


@register.filter
def description_html(ticket) -> str:
    """A ticket's description as stored HTML, rendered now if it was never stored."""
    html = ticket.description_html or markdown_html(ticket.description)
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 when written


# Badges by kind, language and value: a queue page shows fifty, of a dozen kinds.
_BADGES: dict[tuple[str, str | None, object], str] = {}


@register.simple_tag
def status_badge(status: str) -> str:
    key = ("status", get_language(), status)
    badge = _BADGES.get(key)
    if badge is None:
        label = Status(status).label
        badge = _BADGES[key] = fast_html('<span class="badge badge-{}">{}</span>', status, label)
    return badge


@register.simple_tag
def priority_badge(priority: int) -> str:
    # The class is the language-independent name (the stylesheet's), the text translated.
    key = ("priority", get_language(), priority)
    badge = _BADGES.get(key)
    if badge is None:
        choice = Priority(priority)
        badge = _BADGES[key] = fast_html(
            '<span class="prio prio-{}">{}</span>', choice.name.lower(), choice.label
        )
    return badge


@register.filter
def event_text(event: TicketEvent) -> str:
    """What happened, in a sentence without the actor (the template shows who)."""
    kind = event.kind
    Kind = TicketEvent.Kind
    if kind == Kind.CREATED:
        if event.from_value:
            return _("opened this ticket as a follow-up of #%(number)s") % {
                "number": event.from_value
            }
        return _("opened the ticket (%(status)s)") % {"status": status_label(event.to_value)}
    if kind == Kind.STATUS:
        if event.actor_id is None and event.to_value == Status.CLOSED:
            return _("closed the ticket automatically after it stayed solved")
        return _("changed the status from %(before)s to %(after)s") % {
            "before": status_label(event.from_value),
            "after": status_label(event.to_value),
        }
    if kind == Kind.PRIORITY:
        return _("changed the priority from %(before)s to %(after)s") % {
            "before": priority_label(event.from_value),
            "after": priority_label(event.to_value),
        }
    if kind == Kind.ASSIGNED:
        if event.to_value:
            return _("assigned the ticket to %(name)s") % {"name": event.to_value}
        return _("unassigned the ticket")
    if kind == Kind.FOLLOWERS:
        return _followers_text(event)
    return _other_event_text(event)


def _other_event_text(event: TicketEvent) -> str:
    """``event_text`` for the kinds that change a value, verify, or follow up."""
    kind = event.kind
    Kind = TicketEvent.Kind
    if kind in (Kind.CATEGORY, Kind.REFERENCE):
        values = {
            "before": event.from_value or _("(none)"),
            "after": event.to_value or _("(none)"),
        }
        if kind == Kind.CATEGORY:
            return _("changed the ticket type from %(before)s to %(after)s") % values
        return _("changed the internal reference from %(before)s to %(after)s") % values
    if kind == Kind.TAGS:
        return _tags_text(event)
    if kind == Kind.SATISFACTION:
        Score = SatisfactionRating.Score
        after = Score(event.to_value).label if event.to_value in Score.values else ""
        if event.from_value in Score.values and event.from_value != event.to_value:
            return _("changed the rating from %(before)s to %(after)s") % {
                "before": Score(event.from_value).label,
                "after": after,
            }
        return _("rated the support %(score)s") % {"score": after}
    if kind == Kind.VERIFIED:
        return _("verified the caller by PIN")
    if kind == Kind.SENDER:
        if event.to_value == "verified":
            return _("email sender verified by PIN")
        return _("email sender not verified (no matching alias, username and PIN)")
    if kind == Kind.MERGED:
        # Both tickets record the merge: each says it from its own side.
        if str(event.ticket_id) == event.from_value:
            return _("merged this ticket into #%(number)s") % {"number": event.to_value}
        return _("merged #%(number)s into this ticket") % {"number": event.from_value}
    if kind == Kind.FOLLOW_UP:
        return _("replied after closing, which opened follow-up ticket #%(number)s") % {
            "number": event.to_value
        }
    return str(event.get_kind_display())


def _followers_text(event: TicketEvent) -> str:
    if event.to_value:
        return _("added %(name)s as a follower") % {"name": event.to_value}
    return _("removed %(name)s from the followers") % {"name": event.from_value}


def _tags_text(event: TicketEvent) -> str:
    added, removed = event.to_value, event.from_value
    if added and removed:
        return _("tagged %(added)s and removed %(removed)s") % {"added": added, "removed": removed}
    if added:
        return _("tagged %(added)s") % {"added": added}
    return _("removed the tags %(removed)s") % {"removed": removed}


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
def due_sort_query(context) -> str:
    """The query string that sorts by due time, nearest first (one direction only)."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    params["sort"] = "due"
    return params.urlencode()


@register.simple_tag(takes_context=True)
def page_query(context, page_number: int) -> str:
    params = context["request"].GET.copy()
    params["page"] = page_number
    return params.urlencode()


def _format(local, *, short: bool = False) -> str:
    """``local`` as the active language writes a date and time ("11 Mar 2026, 08:30",
    "11 mars 2026, 08:30"): the format itself is a translated string."""
    if short:
        fmt = pgettext("short date and time format", "j M, H:i")
    else:
        fmt = pgettext("date and time format", "j M Y, H:i")
    return dateformat.format(local, fmt)


@register.simple_tag
def when(value, style: str = "long") -> str:
    """A ``<time>`` element in the current time zone and language.

    ``style`` "short" drops the year; "plain" gives the text alone (for an attribute).
    """
    if value is None:
        return ""
    local = timezone.localtime(value)
    text = _format(local, short=style == "short")
    if style == "plain":
        return text
    return fast_html('<time datetime="{}">{}</time>', local.isoformat(), text)


def relative_text(value, now) -> str:
    """``value`` from ``now`` in a few characters: "just now", "5 min ago", "3 h ago",
    "2 days ago", "in 2 days"; past a month, the date."""
    seconds = (value - now).total_seconds()
    future = seconds > 0
    span = abs(seconds)
    if span < 60:
        return _("just now") if not future else _("in a moment")
    if span < 3600:
        amount = _("%(count)d min") % {"count": int(span // 60)}
    elif span < 86400:
        amount = _("%(count)d h") % {"count": int(span // 3600)}
    elif span < 31 * 86400:
        days = int(span // 86400)
        amount = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    else:
        return dateformat.format(timezone.localtime(value), pgettext("date format", "j M Y"))
    if future:
        return _("in %(amount)s") % {"amount": amount}
    return _("%(amount)s ago") % {"amount": amount}


@register.simple_tag
def ago(value, now=None) -> str:
    """A relative ``<time>`` ("3 h ago", "in 2 days"), the exact time on hover.

    Rendered on the server, so it needs no script and reads the same to a
    screen reader; ``title`` and ``datetime`` carry the exact moment.
    """
    if value is None:
        return ""
    local = timezone.localtime(value)
    exact = _format(local)
    return fast_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        exact,
        relative_text(value, now or timezone.now()),
    )


@register.inclusion_tag("tickets/_error_summary.html")
def error_summary(form, **ids):
    """The box at the top of a form with errors: each error, linked to its field.

    ``ids`` names the element of a field whose id is not Django's ``auto_id``
    (``body="id_reopen_body"``). app.js moves focus to the box on load.
    """
    items = []
    if form is not None and form.is_bound:
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            target = ids.get(name) or (form[name].auto_id if field is not None else "")
            label = (field.label or name.capitalize()) if field is not None else ""
            for message in errors:
                items.append({"target": target, "label": label, "message": message})
    return {"items": items}
