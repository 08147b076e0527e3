"""Customer satisfaction (issue 19): Good / Bad on a solved ticket, by email link
and on the ticket page; one rating per ticket, frozen once the ticket closes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.concurrency import run_together
from tests.notifications.helpers import deliver, start_clean
from tickets import services
from tickets.models import SatisfactionRating, Status, TicketEvent
from tickets.satisfaction import rating_link_token
from tickets.selectors import satisfaction_percent
from tickets.workflow import Action, TransitionError

pytestmark = pytest.mark.django_db

Score = SatisfactionRating.Score
RATE_LINK = re.compile(r"https?://[^\s\"<>]+/tickets/rate/[^\s\"<>/]+/")


@pytest.fixture
def solved(alice, agent, make_ticket):
    """Alice's ticket, taken by Sam and solved."""
    ticket = make_ticket(alice, "VPN drops")
    services.ticket_take(ticket=ticket, agent=agent)
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)
    ticket.refresh_from_db()
    return ticket


def rate_path(ticket, user, score) -> str:
    return reverse("tickets:rate", args=[rating_link_token(ticket, user_id=user.pk, score=score)])


def emailed_links(address: str) -> list[str]:
    """The rating links of the emails sent to ``address``: text part first, then HTML."""
    found = []
    for message in mail.outbox:
        if address in message.to:
            found += RATE_LINK.findall(message.body)
            found += RATE_LINK.findall(message.alternatives[0][0])
    return found


def local(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# The service ----------------------------------------------------------------


def test_the_requester_rates_a_solved_ticket_and_may_change_it_until_it_closes(
    solved, alice, agent
):
    services.ticket_rate(ticket=solved, rater=alice, score=Score.GOOD, comment="Quick, thanks")
    services.ticket_rate(ticket=solved, rater=alice, score=Score.BAD, comment="It broke again")

    rating = SatisfactionRating.objects.get()
    assert (rating.ticket_id, rating.score, rating.comment) == (solved.pk, "bad", "It broke again")
    assert rating.agent_id == agent.pk
    assert rating.organization_id == solved.organization_id
    events = TicketEvent.objects.filter(ticket=solved, kind=TicketEvent.Kind.SATISFACTION)
    assert [(e.from_value, e.to_value, e.is_internal) for e in events.order_by("pk")] == [
        ("", "good", False),
        ("good", "bad", False),
    ]

    services.ticket_close(ticket=solved, actor=alice)
    with pytest.raises(TransitionError, match="closed: its rating can no longer change"):
        services.ticket_rate(ticket=solved, rater=alice, score=Score.GOOD)
    rating.refresh_from_db()
    assert rating.score == "bad"


def test_the_same_rating_twice_changes_nothing_and_records_one_event(solved, alice):
    for _ in range(2):
        services.ticket_rate(ticket=solved, rater=alice, score=Score.GOOD)

    assert SatisfactionRating.objects.count() == 1
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.SATISFACTION).count() == 1


def test_only_the_requester_rates_and_only_once_solved(solved, alice, bob, agent, make_ticket):
    with pytest.raises(TransitionError, match="Only the person who asked"):
        services.ticket_rate(ticket=solved, rater=bob, score=Score.GOOD)
    with pytest.raises(TransitionError, match="Only the person who asked"):
        services.ticket_rate(ticket=solved, rater=agent, score=Score.GOOD)
    active = make_ticket(alice, "Still open")
    with pytest.raises(TransitionError, match="once it is solved"):
        services.ticket_rate(ticket=active, rater=alice, score=Score.GOOD)
    assert not SatisfactionRating.objects.exists()


