"""Per-user time zones and languages: which exist, which a user gets, and how to use them.

A request activates its user's zone (``accounts.middleware``); an email is
rendered inside ``as_recipient(user)``, so the times it prints are the
recipient's, whoever's request or worker writes it.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone name this machine knows (the ``tzdata`` package at least), sorted."""
    names = zoneinfo.available_timezones() - {"Factory", "localtime"}
    return tuple(sorted(names))


def validate_time_zone(value: str) -> None:
    """Refuse anything but an IANA zone name (empty means the site's default)."""
    if value and value not in time_zone_names():
        raise ValidationError(
            _("%(value)s is not a time zone. Choose one such as Europe/Paris."),
            code="invalid",
            params={"value": value},
        )


def zone_name_of(user) -> str:
    """The zone ``user`` sees times in: their choice, else the deployment's."""
    chosen = getattr(user, "time_zone", "") or ""
    return chosen if chosen in time_zone_names() else settings.TIME_ZONE


def zone_of(user) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(zone_name_of(user))


def chosen_language(user) -> str:
    """The language ``user`` chose on the profile, or "" (then the browser's counts)."""
    chosen = getattr(user, "language", "") or ""
    return chosen if chosen in dict(settings.LANGUAGES) else ""


@contextmanager
def as_recipient(user) -> Iterator[None]:
    """Render what the block writes for ``user``: in their language, times in their zone.

    For emails, which a worker or another user's request renders: wrap the
    rendering, not the sending. ``user`` may be None (a stranger): the
    deployment's defaults then.
    """
    language = chosen_language(user) or settings.LANGUAGE_CODE
    with timezone.override(zone_of(user)), translation.override(language):
        yield
