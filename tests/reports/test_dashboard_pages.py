"""The support dashboard and a customer admin's report: who sees what, the
filters' errors, and a fixed number of queries whatever the period."""

from __future__ import annotations

import re
import socket
from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import Organization, User
from reports.rollups import rollups_process_events
from reports.tasks import rollups_refresh_task
from tickets import services
from tickets.models import Ticket
from tickets.workflow import Action

DASHBOARD = "/agent/reports/"
ORG_REPORT = "/organisation/reports/"


@pytest.fixture
def tickets(alice, bob, carol, agent, agent2, make_ticket, billing):
    """Acme has two tickets (one with Sam), Globex one (with Robin)."""
    first = make_ticket(alice, "Acme printer")
    services.ticket_assign(ticket=first, actor=agent, assignee=agent)
    services.ticket_reply(ticket=Ticket.objects.get(pk=first.pk), author=agent, body="Looking.")
    make_ticket(bob, "Acme invoice", category=billing)
    globex = make_ticket(carol, "Globex secret outage")
    services.ticket_assign(ticket=globex, actor=agent2, assignee=agent2)
    rollups_process_events(lag=timedelta(0))
    return first


def test_urls_are_named():
    assert reverse("reports:dashboard") == DASHBOARD
    assert reverse("reports:organization") == ORG_REPORT


def test_a_support_admin_sees_every_organisation_and_agent(login, support_admin, tickets):
    response = login(support_admin).get(DASHBOARD)

    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.created_total == 3
    assert {row["name"] for row in figures.by_organization} == {"Acme", "Globex"}
    assert {row.name for row in figures.agents} >= {"Sam Agent", "Robin Agent"} or len(
        figures.agents
    ) == 2
    html = response.content.decode()
    assert 'id="report-charts"' in html
    assert html.count("<canvas") == len(response.context["charts"])
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_the_menus_and_tables_are_drawn_escaped_with_the_choice_kept(
    login, support_admin, agent2, acme, globex, tickets
):
    """The filter menus and the tables behind the charts are built in Python:
    every organisation and agent listed, the chosen ones marked, the tables'
    counts in place, and a name's markup shown as text."""
    Organization.objects.filter(pk=globex.pk).update(name="<b>Globex</b>")
    rollups_process_events(lag=timedelta(0))

    response = login(support_admin).get(
        f"{DASHBOARD}?period=30&organization={acme.pk}&agent={agent2.pk}"
    )

    html = response.content.decode()
    assert f'<option value="{acme.pk}" selected>Acme (ACME)</option>' in html
    assert f'<option value="{globex.pk}">&lt;b&gt;Globex&lt;/b&gt; (GLOBEX)</option>' in html
    assert f'<option value="{agent2.pk}" selected>{agent2.full_name}</option>' in html
    assert '<option value="" selected>' not in html.split('name="organization"')[1][:200]
    assert "<b>Globex</b>" not in html
    # Acme's tickets with Robin: none; the channel table says so per row.
    assert response.context["figures"].scope.organization_id == acme.pk
    unfiltered = login(support_admin).get(f"{DASHBOARD}?period=30").content.decode()
    table = unfiltered.split('data-chart="channels"')[1].split("</tbody>")[0]
    assert '<tr><th scope="row">Portal</th><td>3</td><td>0</td></tr>' in table
    assert "&lt;b&gt;Globex&lt;/b&gt;" in unfiltered.split('data-chart="organizations"')[1]


def test_the_agents_table_shows_each_agent_s_figures_escaped_and_localised(
    login, support_admin, agent, agent2, alice, tickets
):
    """Per agent: solved, open now, the first response's median and
    satisfaction; a name's markup as text, a percentage written as the
    viewer's language writes it."""
    User.objects.filter(pk=agent2.pk).update(full_name="<i>Robin</i>")
    services.ticket_change_status(
        ticket=Ticket.objects.get(pk=tickets.pk), actor=agent, action=Action.SOLVE
    )
    services.ticket_rate(ticket=Ticket.objects.get(pk=tickets.pk), rater=alice, score="good")
    rollups_process_events(lag=timedelta(0))
    client = login(support_admin)

    rows = {}
    for language in ("en", "fr"):
        support_admin.language = language
        support_admin.save(update_fields=["language"])
        html = client.get(DASHBOARD).content.decode()
        rows[language] = html.split('data-table="agents"')[1].split("</tbody>")[0]

    assert (
        f'<tr><th scope="row">{agent.full_name}</th><td>1</td><td>0</td><td>0 min</td>'
        in rows["en"]
    )
    assert "<td>100.0% (1)</td>" in rows["en"]
    assert "<td>100,0% (1)</td>" in rows["fr"]
    robin = '<tr><th scope="row">&lt;i&gt;Robin&lt;/i&gt;</th><td>0</td><td>1</td><td>—</td><td>—</td></tr>'
    assert robin in rows["en"]
    assert "<i>Robin</i>" not in rows["en"]


