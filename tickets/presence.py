"""Collision warnings (issue 18): which colleagues have a ticket open, who is
typing a reply, and what was added to a ticket since an agent last saw it.

Presence lives in the ``presence`` cache (Redis, or files under var/ in the
embedded setup: every web process sees the same entries), never in the
database: a heartbeat writes no row.

Layout: one key per (ticket, agent) holds that agent's entry, and one index
key per ticket lists the agents that may be there. The entry is the truth
(only its agent writes it, so it cannot be lost to a race); the index is only
where to look. Changing the index is a read-modify-write, done under a short
lock taken with ``cache.add`` (Redis ``SET NX``: atomic, so twenty agents
arriving at once are all listed). The file cache of the embedded setup
checks and writes in two steps, so two processes may rarely both take the
lock and one agent be left out: it re-adds itself on its next heartbeat
(about ten seconds) because each beat checks the index. A lost write costs a
late "is viewing", never a wrong one, and an agent who left is gone when
their entry expires, whatever the index says.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import caches
from django.db.models import QuerySet

from tickets.models import Message, Ticket

# An agent is present this long after their last heartbeat (the page beats
# every ten seconds while visible; a closed laptop drops out within this).
PRESENCE_SECONDS = 40
# The page polls this often while the tab is visible.
POLL_SECONDS = 10
# "Typing" lasts this long after the last keystroke the page reported: longer
# than one poll, or a colleague's page could miss a short burst of typing.
TYPING_SECONDS = 15
# At most this many presence requests a minute per agent (several tabs open).
RATE_PER_MINUTE = 120

# The index's lock: held for one read and one write; a holder that died
# frees it after LOCK_SECONDS. A beat waits at most about 0.2 s for it.
LOCK_SECONDS = 2
LOCK_ATTEMPTS = 40
LOCK_WAIT = 0.005

VIEWING = "viewing"
TYPING = "typing"
GONE = "gone"
STATES = (VIEWING, TYPING, GONE)


@dataclass(frozen=True)
class Present:
    agent_id: int
    name: str
    typing: bool


def _cache():
    return caches["presence"]


def _entry_key(ticket_id: int, agent_id: int) -> str:
    return f"t{ticket_id}:a{agent_id}"


def _index_key(ticket_id: int) -> str:
    return f"t{ticket_id}:index"


def presence_beat(
    *,
    ticket: Ticket,
    agent,
    state: str,
    page: str = "",
    loaded: bool = False,
    now: float | None = None,
) -> list[Present]:
    """Record that ``agent`` has ``ticket`` open (``viewing``), is typing a
    reply (``typing``), or has left it (``gone``); return the other agents
    present (none for ``gone``). The caller has checked that ``agent`` is
    support staff who may see the ticket. Three cache round trips at most
    (one more, with the lock, when the index needs this agent).

    ``page`` names the page load that beats: a ``gone`` sent by a page the
    agent already left for another (Send, then the page again: the browser
    may deliver the old page's farewell after the new page's first beat)
    removes nothing. ``loaded``: the page was just rendered, so its agent is
    not typing in it (a reply just sent ends "typing")."""
    now = time.time() if now is None else now
    cache = _cache()
    key = _entry_key(ticket.pk, agent.pk)
    if state == GONE:
        previous = cache.get(key)
        if previous is not None and (not page or previous.get("page") in ("", page)):
            cache.delete(key)
        return []
    index_key = _index_key(ticket.pk)
    found = cache.get_many([key, index_key])
    previous = found.get(key)
    index: dict[int, float] = found.get(index_key) or {}
    typing_until = now + TYPING_SECONDS if state == TYPING else 0.0
    if previous and state == VIEWING and not loaded and previous.get("typing_until", 0) > now:
        # A poll while typing must not cut the typing short.
        typing_until = previous["typing_until"]
    cache.set(
        key,
        {
            "name": agent.full_name,
            "typing_until": typing_until,
            "until": now + PRESENCE_SECONDS,
            "page": page,
        },
        timeout=PRESENCE_SECONDS,
    )
    # Write the index only when this agent is missing from it or its mark is
    # half spent: most beats read it and write the one entry key.
    if index.get(agent.pk, 0) <= now + PRESENCE_SECONDS / 2:
        index = _index_add(cache, ticket.pk, agent.pk, now) or index
    return _present(cache, ticket.pk, index, agent.pk, now)


def _index_add(cache, ticket_id: int, agent_id: int, now: float) -> dict[int, float] | None:
    """Put ``agent_id`` in the ticket's index under its lock; the index
    written, or None when the lock stayed busy (the next beat tries again)."""
    lock_key = f"t{ticket_id}:lock"
    for _attempt in range(LOCK_ATTEMPTS):
        if cache.add(lock_key, 1, timeout=LOCK_SECONDS):
            break
        time.sleep(LOCK_WAIT)
    else:
        return None
    try:
        index_key = _index_key(ticket_id)
        index: dict[int, float] = cache.get(index_key) or {}
        index = {other: until for other, until in index.items() if until > now}
        index[agent_id] = now + PRESENCE_SECONDS
        cache.set(index_key, index, timeout=PRESENCE_SECONDS)
    finally:
        cache.delete(lock_key)
    return index


def presence_others(*, ticket: Ticket, agent, now: float | None = None) -> list[Present]:
    """The other agents who have ``ticket`` open now, by name (reading only)."""
    now = time.time() if now is None else now
    cache = _cache()
    index: dict[int, float] = cache.get(_index_key(ticket.pk)) or {}
    return _present(cache, ticket.pk, index, agent.pk, now)


def _present(cache, ticket_id: int, index: dict[int, float], me: int, now: float) -> list[Present]:
    others = [agent_id for agent_id in index if agent_id != me]
    if not others:
        return []
    entries = cache.get_many([_entry_key(ticket_id, agent_id) for agent_id in others])
    present = []
    for agent_id in others:
        entry = entries.get(_entry_key(ticket_id, agent_id))
        if entry is None or entry["until"] <= now:
            continue
        present.append(Present(agent_id, entry["name"], entry["typing_until"] > now))
    return sorted(present, key=lambda person: (person.name, person.agent_id))


def presence_rate_exceeded(*, agent, now: float | None = None) -> bool:
    """Count one presence request of ``agent``; true past ``RATE_PER_MINUTE``."""
    now = time.time() if now is None else now
    cache = _cache()
    key = f"rate:a{agent.pk}:{int(now // 60)}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    return count > RATE_PER_MINUTE


def messages_added(*, ticket: Ticket, user, seen: int) -> QuerySet[Message]:
    """The messages of ``ticket`` that ``user`` may see, added after message
    ``seen`` by someone else, oldest first."""
    return (
        Message.objects.visible_to(user)
        .filter(ticket=ticket, pk__gt=seen)
        .exclude(author=user)
        .select_related("author")
        .order_by("pk")
    )
