"""Every URL of the site that takes no argument, for the tests that visit them all."""

from __future__ import annotations

from django.urls import URLResolver, get_resolver, reverse


def _names(patterns, namespace: str = ""):
    for entry in patterns:
        if entry.pattern.regex.groups:
            continue  # it takes arguments (or is the admin's catch-all)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry.url_patterns, inner)
        elif entry.name:
            yield namespace + entry.name


def pages_without_arguments() -> list[str]:
    """The paths of every named URL pattern without arguments, the admin's included."""
    return sorted({reverse(name) for name in _names(get_resolver().url_patterns)})
