"""People's Markdown as sanitised HTML, rendered once when the text is written.

A message's body and a ticket's description keep their HTML beside the text
(``body_html``, ``description_html``): the ticket page shows it as stored
instead of converting every message on every view (issue 15). The models
render on ``save()``; their querysets' ``update()`` renders a new text too,
or empties the copy when the new text is an expression, so that a stored copy
never outlives the text it was made from (erasure rewrites bodies in place).
An empty copy is rendered when shown: rows written before the column existed,
or by ``bulk_create``, still show correctly.
"""

from __future__ import annotations

import threading

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = frozenset(
    {
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
)

# Building a Markdown converter costs more than converting a message with it:
# each thread keeps one and resets it between texts.
_converters = threading.local()


def _converter() -> markdown_lib.Markdown:
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = markdown_lib.Markdown(extensions=["fenced_code", "sane_lists", "nl2br"])
        _converters.markdown = converter
    return converter


def markdown_html(text: str) -> str:
    """``text`` as HTML keeping only harmless tags: no scripts, no styles, no
    images that could beacon, links with rel=noopener. Not marked safe: the
    caller decides (it is safe to show as is)."""
    converter = _converter()
    try:
        html = converter.convert(text or "")
    finally:
        converter.reset()
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def rendered_update(kwargs: dict, *, text: str, html: str) -> dict:
    """``QuerySet.update()``'s arguments with the HTML copy of ``text`` kept true:
    rendered when the new text is a string, emptied (rendered when shown) when
    it is an expression."""
    if text in kwargs and html not in kwargs:
        value = kwargs[text]
        kwargs = {**kwargs, html: markdown_html(value) if isinstance(value, str) else ""}
    return kwargs


def rendered_bulk_fields(objs, fields, *, text: str, html: str) -> list[str]:
    """``bulk_update()``'s fields, with each object's ``html`` rendered when ``text`` is written."""
    fields = list(fields)
    if text in fields and html not in fields:
        for obj in objs:
            setattr(obj, html, markdown_html(getattr(obj, text)))
        fields.append(html)
    return fields


def rendered_on_save(instance, update_fields, *, text: str, html: str):
    """Renders ``instance``'s ``text`` into ``html`` when a save writes ``text``;
    returns the ``update_fields`` to save with (``html`` added)."""
    if update_fields is None:
        # A row loaded without its text (deferred) saves only what was loaded:
        # neither the text nor its copy changes.
        if text not in instance.get_deferred_fields():
            setattr(instance, html, markdown_html(getattr(instance, text)))
        return None
    fields = set(update_fields)
    if text in fields:
        setattr(instance, html, markdown_html(getattr(instance, text)))
        fields.add(html)
    return fields
