"""Collision warnings (issue 18): an agent's ticket page shows which colleagues
have the ticket open and who is typing, and a public reply written over a
newer public message comes back unsent until the agent confirms."""

import time

import pytest
from django.urls import reverse

from tests.concurrency import run_together
from tickets import presence, services
from tickets.models import Message, Status, Ticket

pytestmark = pytest.mark.django_db


def beat(client, ticket, state="viewing", seen=None):
    data = {"state": state}
    if seen is not None:
        data["seen"] = seen
    return client.post(reverse("tickets:presence", args=[ticket.pk]), data)


def test_a_colleague_sees_who_has_the_ticket_open(client, agent, agent2, alice, make_ticket):
    ticket = make_ticket(alice)
    client.force_login(agent)
    beat(client, ticket)

    client.force_login(agent2)
    answer = beat(client, ticket).json()

    assert answer["others"] == [
        {"name": "Sam Support", "state": "viewing", "text": "Sam Support is viewing this ticket"}
    ]
    assert answer["poll_seconds"] == 10


def test_opening_the_page_counts_as_being_there_and_names_the_others(
    client, agent, agent2, alice, make_ticket
):
    ticket = make_ticket(alice)
    client.force_login(agent)
    client.get(ticket.get_absolute_url())

    client.force_login(agent2)
    page = client.get(ticket.get_absolute_url()).content.decode()

    assert "Sam Support is viewing this ticket" in page
    assert "Robin Responder is viewing" not in page  # never oneself


def test_typing_is_shown_then_lapses_to_viewing(agent, agent2, alice, make_ticket):
    ticket = make_ticket(alice)
    now = time.time()
    presence.presence_beat(ticket=ticket, agent=agent, state="typing", now=now)
    # A poll while typing does not cut it short.
    presence.presence_beat(ticket=ticket, agent=agent, state="viewing", now=now + 1)

    typing = presence.presence_others(ticket=ticket, agent=agent2, now=now + 2)
    later = presence.presence_others(ticket=ticket, agent=agent2, now=now + 17)

    assert [(person.name, person.typing) for person in typing] == [("Sam Support", True)]
    assert [(person.name, person.typing) for person in later] == [("Sam Support", False)]


def test_typing_shows_in_the_answer_to_a_colleague(client, agent, agent2, alice, make_ticket):
    ticket = make_ticket(alice)
    client.force_login(agent)
    beat(client, ticket, "typing")

    client.force_login(agent2)
    others = beat(client, ticket).json()["others"]

    assert others == [
        {"name": "Sam Support", "state": "typing", "text": "Sam Support is typing a reply…"}
    ]


def test_an_agent_who_stops_beating_drops_out(agent, agent2, alice, make_ticket):
    ticket = make_ticket(alice)
    now = time.time()
    presence.presence_beat(ticket=ticket, agent=agent, state="viewing", now=now)

    assert presence.presence_others(ticket=ticket, agent=agent2, now=now + 39) != []
    assert presence.presence_others(ticket=ticket, agent=agent2, now=now + 41) == []


def test_leaving_the_page_drops_out_at_once(client, agent, agent2, alice, make_ticket):
    ticket = make_ticket(alice)
    client.force_login(agent)
    beat(client, ticket)

    gone = beat(client, ticket, "gone")
    client.force_login(agent2)

    assert gone.status_code == 204
    assert beat(client, ticket).json()["others"] == []


def test_a_late_farewell_from_a_page_already_left_removes_nothing(
    agent, agent2, alice, make_ticket
):
    # Send, then the page again: the old page's "gone" arrives after the new page's beat.
    ticket = make_ticket(alice)
    presence.presence_beat(ticket=ticket, agent=agent, state="viewing", page="old")
    presence.presence_beat(ticket=ticket, agent=agent, state="viewing", page="new", loaded=True)

    presence.presence_beat(ticket=ticket, agent=agent, state="gone", page="old")

    assert [p.name for p in presence.presence_others(ticket=ticket, agent=agent2)] == [
        "Sam Support"
    ]
    presence.presence_beat(ticket=ticket, agent=agent, state="gone", page="new")
    assert presence.presence_others(ticket=ticket, agent=agent2) == []


