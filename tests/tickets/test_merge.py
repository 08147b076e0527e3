"""Merging a ticket into another of the same organisation (issue 18): what
moves, what the source becomes, every refusal, and what people see on the
pages and through the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from notifications.emails import build_email
from notifications.models import Kind, Notification
from notifications.services import notifications_for_event
from tests.attachments.files import upload
from tickets import services
from tickets.counters import counters_rebuild, counts_by_status
from tickets.models import Attachment, Message, Status, Ticket, TicketEvent
from tickets.selectors import merge_destination, with_unseen
from tickets.workflow import Action, TransitionError

pytestmark = pytest.mark.django_db


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def source(bob, agent, make_ticket):
    """Bob's duplicate: a request with a file, a support reply and an internal note."""
    ticket = make_ticket(
        bob, "Printer on fire again", description="Smoke from tray 2.", files=[upload("notes.txt")]
    )
    services.ticket_reply(ticket=ticket, author=agent, body="Unplug it, please.")
    services.ticket_reply(ticket=ticket, author=agent, body="Second report of #1.", internal=True)
    return ticket


@pytest.fixture
def target(alice, make_ticket):
    return make_ticket(alice, "Printer on fire", description="Tray 2 is smoking.")


def merged(source, target, agent, **kwargs) -> Ticket:
    return services.ticket_merge(ticket=source, into=target.pk, actor=agent, **kwargs)


# What moves


def test_the_request_messages_and_files_move_to_the_target_with_their_authors_and_times(
    source, target, agent, bob
):
    before = list(Message.objects.filter(ticket=source).values_list("pk", "author", "created_at"))

    merged(source, target, agent)

    moved = Message.objects.filter(ticket=target, merged_from=source).order_by("created_at", "id")
    request, *rest = moved
    assert (request.author, request.body, request.created_at, request.is_internal) == (
        bob,
        "Smoke from tray 2.",
        source.created_at,
        False,
    )
    assert [(m.pk, m.author_id, m.created_at) for m in rest] == before
    assert Message.objects.filter(ticket=source).count() == 0
    log = Attachment.objects.get(name="notes.txt")
    assert (log.ticket_id, log.message_id) == (target.pk, request.pk)
    assert Attachment.objects.filter(ticket=source).count() == 0


def test_the_source_is_closed_with_a_pointer_and_both_tickets_record_the_merge(
    source, target, agent
):
    merged(source, target, agent)

    source, target = fresh(source), fresh(target)
    assert (source.status, source.merged_into_id) == (Status.CLOSED, target.pk)
    assert source.closed_at is not None
    assert target.status == Status.OPEN
    assert target.merged_into_id is None
    for side in (source, target):
        event = TicketEvent.objects.get(ticket=side, kind=TicketEvent.Kind.MERGED)
        assert (event.from_value, event.to_value, event.is_internal, event.actor) == (
            str(source.pk),
            str(target.pk),
            False,
            agent,
        )
    # One act: the close, the two merge events and the note share its id.
    acts = set(TicketEvent.objects.filter(created_at__gte=source.closed_at).values_list("act"))
    assert len(acts) == 1


def test_an_internal_note_on_the_target_names_another_requester_and_carries_the_comment(
    source, target, agent
):
    merged(source, target, agent, comment="Same outage as this one.")

    note = Message.objects.get(ticket=target, is_internal=True, merged_from__isnull=True)
    assert note.author == agent
    assert note.body == (
        f"Merged #{source.pk} “Printer on fire again” into this ticket.\n\n"
        "Its requester was Bob Brandt <bob@acme.example>.\n\n"
        "Same outage as this one."
    )


def test_the_sources_tags_join_the_targets_as_an_internal_change(source, target, agent):
    services.ticket_tag(ticket=source, actor=agent, add="printer vip")
    services.ticket_tag(ticket=target, actor=agent, add="printer")

    merged(source, target, agent)

    assert sorted(fresh(target).tags.values_list("name", flat=True)) == ["printer", "vip"]
    change = TicketEvent.objects.filter(ticket=target, kind=TicketEvent.Kind.TAGS).last()
    assert (change.to_value, change.is_internal) == ("vip", True)


def test_counters_stay_the_real_counts(source, target, agent, acme):
    merged(source, target, agent)

    kept = counts_by_status(acme.pk)
    counters_rebuild()
    assert kept == counts_by_status(acme.pk)
    assert kept[Status.CLOSED] == 1
    assert kept[Status.IN_PROGRESS] + kept[Status.OPEN] == 1


def test_the_source_clocks_stop_and_the_targets_keep_running(source, target, agent):
    due = fresh(target).first_response_due
    assert due is not None

    merged(source, target, agent)

    assert fresh(source).sla_due is None
    assert fresh(target).first_response_due == due


def test_the_targets_search_text_includes_the_moved_public_messages_and_not_notes(
    source, target, agent
):
    merged(source, target, agent)

    target = fresh(target)
    assert "Smoke from tray 2." in target.search_document
    assert "Unplug it, please." in target.search_document
    assert "Second report of #1." not in target.search_document
    assert "Second report of #1." in target.notes_document
    assert "Unplug it, please." not in fresh(source).search_document


