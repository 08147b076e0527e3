"""Markup built in Python for the hot lists (issue 15).

``fast_html`` is ``django.utils.html.format_html`` without its per-argument
lazy-string machinery: each argument that is not already safe goes through
the standard library's ``html.escape``, which escapes the same five
characters (``& < > " '``) to the same entities Django's ``escape`` writes.
A queue page builds several hundred cells and menu options; with
``format_html`` that was a few milliseconds of every page.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import forms
from django.utils.safestring import SafeData, SafeString


def fast_html(template: str, *args: object) -> SafeString:
    """``template.format(*args)`` with every unsafe argument escaped."""
    return SafeString(
        template.format(
            *(arg if isinstance(arg, SafeData) else escape(str(arg), quote=True) for arg in args)
        )
    )


def options(choices: Iterable[tuple[object, str]], selected: object = None) -> SafeString:
    """``<option>`` elements of ``(value, label)`` pairs, ``selected`` marked.

    Plain string building: the queue and the agent's ticket page list every
    agent twice, each option escaped as ``format_html`` would.
    """
    return _option_tags(choices, set() if selected in (None, "") else {str(selected)})


def _option_tags(choices: Iterable[tuple[Any, Any]], chosen: set[str]) -> SafeString:
    parts = []
    for value, label in choices:
        text = str(value)
        mark = " selected" if text in chosen else ""
        parts.append(f'<option value="{escape(text)}"{mark}>{escape(str(label))}</option>')
    return SafeString("".join(parts))


class FastSelect(forms.Select):
    """A ``<select>`` whose options are built by ``options`` instead of one
    template render each: a filter listing every organisation (a thousand)
    and every agent cost the support dashboard about 50 ms of widget
    templates (issue 19). Attributes, the empty choice and the selected value
    behave as ``forms.Select``'s (the empty choice is marked when nothing is
    chosen); option groups are not supported."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        chosen = self.format_value(value)
        markup = "".join(
            fast_html(' {}="{}"', key, val) if val is not True else fast_html(" {}", key)
            for key, val in final.items()
            if val is not None and val is not False
        )
        return fast_html(
            '<select name="{}"{}>{}</select>',
            name,
            SafeString(markup),
            _option_tags(self.choices, set(chosen)),
        )