def test_sending_a_reply_ends_typing(client, agent, agent2, alice, make_ticket):
    ticket = make_ticket(alice)
    client.force_login(agent)
    beat(client, ticket, "typing")

    sent = client.post(reverse("tickets:respond", args=[ticket.pk]), {"body": "Done."})
    client.get(sent["Location"])

    others = presence.presence_others(ticket=ticket, agent=agent2)
    assert [(p.name, p.typing) for p in others] == [("Sam Support", False)]


def test_an_agent_left_out_of_the_index_by_a_racing_write_comes_back_on_the_next_beat(
    agent, agent2, support_admin, alice, make_ticket
):
    # Given two agents beating at once in two processes: both read an empty
    # index, and the second write drops the first agent from it.
    ticket = make_ticket(alice)
    now = time.time()
    presence.presence_beat(ticket=ticket, agent=agent2, state="viewing", now=now)
    presence.presence_beat(ticket=ticket, agent=agent, state="viewing", now=now)
    # What agent2's write would leave had it read the index before agent's.
    presence._cache().set(presence._index_key(ticket.pk), {agent2.pk: now + 40}, timeout=40)
    assert [p.name for p in presence.presence_others(ticket=ticket, agent=support_admin)] == [
        "Robin Responder"
    ]

    presence.presence_beat(ticket=ticket, agent=agent, state="viewing", now=now + 10)

    assert [p.name for p in presence.presence_others(ticket=ticket, agent=support_admin)] == [
        "Robin Responder",
        "Sam Support",
    ]


def test_the_answer_names_messages_others_added_since_the_page_was_loaded(
    client, agent, agent2, alice, make_ticket
):
    ticket = make_ticket(alice)
    first = services.ticket_reply(ticket=ticket, author=agent2, body="Looking.").message
    client.force_login(agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert f'data-seen="{first.pk}"' in page
    services.ticket_reply(ticket=ticket, author=agent, body="Mine, from another tab.")
    note = services.ticket_reply(ticket=ticket, author=agent2, body="Note", internal=True).message
    reply = services.ticket_reply(
        ticket=Ticket.objects.get(pk=ticket.pk), author=alice, body="Still down!\n" + "x" * 400
    ).message

    added = beat(client, ticket, seen=first.pk).json()["added"]

    assert [(item["id"], item["label"], item["internal"]) for item in added] == [
        (note.pk, "New internal note from Robin Responder", True),
        (reply.pk, "New reply from Alice Anders", False),
    ]
    assert added[1]["excerpt"].startswith("Still down!\nxxx")
    assert len(added[1]["excerpt"]) == 300
    assert added[1]["url"] == f"/tickets/{ticket.pk}/messages/{reply.pk}/"


@pytest.mark.parametrize("who", ["alice", "carol", "anonymous"])
def test_customers_and_strangers_get_404_and_learn_nothing(
    who, client, agent, alice, carol, make_ticket
):
    ticket = make_ticket(alice)
    presence.presence_beat(ticket=ticket, agent=agent, state="typing")
    if who != "anonymous":
        client.force_login({"alice": alice, "carol": carol}[who])

    response = beat(client, ticket, seen=0)

    assert response.status_code == 404
    assert "Sam Support" not in response.content.decode()
    assert presence.presence_others(ticket=ticket, agent=alice) == [
        presence.Present(agent.pk, "Sam Support", True)
    ]  # their request put nobody on the ticket


def test_customers_never_see_presence_on_their_ticket_page(client, agent, alice, make_ticket):
    ticket = make_ticket(alice)
    presence.presence_beat(ticket=ticket, agent=agent, state="typing")
    client.force_login(alice)

    page = client.get(ticket.get_absolute_url()).content.decode()

    assert "Sam Support" not in page
    assert "data-presence" not in page
    assert "presence.js" not in page


def test_a_missing_ticket_is_404_for_an_agent(client, agent):
    client.force_login(agent)

    assert client.post("/tickets/999999/presence/", {"state": "viewing"}).status_code == 404


def test_the_heartbeat_is_post_only(client, agent, alice, make_ticket):
    ticket = make_ticket(alice)
    client.force_login(agent)

    assert client.get(reverse("tickets:presence", args=[ticket.pk])).status_code == 405


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({}, "state", "State is required: viewing, typing or gone."),
        ({"state": "dancing"}, "state", "State must be viewing, typing or gone."),
        ({"state": "viewing", "seen": "-1"}, "seen", "Seen must be the number of a message."),
        ({"state": "viewing", "seen": "x"}, "seen", "Seen must be the number of a message."),
    ],
)
def test_a_bad_heartbeat_names_the_field_and_the_rule(
    data, field, error, client, agent, agent2, alice, make_ticket
):
    ticket = make_ticket(alice)
    client.force_login(agent)

    response = client.post(reverse("tickets:presence", args=[ticket.pk]), data)

    assert response.status_code == 400
    assert response.json() == {"errors": {field: [error]}}
    assert presence.presence_others(ticket=ticket, agent=agent2) == []


