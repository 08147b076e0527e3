"""Saved views created at once on PostgreSQL (issue 18): the cap and the names hold
when twenty requests race, because each creation locks what its cap counts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.concurrency import run_together
from tickets import services
from tickets.models import SavedView
from tickets.services.saved_views import SAVED_VIEWS_PER_AGENT, SHARED_SAVED_VIEWS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_views_at_once_never_pass_an_agents_cap(agent):
    for i in range(SAVED_VIEWS_PER_AGENT - 5):
        services.saved_view_create(actor=agent, name=f"Before {i}", base="active")

    results = run_together(
        *(
            lambda i=i: services.saved_view_create(actor=agent, name=f"Race {i}", base="active")
            for i in range(20)
        )
    )

    created = [r for r in results if isinstance(r, SavedView)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(created), len(refused)) == (5, 15), results
    assert all(list(error.message_dict) == ["name"] for error in refused)
    assert SavedView.objects.filter(owner=agent).count() == SAVED_VIEWS_PER_AGENT


def test_twenty_shared_views_at_once_never_pass_the_desks_cap(support_admin):
    for i in range(SHARED_SAVED_VIEWS - 3):
        services.saved_view_create(
            actor=support_admin, name=f"Desk {i}", base="active", shared=True
        )

    results = run_together(
        *(
            lambda i=i: services.saved_view_create(
                actor=support_admin, name=f"Race {i}", base="active", shared=True
            )
            for i in range(20)
        )
    )

    assert sum(isinstance(r, SavedView) for r in results) == 3, results
    assert SavedView.objects.filter(owner__isnull=True).count() == SHARED_SAVED_VIEWS


def test_one_name_saved_twenty_times_at_once_is_one_view(agent):
    results = run_together(
        *(
            lambda: services.saved_view_create(actor=agent, name="Urgent", base="active")
            for _ in range(20)
        )
    )

    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 19, results
    assert {error.message_dict["name"][0] for error in refused} == {
        "You already have a view with this name."
    }
    assert SavedView.objects.filter(owner=agent).count() == 1