def test_an_agent_sees_only_their_own_figures(login, agent, agent2, tickets):
    response = login(agent).get(DASHBOARD + "?period=7&agent=" + str(agent2.pk))

    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.scope.agent_id == agent.pk  # the agent filter is not theirs to choose
    assert figures.created_total == 1
    assert [row.agent_id for row in figures.agents] == [agent.pk]
    assert "agent" not in response.context["form"].fields


def test_customers_get_404_on_the_support_dashboard(login, alice, bob, tickets):
    assert login(alice).get(DASHBOARD).status_code == 404
    assert login(bob).get(DASHBOARD).status_code == 404


def test_a_customer_admin_sees_their_organisation_only(login, alice, globex, tickets):
    response = login(alice).get(ORG_REPORT + f"?period=30&organization={globex.pk}")

    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.scope.organization_id == alice.organization_id
    assert figures.created_total == 2
    html = response.content.decode()
    assert "Globex" not in html
    # Nothing internal: no agent names, workloads or organisation breakdowns.
    assert "Sam Support" not in html
    assert "Robin Responder" not in html
    assert figures.agents == []
    assert figures.by_organization == []
    assert {chart["id"] for chart in response.context["charts"]}.isdisjoint(
        {"agents", "organizations", "tiers"}
    )


def test_members_agents_and_other_organisations_get_404_on_the_report(login, bob, agent, tickets):
    assert login(bob).get(ORG_REPORT).status_code == 404
    assert login(agent).get(ORG_REPORT).status_code == 404


def test_another_organisations_admin_sees_nothing_of_acme(login, carol, tickets):
    response = login(carol).get(ORG_REPORT)

    assert response.context["figures"].created_total == 1
    assert "Acme" not in response.content.decode()


def test_the_pages_ask_for_a_login(client):
    assert client.get(DASHBOARD).status_code == 302
    assert client.get(ORG_REPORT).status_code == 302


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("period=custom&until=2026-01-31", "since", "Enter the first day of the period."),
        ("period=custom&since=2026-01-31", "until", "Enter the last day of the period."),
        (
            "period=custom&since=31/01/2026&until=2026-02-01",
            "since",
            "Enter a date like 2026-01-31.",
        ),
        (
            "period=custom&since=2026-02-02&until=2026-02-01",
            "until",
            "The last day cannot come before the first.",
        ),
        (
            "period=custom&since=2020-01-01&until=2022-01-01",
            "until",
            "A period can be at most 366 days long.",
        ),
        (
            "period=custom&since=2026-01-01&until=2999-01-01",
            "until",
            "The last day cannot be in the future.",
        ),
        ("period=12", "period", "Select a valid choice. 12 is not one of the available choices."),
    ],
)
def test_a_bad_filter_names_its_field(login, support_admin, query, field, message):
    response = login(support_admin).get(f"{DASHBOARD}?{query}")

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()


def test_a_custom_period_is_shown(login, support_admin, tickets):
    response = login(support_admin).get(
        f"{DASHBOARD}?period=custom&since=2026-01-01&until=2026-01-10"
    )

    assert response.status_code == 200
    assert len(response.context["figures"].days) == 10


@pytest.mark.parametrize("period", ["7", "90"])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    login, support_admin, tickets, django_assert_num_queries, period
):
    client = login(support_admin)
    client.get(DASHBOARD)  # sessions and caches warm

    with django_assert_num_queries(QUERIES):
        client.get(f"{DASHBOARD}?period={period}")


def test_the_organisation_report_runs_a_fixed_number_of_queries(
    login, alice, tickets, django_assert_num_queries
):
    client = login(alice)
    client.get(ORG_REPORT)

    with django_assert_num_queries(ORG_QUERIES):
        client.get(f"{ORG_REPORT}?period=90")


QUERIES = 21  # the same for 7 and 90 days: login, nav, filters, the watermark, figures
FIGURE_QUERIES = 10  # of which the figures over every organisation
ORG_QUERIES = 13


def test_a_dashboard_opened_again_reads_its_figures_from_the_cache(
    login, support_admin, tickets, django_assert_max_num_queries
):
    client = login(support_admin)
    first = client.get(f"{DASHBOARD}?period=7")

    with django_assert_max_num_queries(QUERIES - FIGURE_QUERIES):  # the figures' queries are gone
        again = client.get(f"{DASHBOARD}?period=7")

    assert again.context["figures"].created_total == first.context["figures"].created_total == 3