def test_the_heartbeat_needs_the_csrf_token(agent, alice, make_ticket):
    from django.test import Client

    ticket = make_ticket(alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)

    response = beat(client, ticket)

    assert response.status_code == 403


def test_too_many_heartbeats_are_refused_for_a_minute(
    client, agent, agent2, alice, make_ticket, settings
):
    ticket = make_ticket(alice)
    client.force_login(agent)
    for _ in range(presence.RATE_PER_MINUTE):
        beat(client, ticket)

    refused = beat(client, ticket)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"


def test_a_heartbeat_writes_nothing_to_the_database_and_reads_little(
    client, agent, alice, make_ticket, django_assert_max_num_queries
):
    ticket = make_ticket(alice)
    for i in range(5):
        services.ticket_reply(ticket=ticket, author=alice, body=f"m{i}")
    client.force_login(agent)
    beat(client, ticket)

    with django_assert_max_num_queries(4) as captured:
        beat(client, ticket, seen=0)

    writes = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []


# --- A reply written over a newer message ------------------------------------------------


def _page_seen(client, ticket) -> int:
    page = client.get(ticket.get_absolute_url()).content.decode()
    marker = 'name="seen" value="'
    return int(page.split(marker, 1)[1].split('"', 1)[0])


def test_a_reply_written_over_a_new_customer_message_comes_back_unsent(
    client, agent, alice, make_ticket
):
    ticket = make_ticket(alice)
    client.force_login(agent)
    seen = _page_seen(client, ticket)
    services.ticket_reply(ticket=ticket, author=alice, body="Never mind, it works now.")

    response = client.post(
        reverse("tickets:respond", args=[ticket.pk]),
        {"body": "Please restart the server.", "submit_as": "solved", "seen": seen},
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "Your reply was not sent: while you were writing it, this was added." in page
    assert "New reply from Alice Anders" in page
    assert page.count("Never mind, it works now.") == 2  # the conversation and the warning
    assert ">Please restart the server.</textarea>" in page
    assert '<option value="solved" selected>' in page
    assert "Send anyway" in page
    assert Message.objects.filter(author=agent).count() == 0
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN


def test_sending_anyway_sends_once(client, agent, alice, make_ticket):
    ticket = make_ticket(alice)
    client.force_login(agent)
    seen = _page_seen(client, ticket)
    added = services.ticket_reply(ticket=ticket, author=alice, body="More details.").message
    draft = {"body": "Please restart the server.", "submit_as": "", "seen": seen}
    held = client.post(reverse("tickets:respond", args=[ticket.pk]), draft)
    assert f'name="seen" value="{added.pk}"' in held.content.decode()

    sent = client.post(reverse("tickets:respond", args=[ticket.pk]), {**draft, "seen": added.pk})

    assert sent.status_code == 302
    assert list(Message.objects.filter(author=agent).values_list("body", flat=True)) == [
        "Please restart the server."
    ]


def test_a_message_added_after_the_warning_asks_again(client, agent, alice, bob, make_ticket):
    ticket = make_ticket(alice)
    client.force_login(agent)
    seen = _page_seen(client, ticket)
    first = services.ticket_reply(ticket=ticket, author=alice, body="One.").message
    services.ticket_reply(ticket=ticket, author=bob, body="Two, from Bob.")

    again = client.post(
        reverse("tickets:respond", args=[ticket.pk]), {"body": "Done.", "seen": first.pk}
    )

    assert again.status_code == 409
    page = again.content.decode()
    assert "New reply from Bob Brandt" in page
    assert "New reply from Alice Anders" not in page
    assert Message.objects.filter(author=agent).count() == 0
    assert seen < first.pk


def test_a_colleagues_internal_note_alone_does_not_hold_a_reply(
    client, agent, agent2, alice, make_ticket
):
    ticket = make_ticket(alice)
    client.force_login(agent)
    seen = _page_seen(client, ticket)
    services.ticket_reply(ticket=ticket, author=agent2, body="FYI", internal=True)

    sent = client.post(reverse("tickets:respond", args=[ticket.pk]), {"body": "Hi", "seen": seen})

    assert sent.status_code == 302
    assert Message.objects.filter(author=agent).count() == 1


def test_a_colleagues_public_reply_holds_a_reply_and_notes_are_listed_beside_it(
    client, agent, agent2, alice, make_ticket
):
    ticket = make_ticket(alice)
    client.force_login(agent)
    seen = _page_seen(client, ticket)
    services.ticket_reply(ticket=ticket, author=agent2, body="Note first", internal=True)
    services.ticket_reply(ticket=ticket, author=agent2, body="I answered already.")

    held = client.post(reverse("tickets:respond", args=[ticket.pk]), {"body": "Hi", "seen": seen})

    page = held.content.decode()
    assert held.status_code == 409
    assert "New internal note from Robin Responder" in page
    assert "New reply from Robin Responder" in page


def test_an_internal_note_is_never_held_back(client, agent, alice, make_ticket):
    ticket = make_ticket(alice)
    client.force_login(agent)
    seen = _page_seen(client, ticket)
    services.ticket_reply(ticket=ticket, author=alice, body="News.")

    sent = client.post(
        reverse("tickets:respond", args=[ticket.pk]),
        {"body": "note to self", "internal": "on", "seen": seen},
    )

    assert sent.status_code == 302


def test_ones_own_messages_from_another_tab_do_not_hold_a_reply(client, agent, alice, make_ticket):
    ticket = make_ticket(alice)
    client.force_login(agent)
    seen = _page_seen(client, ticket)
    services.ticket_reply(ticket=ticket, author=agent, body="From my other tab.")

    sent = client.post(reverse("tickets:respond", args=[ticket.pk]), {"body": "Hi", "seen": seen})

    assert sent.status_code == 302


def test_a_form_without_seen_sends_as_before(client, agent, alice, make_ticket):
    ticket = make_ticket(alice)
    client.force_login(agent)
    services.ticket_reply(ticket=ticket, author=alice, body="News.")

    sent = client.post(reverse("tickets:respond", args=[ticket.pk]), {"body": "Hi"})

    assert sent.status_code == 302


def test_a_held_reply_with_a_macro_keeps_the_macro_and_applies_nothing(
    client, agent, support_admin, alice, make_ticket
):
    ticket = make_ticket(alice)
    macro = services.macro_create(
        actor=support_admin, shared=True, title="Wait", body="x", status_action="wait", tags="t1"
    )
    client.force_login(agent)
    seen = _page_seen(client, ticket)
    services.ticket_reply(ticket=ticket, author=alice, body="News.")

    held = client.post(
        reverse("tickets:respond", args=[ticket.pk]),
        {"body": "x", "macro": macro.pk, "submit_as": "waiting_for_customer", "seen": seen},
    )

    assert held.status_code == 409
    page = held.content.decode()
    assert f'name="macro" id="id_macro" value="{macro.pk}"' in page
    assert f'<option value="{macro.pk}" selected>Wait</option>' in page
    assert "<li>Add tags: t1</li>" in page
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.status, list(after.tags.all())) == (Status.OPEN, [])


