"""A ticket's address without resolving the URL patterns for every row.

``reverse()`` walks the resolver on each call; a list of 25 tickets linked
each row twice. The pattern is resolved once per script prefix, and a row's
address is the number put into it.
"""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse

_MARK = "918273645"  # a number no real ticket has while this runs


@lru_cache(maxsize=8)
def _detail_pattern(script_prefix: str) -> tuple[str, str]:
    url = reverse("tickets:detail", args=[int(_MARK)])
    before, _, after = url.partition(_MARK)
    return before, after


def ticket_url(number: int) -> str:
    """``reverse("tickets:detail", args=[number])``, without the resolver."""
    before, after = _detail_pattern(get_script_prefix())
    return f"{before}{number}{after}"