def test_the_target_becomes_unseen_for_whoever_had_not_read_the_moved_messages(
    source, target, agent, alice
):
    services.ticket_mark_seen(ticket=target, user=alice)
    services.ticket_reply(ticket=source, author=agent, body="Any smoke left?")
    assert unseen(alice, target) is False

    merged(source, target, agent)

    assert unseen(alice, target) is True
    services.ticket_mark_seen(ticket=fresh(target), user=alice)
    assert unseen(alice, target) is False


def unseen(user, ticket) -> bool:
    return with_unseen(Ticket.objects.filter(pk=ticket.pk), user).get().unseen


def test_the_requester_hears_once_that_the_source_was_closed_and_nobody_of_the_target_act(
    source, target, agent, bob
):
    merged(source, target, agent)

    for event in TicketEvent.objects.filter(kind__in=["merged", "status", "note"]).filter(
        act=TicketEvent.objects.get(ticket=source, kind="merged").act
    ):
        notifications_for_event(event_id=event.pk)
    heard = Notification.objects.filter(event__ticket__in=[source, target])
    assert sorted(heard.values_list("recipient__email", "kind")) == [
        ("alice@acme.example", Kind.CLOSED),  # the organisation's admin
        ("bob@acme.example", Kind.CLOSED),
    ]


def test_the_email_says_where_the_conversation_goes_on_and_replies_thread_to_the_source(
    source, target, agent
):
    merged(source, target, agent)
    closing = TicketEvent.objects.get(ticket=source, kind="status", to_value="closed")
    notifications_for_event(event_id=closing.pk)

    email = build_email(Notification.objects.get(recipient__email="bob@acme.example"))

    assert email.subject == f"[#{source.pk}] Printer on fire again"
    assert (
        f"Sam Support merged ticket #{source.pk} into ticket #{target.pk}. The conversation "
        f"goes on there: replies to this email land in #{target.pk}."
    ) in email.body
    assert "reopen it" not in email.body


# Refusals: each names its rule and stores nothing


def assert_nothing_changed(source, target):
    assert fresh(source).merged_into_id is None
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.MERGED).exists()
    assert not Message.objects.filter(ticket=target).exists()


def refusal(source, into, agent) -> str:
    with pytest.raises(ValidationError) as refused:
        services.ticket_merge(ticket=source, into=into, actor=agent)
    return refused.value.message_dict["into"][0]


def test_a_ticket_of_another_organisation_is_refused(source, agent, carol, make_ticket):
    globex = make_ticket(carol, "Globex printer")

    assert "belongs to another organisation" in refusal(source, globex.pk, agent)
    assert_nothing_changed(source, globex)


def test_a_ticket_is_not_merged_into_itself(source, agent):
    assert refusal(source, source.pk, agent) == "A ticket can't be merged into itself."
    assert fresh(source).status == Status.IN_PROGRESS


def test_a_missing_ticket_is_refused(source, target, agent):
    assert refusal(source, target.pk + 100, agent) == f"There is no ticket #{target.pk + 100}."


def test_a_closed_target_is_refused_and_a_solved_one_taken(source, target, agent, alice):
    services.ticket_close(ticket=target, actor=alice)
    assert "is closed; reopen it first" in refusal(source, target.pk, agent)
    assert_nothing_changed(source, target)

    services.ticket_reopen(ticket=target, actor=alice, body="Back again.")
    services.ticket_change_status(ticket=target, actor=agent, action=Action.SOLVE)
    merged(source, target, agent)
    assert fresh(target).status == Status.SOLVED


def test_a_target_that_was_itself_merged_is_refused_naming_where_it_went(
    source, target, agent, alice, make_ticket
):
    third = make_ticket(alice, "Printer smoke")
    merged(target, third, agent)

    message = refusal(source, target.pk, agent)

    assert message == (
        f"Ticket #{target.pk} was itself merged into #{third.pk}; merge into #{third.pk} instead."
    )
    assert fresh(source).merged_into_id is None


def test_a_source_merged_already_or_closed_is_refused(source, target, agent, alice, make_ticket):
    third = make_ticket(alice, "Printer smoke")
    merged(source, target, agent)

    with pytest.raises(TransitionError, match=f"already merged into #{target.pk}"):
        services.ticket_merge(ticket=source, into=third.pk, actor=agent)

    services.ticket_close(ticket=third, actor=alice)
    with pytest.raises(TransitionError, match="A closed ticket can't be merged"):
        services.ticket_merge(ticket=third, into=target.pk, actor=agent)


def test_a_customer_may_not_merge(source, target, bob):
    with pytest.raises(PermissionDenied):
        services.ticket_merge(ticket=source, into=target.pk, actor=bob)
    assert_nothing_changed(source, target)


def test_a_too_long_comment_is_refused_naming_the_field(source, target, agent):
    with pytest.raises(ValidationError) as refused:
        merged(source, target, agent, comment="x" * 5001)
    assert refused.value.message_dict["comment"] == ["A comment can be at most 5000 characters."]
    assert_nothing_changed(source, target)