@pytest.mark.parametrize(
    ("score", "comment", "field", "rule"),
    [
        ("great", "", "score", "Choose Good or Bad."),
        ("good", "x" * 2001, "comment", "at most 2000 characters long (it has 2001)"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(solved, alice, score, comment, field, rule):
    with pytest.raises(ValidationError) as caught:
        services.ticket_rate(ticket=solved, rater=alice, score=score, comment=comment)

    assert rule in caught.value.message_dict[field][0]
    assert not SatisfactionRating.objects.exists()
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.SATISFACTION).exists()


# The solved email's links --------------------------------------------------


def test_the_solved_email_gives_the_requester_good_and_bad_links_and_nobody_else(
    alice, bob, agent, make_ticket
):
    ticket = make_ticket(bob, "Printer offline")
    start_clean()
    services.ticket_reply(ticket=ticket, author=agent, body="Fixed it.", submit_as=Status.SOLVED)
    deliver()

    links = emailed_links("bob@acme.example")
    assert len(links) == 4  # Good and Bad, in the text and in the HTML part
    assert links[0] == links[2]
    assert links[1] == links[3]
    assert links[0] != links[1]
    assert emailed_links("alice@acme.example") == []  # the admin hears, but does not rate


def test_one_click_from_the_email_shows_the_choice_and_the_post_records_it_once(solved, alice):
    start_clean()
    services.ticket_reply(ticket=solved, author=alice, body="One more thing")
    agent_ticket = solved
    agent_ticket.refresh_from_db()
    # Solve again and read the mail actually sent.
    services.ticket_change_status(
        ticket=agent_ticket, actor=agent_ticket.assignee, action=Action.SOLVE
    )
    deliver()
    good, bad = emailed_links("alice@acme.example")[:2]
    browser = Client(enforce_csrf_checks=True)

    # A GET (what a mail scanner does) records nothing; the page chooses Good
    # and asks the script to send it.
    page = browser.get(local(good))
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-rating-autosubmit" in html
    assert 'value="good" id="id_rate_score_good" checked' in html
    assert not SatisfactionRating.objects.exists()

    token = page.cookies["csrftoken"].value
    answer = browser.post(local(good), {"score": "good", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    assert answer["Location"].endswith("?saved=1")
    assert SatisfactionRating.objects.get().score == "good"

    # Opened again: shows the rating, sends nothing by itself.
    again = browser.get(local(good)).content.decode()
    assert "Your rating: Good." in again
    assert "data-rating-autosubmit" not in again
    # The Bad link changes it, with a comment, and keeps one row.
    browser.post(local(bad), {"score": "bad", "comment": "Slow", "csrfmiddlewaretoken": token})
    rating = SatisfactionRating.objects.get()
    assert (rating.score, rating.comment) == ("bad", "Slow")


def test_the_link_post_needs_the_csrf_token(solved, alice):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(rate_path(solved, alice, "good"), {"score": "good"})

    assert response.status_code == 403
    assert not SatisfactionRating.objects.exists()


def test_after_closing_the_link_shows_the_rating_read_only(solved, alice):
    services.ticket_rate(ticket=solved, rater=alice, score=Score.GOOD, comment="Great")
    services.ticket_close(ticket=solved, actor=alice)
    client = Client()

    page = client.get(rate_path(solved, alice, "bad")).content.decode()
    refused = client.post(rate_path(solved, alice, "bad"), {"score": "bad"}, follow=True)

    assert "the rating can no longer change" in page
    assert "<form" not in page.split("<main")[1]
    assert "closed: its rating can no longer change" in refused.content.decode()
    assert SatisfactionRating.objects.get().score == "good"


def test_an_expired_link_is_refused_and_stores_nothing(solved, alice, settings):
    path = rate_path(solved, alice, "good")
    settings.HELPDESK_SATISFACTION_LINK_MAX_AGE = timedelta(seconds=-1)
    client = Client()

    page = client.get(path)
    posted = client.post(path, {"score": "good"})

    assert page.status_code == 410
    assert "This rating link has expired" in page.content.decode()
    assert posted.status_code == 410
    assert not SatisfactionRating.objects.exists()


def test_a_forged_or_tampered_link_is_refused(solved, alice, bob, make_ticket):
    other = make_ticket(alice, "Another")
    token = rating_link_token(solved, user_id=alice.pk, score="good")
    payload, rest = token.split(":", 1)
    forged = [
        token[:-2] + ("aa" if not token.endswith("aa") else "bb"),  # signature changed
        signing.dumps({"t": solved.pk, "u": alice.pk, "s": "good"}),  # signed for another use
        signing.dumps({"t": solved.pk, "u": alice.pk, "s": "meh"}, salt="x"),
        payload[:-1] + ":" + rest,
    ]
    client = Client()
    for bad in forged:
        response = client.post(reverse("tickets:rate", args=[bad]), {"score": "good"})
        assert response.status_code == 404, bad
        assert "This rating link is not valid." in response.content.decode()
    # Properly signed, but for someone who is not the requester.
    for ticket, user in ((solved, bob), (other, bob)):
        response = client.post(rate_path(ticket, user, "good"), {"score": "good"})
        assert response.status_code == 404
    assert not SatisfactionRating.objects.exists()


def test_the_link_of_ticket_a_rates_ticket_a_only(solved, alice, agent, make_ticket):
    second = make_ticket(alice, "Second")
    services.ticket_change_status(ticket=second, actor=agent, action=Action.SOLVE)

    Client().post(rate_path(solved, alice, "bad"), {"score": "bad", "ticket": second.pk})

    assert list(SatisfactionRating.objects.values_list("ticket_id", "score")) == [
        (solved.pk, "bad")
    ]


def test_a_link_for_another_organisations_ticket_is_refused(alice, carol, agent, make_ticket):
    globex_ticket = make_ticket(carol, "Globex thing")
    services.ticket_change_status(ticket=globex_ticket, actor=agent, action=Action.SOLVE)

    # Alice's identity cannot rate a Globex ticket, even with our signature.
    response = Client().post(rate_path(globex_ticket, alice, "good"), {"score": "good"})

    assert response.status_code == 404
    assert not SatisfactionRating.objects.exists()


# The off switch -------------------------------------------------------------


@pytest.mark.parametrize("switch", ["organisation", "tier"])
def test_switched_off_there_are_no_links_no_buttons_and_links_are_refused(
    switch, acme, alice, agent, make_ticket, login, settings
):
    ticket = make_ticket(alice, "Quiet please")
    path = rate_path(ticket, alice, "good")
    if switch == "organisation":
        acme.satisfaction_enabled = False
        acme.save(update_fields=["satisfaction_enabled"])
    else:
        settings.HELPDESK_SATISFACTION_OFF_TIERS = ["enterprise"]  # Acme's tier
    start_clean()
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)
    deliver()

    assert mail.outbox
    assert emailed_links("alice@acme.example") == []
    page = login(alice).get(ticket.get_absolute_url()).content.decode()
    assert 'id="satisfaction"' not in page
    refused = Client().post(path, {"score": "good"})
    assert refused.status_code == 404
    assert "does not rate its tickets" in refused.content.decode()
    assert (
        login(alice)
        .post(reverse("tickets:rating", args=[ticket.pk]), {"score": "good"})
        .status_code
        == 302
    )
    with pytest.raises(TransitionError, match="does not rate"):
        services.ticket_rate(ticket=ticket, rater=alice, score=Score.GOOD)
    assert not SatisfactionRating.objects.exists()


# The ticket pages -----------------------------------------------------------


def test_the_requester_rates_on_the_ticket_page_and_support_reads_it(
    solved, alice, agent, login, client
):
    page = login(alice).get(solved.get_absolute_url()).content.decode()
    assert 'id="satisfaction"' in page
    assert "Send rating" in page

    response = client.post(
        reverse("tickets:rating", args=[solved.pk]), {"score": "good", "comment": "Spot on"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/tickets/{solved.pk}/#satisfaction")
    shown = client.get(solved.get_absolute_url()).content.decode()
    assert "Update rating" in shown
    assert "rated the support Good" in shown

    staff = login(agent).get(solved.get_absolute_url()).content.decode()
    assert 'data-rating="good"' in staff
    assert "Spot on" in staff
    assert "rated by Alice Anders" in staff
    assert "Send rating" not in staff


def test_the_page_form_names_the_field_on_bad_input(solved, alice, login):
    response = login(alice).post(reverse("tickets:rating", args=[solved.pk]), {"score": "meh"})

    assert response.status_code == 400
    assert "Rating: choose Good or Bad." in response.content.decode()
    assert not SatisfactionRating.objects.exists()


def test_after_closing_the_page_shows_the_rating_read_only(solved, alice, login):
    services.ticket_rate(ticket=solved, rater=alice, score=Score.BAD, comment="Meh")
    services.ticket_close(ticket=solved, actor=alice)
    client = login(alice)

    page = client.get(solved.get_absolute_url()).content.decode()
    refused = client.post(
        reverse("tickets:rating", args=[solved.pk]), {"score": "good"}, follow=True
    ).content.decode()

    assert "the rating can no longer change" in page
    assert "Send rating" not in page
    assert "Update rating" not in page
    assert "closed: its rating can no longer change" in refused
    assert SatisfactionRating.objects.get().score == "bad"


def test_another_member_reads_the_rating_but_cannot_rate(solved, alice, bob, login):
    client = login(bob)

    before = client.get(solved.get_absolute_url()).content.decode()
    refused = client.post(
        reverse("tickets:rating", args=[solved.pk]), {"score": "bad"}, follow=True
    ).content.decode()
    services.ticket_rate(ticket=solved, rater=alice, score=Score.GOOD, comment="Thanks")
    after = client.get(solved.get_absolute_url()).content.decode()

    assert 'id="satisfaction"' not in before
    assert "Only the person who asked can rate this ticket." in refused
    assert 'data-rating="good"' in after
    assert "rated by Alice Anders" in after
    assert "Send rating" not in after
    assert "Update rating" not in after
    assert SatisfactionRating.objects.get().score == "good"


def test_another_organisations_customer_gets_404_and_changes_nothing(solved, alice, carol, login):
    services.ticket_rate(ticket=solved, rater=alice, score=Score.GOOD)
    client = login(carol)

    response = client.post(reverse("tickets:rating", args=[solved.pk]), {"score": "bad"})

    assert response.status_code == 404
    assert client.get(solved.get_absolute_url()).status_code == 404
    assert SatisfactionRating.objects.get().score == "good"


# The API --------------------------------------------------------------------


def test_the_api_shows_the_rating_to_whoever_sees_the_ticket(solved, alice, bob, carol, agent, api):
    services.ticket_rate(ticket=solved, rater=alice, score=Score.GOOD, comment="Nice")
    url = f"/api/v1/tickets/{solved.pk}/"

    staff = api(agent).get(url).json()["satisfaction"]
    assert (staff["score"], staff["comment"]) == ("good", "Nice")
    assert api(alice).get(url).json()["satisfaction"]["score"] == "good"
    assert api(bob).get(url).json()["satisfaction"]["comment"] == "Nice"
    assert api(carol).get(url).status_code == 404
    assert api(carol).get("/api/v1/tickets/").json()["count"] == 0


@pytest.mark.parametrize("size", [2, 30])
def test_the_api_list_with_ratings_runs_a_fixed_number_of_queries(
    size, alice, agent, api, make_ticket, django_assert_max_num_queries
):
    for i in range(size):
        ticket = make_ticket(alice, f"T{i}")
        services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)
        services.ticket_rate(ticket=ticket, rater=alice, score=Score.GOOD if i % 3 else Score.BAD)
    staff = api(agent)

    with django_assert_max_num_queries(5):
        rows = staff.get("/api/v1/tickets/?page_size=100").json()["results"]

    assert len(rows) == size
    assert all(row["satisfaction"] for row in rows)


# The figure the dashboards will call ---------------------------------------


def test_satisfaction_percent_counts_good_among_all(
    alice, carol, agent, agent2, make_ticket, django_assert_num_queries
):
    for customer, assignee, score in [
        (alice, agent, "good"),
        (alice, agent, "good"),
        (alice, agent2, "bad"),
        (carol, agent, "bad"),
    ]:
        ticket = make_ticket(customer, "T")
        services.ticket_assign(ticket=ticket, actor=agent, assignee=assignee)
        services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)
        services.ticket_rate(ticket=ticket, rater=customer, score=score)
    ratings = SatisfactionRating.objects.visible_to(agent)

    with django_assert_num_queries(1):
        everyone = satisfaction_percent(ratings)
    assert (everyone.good, everyone.bad, everyone.total, everyone.percent) == (2, 2, 4, 50.0)
    by_agent = satisfaction_percent(ratings.filter(agent=agent))
    assert (by_agent.good, by_agent.bad, by_agent.percent) == (2, 1, 66.7)
    acme = satisfaction_percent(ratings.filter(organization=alice.organization))
    assert acme.percent == 66.7
    assert satisfaction_percent(ratings.filter(organization=carol.organization)).percent == 0.0
    assert satisfaction_percent(SatisfactionRating.objects.none()).percent is None
    # A customer's view holds their organisation's ratings only.
    assert satisfaction_percent(SatisfactionRating.objects.visible_to(carol)).total == 1


# Concurrency (PostgreSQL) ---------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_ratings_at_once_leave_one_row(alice, agent, make_ticket):
    ticket = make_ticket(alice, "Race")
    services.ticket_change_status(ticket=ticket, actor=agent, action=Action.SOLVE)

    results = run_together(
        *[
            (
                lambda i=i: services.ticket_rate(
                    ticket=ticket, rater=alice, score="good" if i % 2 else "bad", comment=str(i)
                )
            )
            for i in range(20)
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert SatisfactionRating.objects.filter(ticket=ticket).count() == 1
    last = SatisfactionRating.objects.get(ticket=ticket)
    # Every submission was a change from the one before it, in the order the lock gave.
    events = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.SATISFACTION)
    assert events.count() == 20
    assert events.order_by("-pk").first().to_value == last.score


def test_a_rated_ticket_page_runs_a_fixed_number_of_queries(
    solved, alice, agent, login, django_assert_max_num_queries
):
    for i in range(10):
        services.ticket_reply(ticket=solved, author=agent if i % 2 else alice, body=f"m{i}")
    services.ticket_change_status(ticket=solved, actor=agent, action=Action.SOLVE)
    services.ticket_rate(ticket=solved, rater=alice, score=Score.GOOD, comment="Fine")
    client = login(alice)

    # The portal page's twelve (its followers section one of them), and the rating.
    with django_assert_max_num_queries(13):
        page = client.get(solved.get_absolute_url()).content.decode()
    assert 'data-rating="good"' in page


def test_rating_emails_nobody(solved, alice):
    start_clean()

    services.ticket_rate(ticket=solved, rater=alice, score=Score.BAD, comment="Too slow")
    deliver()

    assert mail.outbox == []


def test_a_support_admin_turns_ratings_off_for_an_organisation_in_the_admin(
    acme, support_admin, login
):
    client = login(support_admin)
    url = reverse("admin:accounts_organization_change", args=[acme.pk])
    form = client.get(url).content.decode()
    assert 'name="satisfaction_enabled"' in form
    data = {
        "name": acme.name,
        "alias": acme.alias,
        "support_tier": acme.support_tier,
        "service_plan": acme.service_plan,
        "reply_policy": acme.reply_policy,
        "is_active": "on",
        "created_at_0": "2026-01-01",
        "created_at_1": "00:00:00",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    acme.refresh_from_db()
    assert acme.satisfaction_enabled is False