def test_new_events_taken_in_by_the_rollups_show_at_once(
    login, support_admin, tickets, bob, make_ticket
):
    client = login(support_admin)
    assert client.get(DASHBOARD).context["figures"].created_total == 3

    make_ticket(bob, "Acme scanner")
    assert client.get(DASHBOARD).context["figures"].created_total == 3  # not in the rollups yet
    rollups_process_events(lag=timedelta(0))

    assert client.get(DASHBOARD).context["figures"].created_total == 4


def test_cached_figures_never_reach_another_organisation_or_agent(
    login, alice, carol, agent, agent2, tickets
):
    # Same filters, other viewers: each sees only their own, whoever looked first.
    assert login(alice).get(ORG_REPORT).context["figures"].created_total == 2
    globex = login(carol).get(ORG_REPORT)
    assert globex.context["figures"].created_total == 1
    assert "Acme" not in globex.content.decode()

    assert login(agent).get(DASHBOARD).context["figures"].agents[0].agent_id == agent.pk
    assert login(agent2).get(DASHBOARD).context["figures"].agents[0].agent_id == agent2.pk


def test_the_cache_can_be_turned_off(login, support_admin, tickets, bob, make_ticket, settings):
    settings.REPORTS_CACHE_SECONDS = 0
    client = login(support_admin)
    client.get(DASHBOARD)

    make_ticket(bob, "Acme scanner")
    rollups_process_events(lag=timedelta(0))

    assert client.get(DASHBOARD).context["figures"].created_total == 4


def test_the_dashboard_answers_while_the_shared_cache_is_down(
    login, support_admin, tickets, settings
):
    with socket.socket() as probe:  # a port nothing listens on: Redis stopped
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    response = login(support_admin).get(DASHBOARD)

    assert response.status_code == 200
    assert response.context["figures"].created_total == 3


@pytest.fixture
def shared_cache(settings, tmp_path):
    """A cache every process reads (files), as Redis is in production: the
    worker's figures reach the web's pages only through such a cache."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        },
    }


def test_the_job_computes_supports_default_dashboard_ahead_in_each_language(
    login, support_admin, tickets, bob, make_ticket, shared_cache, django_assert_max_num_queries
):
    make_ticket(bob, "Acme scanner")
    rollups_process_events(lag=timedelta(0))  # the job's run takes it in...
    rollups_refresh_task()  # ...and computes the figures after

    client = login(support_admin)
    channels = {}
    for language in ("en", "fr"):
        support_admin.language = language
        support_admin.save(update_fields=["language"])
        with django_assert_max_num_queries(QUERIES - FIGURE_QUERIES):  # no figure computed here
            response = client.get(DASHBOARD)
        assert response.context["figures"].created_total == 4
        channels[language] = {row["name"] for row in response.context["figures"].by_channel}
    # Each language read its own copy: the labels kept with the figures are its own.
    assert channels == {"en": {"Portal"}, "fr": {"Portail"}}


def test_figures_computed_ahead_are_support_s_only_and_follow_new_events(
    login, alice, support_admin, tickets, bob, make_ticket, shared_cache
):
    rollups_refresh_task()
    # A customer admin's report and a filtered dashboard are computed on demand.
    assert login(alice).get(ORG_REPORT).context["figures"].created_total == 2
    client = login(support_admin)
    assert client.get(f"{DASHBOARD}?period=7").context["figures"].created_total == 3

    make_ticket(bob, "Acme scanner")
    rollups_process_events(lag=timedelta(0))
    # The watermark moved: what was computed ahead is not read any more.
    assert client.get(DASHBOARD).context["figures"].created_total == 4


def test_nothing_is_computed_ahead_into_a_cache_the_web_does_not_share(
    support_admin, tickets, django_assert_max_num_queries
):
    # The embedded default's per-process cache: the worker's copy would be its own.
    with django_assert_max_num_queries(8):  # the rollups' look for events only
        rollups_refresh_task()


def test_every_table_that_may_scroll_sideways_is_reached_from_the_keyboard(
    login, support_admin, alice, tickets
):
    """On a phone a wide table scrolls inside its box: the box takes the focus
    (so the arrow keys scroll it) and is named by its section's heading."""
    for viewer, url in ((support_admin, DASHBOARD), (alice, ORG_REPORT)):
        html = login(viewer).get(url).content.decode()
        boxes = re.findall(r'<div class="table-scroll"[^>]*>', html)
        assert boxes, url
        for box in boxes:
            assert 'tabindex="0"' in box, box
            assert 'role="region"' in box, box
            label = re.search(r'aria-labelledby="([^"]+)"', box)
            assert label, box
            assert f'id="{label.group(1)}"' in html, box