# --- Many at once ------------------------------------------------------------------------


def test_twenty_agents_arriving_at_once_are_all_listed(
    agent, alice, make_ticket, django_user_model, settings
):
    ticket = make_ticket(alice)
    agents = [
        django_user_model.objects.create_user(
            f"agent{i}@support.example", "x", full_name=f"Agent {i:02}", role="agent"
        )
        for i in range(20)
    ]

    results = run_together(
        *[
            (lambda one=one: presence.presence_beat(ticket=ticket, agent=one, state="viewing"))
            for one in agents
        ]
    )

    assert not [result for result in results if isinstance(result, Exception)]
    expected = [f"Agent {i:02}" for i in range(20)]
    names = [person.name for person in presence.presence_others(ticket=ticket, agent=agent)]
    if "redis" in settings.CACHES["presence"]["BACKEND"]:
        # SET NX is atomic: the lock lets no index write be lost.
        assert names == expected
    # Whatever the cache, each agent's next beat puts back one left out.
    for one in agents:
        presence.presence_beat(ticket=ticket, agent=one, state="viewing")
    names = [person.name for person in presence.presence_others(ticket=ticket, agent=agent)]
    assert names == expected


@pytest.mark.parametrize("seen", [str(10**30), "9223372036854775808"])
def test_a_seen_beyond_any_message_is_harmless(seen, client, agent, alice, make_ticket):
    # An agent who claims to have seen everything only skips their own warning.
    ticket = make_ticket(alice)
    services.ticket_reply(ticket=ticket, author=alice, body="News.")
    client.force_login(agent)

    heartbeat = beat(client, ticket, seen=seen)
    reply = client.post(reverse("tickets:respond", args=[ticket.pk]), {"body": "Hi", "seen": seen})

    assert (heartbeat.status_code, heartbeat.json()["added"]) == (200, [])
    assert reply.status_code == 302


@pytest.mark.parametrize("seen", ["1e3", "0x10", "<b>"])
def test_a_seen_that_is_no_number_is_refused(seen, client, agent, alice, make_ticket):
    ticket = make_ticket(alice)
    client.force_login(agent)

    heartbeat = beat(client, ticket, seen=seen)
    reply = client.post(reverse("tickets:respond", args=[ticket.pk]), {"body": "Hi", "seen": seen})

    assert heartbeat.json() == {"errors": {"seen": ["Seen must be the number of a message."]}}
    assert reply.status_code == 400
    assert Message.objects.filter(author=agent).count() == 0


def test_the_ticket_page_opens_while_the_presence_cache_is_down(
    client, agent, alice, make_ticket, settings
):
    """Redis stopped: the agent loses the "who else is here" notice, not the ticket."""
    ticket = make_ticket(alice, subject="Printer on fire")
    settings.CACHES = {
        **settings.CACHES,
        "presence": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        },
    }
    client.force_login(agent)

    page = client.get(ticket.get_absolute_url())

    assert page.status_code == 200
    assert "Printer on fire" in page.content.decode()
