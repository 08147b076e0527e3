"""The dense queue of issue 20: columns an agent chooses, and relative ages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.preferences import DEFAULT_QUEUE_COLUMNS
from tickets.templatetags.helpdesk import ago, relative_text


def queue_url(view="active"):
    return reverse("agent:queue", args=[view])


def headers(response) -> list[str]:
    html = response.content.decode()
    head = html[html.index("<thead>") : html.index("</thead>")]
    return [
        label
        for label in [
            "Organisation",
            "Requester",
            "Priority",
            "Status",
            "Type",
            "Assignee",
            "Created",
            "Updated",
        ]
        if f">{label}<" in head or f">{label} " in head
    ]


def test_the_queue_shows_the_default_columns_until_the_agent_chooses(
    login, agent, alice, make_ticket
):
    make_ticket(alice, subject="Printer on fire")

    response = login(agent).get(queue_url())

    assert response.context["columns"] == list(DEFAULT_QUEUE_COLUMNS)
    assert headers(response) == [
        "Organisation",
        "Requester",
        "Priority",
        "Status",
        "Type",
        "Assignee",
        "Updated",
    ]


def test_an_agent_chooses_the_columns_and_they_stay_for_that_agent_only(
    login, agent, agent2, alice, make_ticket
):
    make_ticket(alice, subject="Printer on fire")
    client = login(agent)

    response = client.post(
        reverse("agent:queue_columns"),
        {"columns": ["created", "status", "bogus"], "next": queue_url("mine")},
    )

    assert response.status_code == 302
    assert response["Location"] == queue_url("mine")
    agent.refresh_from_db()
    assert agent.queue_columns == ["status", "created"]
    assert headers(client.get(queue_url())) == ["Status", "Created"]
    agent2.refresh_from_db()
    assert agent2.queue_columns == []
    assert headers(login(agent2).get(queue_url()))[0] == "Organisation"


def test_choosing_no_column_brings_back_the_default_set(login, agent):
    client = login(agent)

    client.post(reverse("agent:queue_columns"), {"next": queue_url()})

    assert client.get(queue_url()).context["columns"] == list(DEFAULT_QUEUE_COLUMNS)


def test_saving_columns_never_redirects_off_site(login, agent):
    response = login(agent).post(
        reverse("agent:queue_columns"), {"columns": ["status"], "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("agent:queue", args=["unassigned"])


def test_a_customer_gets_404_from_the_column_choice_and_nothing_changes(login, carol, agent):
    response = login(carol).post(reverse("agent:queue_columns"), {"columns": ["status"]})

    assert response.status_code == 404
    carol.refresh_from_db()
    assert carol.queue_columns == []


def test_every_column_keeps_the_queue_at_a_fixed_number_of_queries(
    login, agent, alice, carol, make_ticket, django_assert_max_num_queries, settings
):
    settings.HELPDESK_PAGE_SIZE = 100
    client = login(agent)
    client.post(
        reverse("agent:queue_columns"),
        {
            "columns": [
                "organization",
                "requester",
                "priority",
                "status",
                "category",
                "assignee",
                "created",
                "updated",
            ]
        },
    )
    for i in range(30):
        make_ticket(alice if i % 2 else carol, subject=f"Row {i}")

    # Including the list of the agent's saved views (issue 18).
    with django_assert_max_num_queries(11):
        response = client.get(queue_url())

    assert len(response.context["tickets"]) == 30


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=-20), "just now"),
        (timedelta(minutes=-5), "5 min ago"),
        (timedelta(hours=-3, minutes=-10), "3 h ago"),
        (timedelta(days=-1, hours=-2), "1 day ago"),
        (timedelta(days=-9), "9 days ago"),
        (timedelta(days=2, minutes=1), "in 2 days"),
        (timedelta(hours=5), "in 5 h"),
    ],
)
def test_relative_ages_read_in_a_few_characters(delta, text):
    now = timezone.now()

    assert relative_text(now + delta, now) == text


def test_a_relative_age_carries_the_exact_time_for_hover_and_machines(settings):
    settings.TIME_ZONE = "UTC"
    now = timezone.now().replace(year=2026, month=3, day=4, hour=12, minute=0, second=0)
    then = now - timedelta(hours=3)

    html = ago(then, now)

    assert html == (
        f'<time datetime="{timezone.localtime(then).isoformat()}" '
        'title="4 Mar 2026, 09:00">3 h ago</time>'
    )