def test_a_merged_source_refuses_reopening_and_replies_with_a_clear_message(
    source, target, agent, bob
):
    merged(source, target, agent)

    expected = f"This ticket was merged into #{target.pk}; continue the conversation there."
    with pytest.raises(TransitionError, match=expected):
        services.ticket_reopen(ticket=source, actor=bob, body="Still smoking.")
    with pytest.raises(TransitionError, match=expected):
        services.ticket_reply(ticket=source, author=bob, body="Hello?", reopen_closed=True)
    assert fresh(source).status == Status.CLOSED
    assert not Message.objects.filter(ticket=source).exists()


def test_merges_chain_forward_and_email_threading_follows_them(source, target, agent, alice):
    third = services.ticket_open(
        actor=alice,
        subject="Printer smoke",
        description="Smoke.",
        category=fresh(target).category,
    )
    merged(source, target, agent)
    merged(target, third, agent)

    assert merge_destination(fresh(source)) == third
    # The moved messages keep the ticket they were written on.
    assert Message.objects.filter(ticket=third, merged_from=source).count() == 3


# Pages


def detail_url(ticket) -> str:
    return reverse("tickets:detail", args=[ticket.pk])


def merge_url(ticket) -> str:
    return reverse("tickets:merge", args=[ticket.pk])


def test_an_agent_picks_confirms_and_lands_on_the_target(login, source, target, agent):
    client = login(agent)

    page = client.get(detail_url(source))
    assert merge_url(source) in page.content.decode()
    choose = client.get(merge_url(source))
    assert f'<option value="{target.pk}">#{target.pk} Printer on fire</option>' in (
        choose.content.decode()
    )
    confirm = client.get(merge_url(source), {"into": target.pk})
    text = confirm.content.decode()
    assert f"Merge #{source.pk} into #{target.pk}?" in text
    assert "requested by Bob Brandt (bob@acme.example)" in text
    assert "requested by Alice Anders (alice@acme.example)" in text
    assert fresh(source).merged_into_id is None  # asking changes nothing

    done = client.post(merge_url(source), {"into": target.pk, "comment": "Dup."}, follow=True)

    assert done.redirect_chain[-1][0] == detail_url(target)
    text = done.content.decode()
    assert f"Ticket #{source.pk} was merged into this ticket and closed." in text
    assert f"merged from #{source.pk}" in text
    assert fresh(source).merged_into_id == target.pk


def test_the_page_names_the_rule_when_the_choice_is_refused(
    login, source, carol, make_ticket, agent
):
    globex = make_ticket(carol, "Globex printer")
    client = login(agent)

    page = client.get(merge_url(source), {"into": globex.pk})
    assert page.status_code == 400
    assert "belongs to another organisation" in page.content.decode()
    posted = client.post(merge_url(source), {"into": globex.pk})
    assert posted.status_code == 400
    assert "belongs to another organisation" in posted.content.decode()
    empty = client.post(merge_url(source), {"into": ""})
    assert "Enter the number of the ticket to merge into." in empty.content.decode()
    assert fresh(source).merged_into_id is None


def test_customers_of_the_organisation_see_the_link_on_both_tickets(
    login, source, target, agent, bob
):
    merged(source, target, agent)
    client = login(bob)

    on_source = client.get(detail_url(source)).content.decode()
    on_target = client.get(detail_url(target)).content.decode()

    assert "This ticket was merged into" in on_source
    assert f'href="/tickets/{target.pk}/">#{target.pk} Printer on fire</a>' in on_source
    assert f"merged this ticket into #{target.pk}" in on_source
    assert f"#{source.pk} Printer on fire again</a> was merged into this ticket." in on_target
    assert "Unplug it, please." in on_target
    assert "Second report of #1." not in on_target  # the internal note stays internal
    assert "Reopen ticket" not in on_source


def test_another_organisation_gets_404_on_both_and_no_merge_page(
    login, source, target, agent, carol
):
    merged(source, target, agent)
    client = login(carol)

    assert client.get(detail_url(source)).status_code == 404
    assert client.get(detail_url(target)).status_code == 404
    assert client.get(merge_url(target)).status_code == 404


def test_customers_get_404_from_the_merge_page_and_nothing_changes(login, source, target, bob):
    client = login(bob)

    assert client.get(merge_url(source)).status_code == 404
    assert client.post(merge_url(source), {"into": target.pk}).status_code == 404
    assert fresh(source).merged_into_id is None


def test_the_merged_source_offers_no_actions_to_an_agent(login, source, target, agent):
    merged(source, target, agent)

    text = login(agent).get(detail_url(source)).content.decode()

    assert "Merge into…" not in text
    assert "Reopen ticket" not in text
    assert "This ticket was merged into" in text


def test_the_admin_shows_the_pointer(login, source, target, agent, support_admin):
    merged(source, target, agent)
    client = login(support_admin)

    page = client.get(reverse("admin:tickets_ticket_change", args=[source.pk]))

    assert page.status_code == 200
    assert f"#{target.pk} Printer on fire" in page.content.decode()
    assert client.get(reverse("admin:tickets_ticket_change", args=[target.pk])).status_code == 200
