"""How the backup and restore commands say what they did."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def rows_counted(counts: Mapping[str, int]) -> str:
    """The rows people think of: tickets, messages, attachments."""
    return (
        f"{counts['tickets.Ticket']} tickets, {counts['tickets.Message']} messages, "
        f"{counts['tickets.Attachment']} attachments"
    )


def first_names(names: Sequence[str], shown: int = 5) -> str:
    """The first few of ``names``, and "..." when there are more."""
    return ", ".join(names[:shown]) + (" ..." if len(names) > shown else "")
