"""Seed 000's Ticket Prioritization Matrix: what each priority means (issue 13, item 9)."""

import re
from datetime import timedelta

from django.template.loader import render_to_string
from django.urls import reverse

from tickets.models import Priority, SlaPolicy
from tickets.priorities import PriorityRow, duration_text, priority_guide

CREATE = reverse("tickets:create")
U, H, N, L = Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW


def matrix_of(html: str) -> dict[str, list[int]]:
    """Impact row label → the priorities of its cells, read from the page."""
    table = re.search(r'<table class="matrix">(.*?)</table>', html, re.S)[1]
    rows = re.findall(r'<th scope="row">([^<]+)<span.*?</th>(.*?)</tr>', table, re.S)
    return {
        label: [int(value) for value in re.findall(r'data-priority="(\d)"', cells)]
        for label, cells in rows
    }


def meanings_of(html: str) -> list[str]:
    table = re.search(r'<table class="priority-meanings">(.*?)</table>', html, re.S)[1]
    return re.findall(r'<tr data-priority="(\w+)">', table)


def test_the_create_form_shows_impact_times_urgency_and_what_each_priority_means(login, alice):
    html = login(alice).get(CREATE).content.decode()

    assert "The Ticket Prioritization Matrix</summary>" in html
    assert matrix_of(html) == {
        "Widespread": [U, H, N],
        "Significant": [H, N, L],
        "Limited": [N, L, L],
    }
    for urgency in ("Work has stopped", "Work is impaired", "It can wait"):
        assert f'<th scope="col">{urgency}<span class="help">' in html
    assert meanings_of(html) == ["urgent", "high", "normal", "low"]
    assert "A production service is down or unusable for many of your users" in html


def test_the_first_ticket_form_of_an_empty_list_shows_the_matrix_too(login, alice):
    html = login(alice).get(reverse("tickets:list")).content.decode()

    assert "You have no tickets yet" in html
    assert matrix_of(html)["Widespread"] == [U, H, N]


def test_get_support_shows_the_matrix(login, carol):
    html = login(carol).get(reverse("get_support")).content.decode()

    assert 'id="priority-matrix"' in html
    assert '<h2 id="priority-matrix-title">Ticket Prioritization Matrix</h2>' in html
    assert matrix_of(html)["Limited"] == [N, L, L]
    assert meanings_of(html) == ["urgent", "high", "normal", "low"]


def test_every_priority_is_somewhere_in_the_matrix(login, alice):
    html = login(alice).get(CREATE).content.decode()

    assert {cell for row in matrix_of(html).values() for cell in row} == set(Priority.values)


def test_the_matrix_promises_the_first_response_of_the_organisations_policy(
    login, alice, acme, globex
):
    # Acme is enterprise: the default policy runs around the clock.
    html = login(alice).get(CREATE).content.decode()

    assert [row.target_text for row in priority_guide(acme)] == [
        "30 minutes",
        "1 hour",
        "4 hours",
        "8 hours",
    ]
    assert "Target first response" in html
    assert "<td>30 minutes</td>" in html
    # A standard-tier organisation is promised business hours.
    globex.support_tier = "standard"
    assert priority_guide(globex)[0].target_text == "2 hours (business hours)"


def test_no_response_target_is_promised_without_a_policy(login, alice, acme):
    SlaPolicy.objects.all().delete()
    html = login(alice).get(CREATE).content.decode()

    assert [row.response_target for row in priority_guide(acme)] == [None] * 4
    assert "Target first response" not in html


def test_the_matrix_shows_each_target_once_the_sla_hook_gives_them():
    # Given what ``response_target`` will answer once SLAs exist
    guide = [
        PriorityRow(priority=U, meaning="Down.", response_target=timedelta(minutes=30)),
        PriorityRow(priority=H, meaning="Degraded.", response_target=timedelta(hours=1)),
        PriorityRow(priority=N, meaning="Request.", response_target=timedelta(hours=8)),
        PriorityRow(priority=L, meaning="Question.", response_target=None),
    ]

    html = render_to_string(
        "tickets/_priority_matrix.html",
        {"urgencies": [], "rows": [], "guide": guide, "has_targets": True},
    )

    assert '<th scope="col">Target first response</th>' in html
    targets = re.findall(r"<td>([^<]*)</td></tr>", html)
    assert targets == ["30 minutes", "1 hour", "8 hours", "—"]


def test_durations_read_as_people_say_them():
    assert [
        duration_text(timedelta(minutes=30)),
        duration_text(timedelta(hours=1)),
        duration_text(timedelta(hours=8)),
        duration_text(timedelta(days=3)),
        duration_text(timedelta(minutes=90)),
    ] == ["30 minutes", "1 hour", "8 hours", "3 days", "90 minutes"]
