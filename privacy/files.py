"""Deleting stored files once the rows that named them are gone for good."""

from __future__ import annotations

from functools import partial

from django.core.files.storage import default_storage
from django.db import transaction


def _delete(keys: list[str]) -> None:
    for key in keys:
        default_storage.delete(key)


def files_deleted_on_commit(keys: list[str]) -> None:
    """Delete ``keys`` from storage after the current transaction commits (a
    rollback keeps both the rows and their files)."""
    if keys:
        transaction.on_commit(partial(_delete, list(keys)))
