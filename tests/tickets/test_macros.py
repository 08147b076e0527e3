"""Macros (issue 18): support's canned answers with actions. Placeholders are
filled in safely, applying one is a single act through the lifecycle, shared
ones are the support admins', personal ones their owner's alone, and
customers never see any of it."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.attachments.files import upload
from tests.concurrency import run_together
from tests.helpers import stored_objects
from tickets import services
from tickets.models import Macro, Message, Priority, Status, Ticket, TicketEvent
from tickets.templatetags.helpdesk import markdown
from tickets.workflow import TransitionError

pytestmark = pytest.mark.django_db

HOSTILE = "{% debug %}{{ settings.SECRET_KEY }}<script>alert(1)</script>"


@pytest.fixture
def ticket(alice, make_ticket):
    return make_ticket(alice, "Printer offline")


@pytest.fixture
def ask_for_logs(support_admin, billing):
    """A shared macro that waits on the customer, and changes everything else too."""
    return services.macro_create(
        actor=support_admin,
        shared=True,
        title="Ask for logs",
        body="Hello {{ requester.first_name }}, please send the logs for #{{ ticket.number }}.",
        status_action="wait",
        priority=Priority.URGENT,
        category=billing,
        tags="needs-logs, VIP",
        assign_to_me=True,
    )


@pytest.fixture
def solve(support_admin):
    return services.macro_create(
        actor=support_admin,
        shared=True,
        title="Solved: please confirm",
        body="We believe #{{ ticket.number }} is solved.",
        status_action="solve",
        tags="confirmed",
    )


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def tags_of(ticket) -> list[str]:
    return sorted(fresh(ticket).tags.values_list("name", flat=True))


# Placeholders


def test_every_placeholder_is_filled_in_for_the_ticket(ticket, agent, alice):
    alice.time_zone = "Europe/Paris"
    alice.save(update_fields=["time_zone"])
    Ticket.objects.filter(pk=ticket.pk).update(sla_due=datetime(2026, 12, 2, 13, 0, tzinfo=UTC))
    macro = services.macro_create(
        actor=agent,
        title="All of them",
        body=(
            "{{ requester.first_name }}|{{requester.name}}|{{ ticket.number }}|"
            "{{ ticket.subject }}|{{ organization.alias }}|{{ organization.name }}|"
            "{{ agent.name }}|{{ agent.first_name }}|{{ sla.due }}"
        ),
    )

    text = services.macro_render(macro, fresh(ticket), agent)

    assert text == (
        f"Alice|Alice Anders|{ticket.pk}|Printer offline|ACME|Acme|Sam Support|Sam|"
        "Dec. 2, 2026, 2 p.m. (Europe/Paris)"
    )


def test_the_due_time_is_empty_when_no_target_runs(ticket, agent):
    Ticket.objects.filter(pk=ticket.pk).update(sla_due=None)
    macro = services.macro_create(actor=agent, title="Due", body="Due: {{ sla.due }}.")

    assert services.macro_render(macro, fresh(ticket), agent) == "Due: ."


def test_hostile_values_stay_plain_text_and_are_sanitised_when_shown(
    ticket, agent, alice, login, client
):
    alice.full_name = HOSTILE
    alice.save(update_fields=["full_name"])
    Ticket.objects.filter(pk=ticket.pk).update(subject="{{ agent.name }} {% load x %}")
    macro = services.macro_create(
        actor=agent,
        title="Greeting",
        body="Hello {{ requester.name }} about {{ ticket.subject }}",
    )

    text = services.macro_render(macro, fresh(ticket), agent)
    # Put in as typed: not run as a template, and not filled in a second time
    # (only its "<" written so that Markdown shows it rather than reads it).
    escaped = HOSTILE.replace("<", "&lt;")
    assert text == f"Hello {escaped} about {{{{ agent.name }}}} {{% load x %}}"

    reply = services.macro_apply(macro=macro, ticket=ticket, agent=agent)
    assert reply.message.body == text
    shown = str(markdown(reply.message.body))
    assert "<script" not in shown
    assert "{{ settings.SECRET_KEY }}" in shown
    assert settings.SECRET_KEY not in shown
    client.force_login(alice)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert settings.SECRET_KEY not in page


def test_a_customers_markdown_in_a_value_never_becomes_a_link_in_supports_reply(ticket, agent):
    Ticket.objects.filter(pk=ticket.pk).update(
        subject="[Verify your account](https://evil.example) <https://evil.example/x> ![p](https://evil.example/p.png)"
    )
    macro = services.macro_create(actor=agent, title="About", body="About: {{ ticket.subject }}")

    reply = services.macro_apply(macro=macro, ticket=ticket, agent=agent)

    shown = str(markdown(reply.message.body))
    assert "<a " not in shown
    assert "<img" not in shown
    assert "[Verify your account](https://evil.example)" in shown  # shown as typed


def test_an_unknown_placeholder_is_refused_on_save_naming_it(agent):
    with pytest.raises(ValidationError) as refused:
        services.macro_create(
            actor=agent, title="Typo", body="Hi {{ requester.firstname }} {{ ticket.number }}"
        )
    assert refused.value.message_dict["body"] == [
        "Unknown placeholder: {{ requester.firstname }}. See the list of placeholders."
    ]
    assert not Macro.objects.exists()


def test_the_form_shows_the_unknown_placeholder_linked_to_the_field(agent, login):
    response = login(agent).post(
        reverse("agent:macro_create"), {"title": "Typo", "body": "Hi {{ user.password }}"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_body"' in page  # the error summary links to the field
    assert "Unknown placeholder: {{ user.password }}" in page
    assert not Macro.objects.exists()


# Applying a macro


def test_applying_posts_the_reply_and_every_action_in_one_act(ticket, agent, ask_for_logs, billing):
    before = set(TicketEvent.objects.filter(ticket=ticket).values_list("pk", flat=True))

    reply = services.macro_apply(macro=ask_for_logs, ticket=ticket, agent=agent)

    after = fresh(ticket)
    assert reply.message.body == f"Hello Alice, please send the logs for #{ticket.pk}."
    assert not reply.message.is_internal
    assert after.status == Status.WAITING
    assert after.priority == Priority.URGENT
    assert after.category == billing
    assert after.assignee == agent
    assert tags_of(ticket) == ["needs-logs", "vip"]
    events = TicketEvent.objects.filter(ticket=ticket).exclude(pk__in=before)
    assert {event.kind for event in events} >= {
        TicketEvent.Kind.REPLIED,
        TicketEvent.Kind.STATUS,
        TicketEvent.Kind.PRIORITY,
        TicketEvent.Kind.CATEGORY,
        TicketEvent.Kind.ASSIGNED,
        TicketEvent.Kind.TAGS,
    }
    assert len({event.act for event in events}) == 1
    assert Macro.objects.get(pk=ask_for_logs.pk).usage_count == 1


def test_the_agent_s_edited_text_is_what_is_posted(ticket, agent, ask_for_logs):
    reply = services.macro_apply(
        macro=ask_for_logs, ticket=ticket, agent=agent, body="My own words."
    )

    assert reply.message.body == "My own words."
    assert fresh(ticket).status == Status.WAITING


def test_as_an_internal_note_the_status_still_moves_through_the_lifecycle(
    ticket, agent, ask_for_logs
):
    reply = services.macro_apply(macro=ask_for_logs, ticket=ticket, agent=agent, internal=True)

    assert reply.message.is_internal
    assert fresh(ticket).status == Status.WAITING


def test_a_macro_that_solves_a_closed_ticket_is_refused_and_changes_nothing(
    ticket, agent, alice, solve
):
    services.ticket_close(ticket=ticket, actor=alice)
    events = TicketEvent.objects.filter(ticket=ticket).count()

    with pytest.raises(TransitionError) as refused:
        services.macro_apply(macro=solve, ticket=ticket, agent=agent)

    assert str(refused.value) == "You can't solve a ticket that is closed."
    assert fresh(ticket).status == Status.CLOSED
    assert TicketEvent.objects.filter(ticket=ticket).count() == events
    assert Message.objects.filter(ticket=ticket).count() == 0
    assert tags_of(ticket) == []
    assert Macro.objects.get(pk=solve.pk).usage_count == 0


def test_a_macro_of_actions_only_posts_no_message(ticket, agent, support_admin):
    macro = services.macro_create(
        actor=support_admin, shared=True, title="Just wait", status_action="wait"
    )

    reply = services.macro_apply(macro=macro, ticket=ticket, agent=agent)

    assert reply.message is None
    assert fresh(ticket).status == Status.WAITING
    assert not Message.objects.filter(ticket=ticket).exists()


# Who sees and manages what


def test_personal_macros_are_invisible_to_other_agents(ticket, agent, agent2, login, api):
    mine = services.macro_create(actor=agent2, title="Robin's secret", body="Hi")

    assert list(Macro.objects.visible_to(agent)) == []
    with pytest.raises(Macro.DoesNotExist):
        services.macro_apply(macro=mine, ticket=ticket, agent=agent)
    client = login(agent)
    for url in (
        reverse("agent:macro_edit", args=[mine.pk]),
        reverse("agent:macro_preview", args=[mine.pk]) + f"?ticket={ticket.pk}",
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("agent:macro_delete", args=[mine.pk])).status_code == 404
    posted = client.post(
        reverse("tickets:respond", args=[ticket.pk]), {"body": "Hi", "macro": mine.pk}
    )
    assert posted.status_code == 404
    assert "Robin's secret" not in client.get(reverse("agent:macros")).content.decode()
    assert "Robin's secret" not in client.get(ticket.get_absolute_url()).content.decode()
    assert api(agent).get(f"/api/v1/macros/{mine.pk}/").status_code == 404
    assert not Message.objects.filter(ticket=ticket).exists()
    assert Macro.objects.filter(pk=mine.pk).exists()


def test_shared_macros_are_changed_by_support_admins_only(agent, support_admin, login):
    shared = services.macro_create(actor=support_admin, shared=True, title="Shared", body="Hi")

    with pytest.raises(ValidationError) as refused:
        services.macro_create(actor=agent, shared=True, title="Mine to share")
    assert "shared" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.macro_update(macro=shared, actor=agent, title="Hijacked")
    with pytest.raises(PermissionDenied):
        services.macro_delete(macro=shared, actor=agent)
    client = login(agent)
    assert client.get(reverse("agent:macro_edit", args=[shared.pk])).status_code == 403
    assert client.post(reverse("agent:macro_delete", args=[shared.pk])).status_code == 403
    listing = client.get(reverse("agent:macros")).content.decode()
    assert "Shared" in listing
    assert reverse("agent:macro_edit", args=[shared.pk]) not in listing
    assert Macro.objects.get(pk=shared.pk).title == "Shared"

    services.macro_update(macro=shared, actor=support_admin, title="Renamed")
    assert Macro.objects.get(pk=shared.pk).title == "Renamed"


def test_an_agent_manages_personal_macros_through_the_pages(agent, login, billing):
    client = login(agent)
    response = client.post(
        reverse("agent:macro_create"),
        {
            "title": "Refund",
            "body": "Hi {{ requester.first_name }}",
            "status_action": "solve",
            "priority": "3",
            "category": billing.pk,
            "tags": "refund",
            "assignee": "me",
            "shared": "on",  # not offered to an agent: ignored
        },
    )
    assert response.status_code == 302
    macro = Macro.objects.get()
    assert (macro.owner, macro.status_action, macro.priority, macro.category, macro.tags) == (
        agent,
        "solve",
        3,
        billing,
        "refund",
    )
    assert macro.assign_to_me

    edit = reverse("agent:macro_edit", args=[macro.pk])
    assert 'value="Refund"' in client.get(edit).content.decode()
    client.post(edit, {"title": "Refunds", "body": "", "assignee": ""})
    macro.refresh_from_db()
    assert (macro.title, macro.status_action, macro.assign_to_me) == ("Refunds", "", False)

    client.post(reverse("agent:macro_delete", args=[macro.pk]))
    assert not Macro.objects.exists()


def test_customers_get_404_on_every_macro_page_and_never_see_macros(
    ticket, alice, carol, agent, ask_for_logs, login, client, api
):
    services.macro_apply(macro=ask_for_logs, ticket=ticket, agent=agent)
    pages = [
        ("get", reverse("agent:macros")),
        ("get", reverse("agent:macro_create")),
        ("post", reverse("agent:macro_create")),
        ("get", reverse("agent:macro_edit", args=[ask_for_logs.pk])),
        ("post", reverse("agent:macro_delete", args=[ask_for_logs.pk])),
        ("get", reverse("agent:macro_preview", args=[ask_for_logs.pk]) + f"?ticket={ticket.pk}"),
    ]
    for customer in (alice, carol):
        client.force_login(customer)
        for method, url in pages:
            assert getattr(client, method)(url, {"title": "x"}).status_code == 404, url
        # A customer's reply naming a macro applies nothing of it.
        client.post(reverse("tickets:reply", args=[ticket.pk]), {"body": "Hi", "macro": 1})
    assert Macro.objects.count() == 1

    for url in (ticket.get_absolute_url(), reverse("tickets:list")):
        page = login(alice).get(url).content.decode()
        assert "Ask for logs" not in page
        assert "macro" not in page.lower()
    for url in (f"/api/v1/tickets/{ticket.pk}/", f"/api/v1/tickets/{ticket.pk}/messages/"):
        assert "macro" not in api(alice).get(url).content.decode().lower()


# In the reply box


def test_the_reply_box_lists_macros_and_the_preview_fills_the_reply(
    ticket, agent, ask_for_logs, login
):
    client = login(agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert f'<option value="{ask_for_logs.pk}">Ask for logs</option>' in page

    preview = client.get(
        reverse("agent:macro_preview", args=[ask_for_logs.pk]), {"ticket": ticket.pk}
    )
    assert preview.json() == {
        "id": ask_for_logs.pk,
        "title": "Ask for logs",
        "body": f"Hello Alice, please send the logs for #{ticket.pk}.",
        "submit_as": "waiting_for_customer",
        "actions": [
            {"label": "Status", "value": "Waiting for customer"},
            {"label": "Priority", "value": "Urgent"},
            {"label": "Ticket type", "value": "Billing"},
            {"label": "Assignee", "value": "the agent applying it"},
            {"label": "Add tags", "value": "needs-logs, vip"},
        ],
    }


def test_without_javascript_the_picker_fills_the_reply_box(ticket, agent, ask_for_logs, login):
    page = login(agent).get(ticket.get_absolute_url(), {"macro": ask_for_logs.pk}).content.decode()

    assert f"please send the logs for #{ticket.pk}.</textarea>" in page
    assert f'name="macro" id="id_macro" value="{ask_for_logs.pk}"' in page
    assert '<option value="waiting_for_customer" selected>' in page
    assert "<li>Add tags: needs-logs, vip</li>" in page


def test_sending_the_reply_with_a_macro_applies_its_actions(ticket, agent, ask_for_logs, login):
    response = login(agent).post(
        reverse("tickets:respond", args=[ticket.pk]),
        {"body": "Edited text", "submit_as": "waiting_for_customer", "macro": ask_for_logs.pk},
        follow=True,
    )

    assert "Macro applied: Ask for logs." in response.content.decode()
    after = fresh(ticket)
    assert (after.status, after.priority, after.assignee) == (
        Status.WAITING,
        Priority.URGENT,
        agent,
    )
    assert Message.objects.get(ticket=ticket).body == "Edited text"
    assert tags_of(ticket) == ["needs-logs", "vip"]


# Bulk


def test_a_bulk_action_applies_a_macro_to_each_ticket_and_reports_the_skipped(
    alice, agent, make_ticket, solve, login
):
    first, closed = make_ticket(alice, "A"), make_ticket(alice, "B")
    services.ticket_close(ticket=closed, actor=alice)

    response = login(agent).post(
        reverse("agent:bulk"),
        {"ticket": [first.pk, closed.pk], "action": "macro", "macro": solve.pk},
        follow=True,
    )

    page = response.content.decode()
    assert fresh(first).status == Status.SOLVED
    assert Message.objects.get(ticket=first).body == f"We believe #{first.pk} is solved."
    assert tags_of(first) == ["confirmed"]
    assert fresh(closed).status == Status.CLOSED
    assert f"#{closed.pk} was skipped: You can&#x27;t solve a ticket that is closed." in page
    assert not Message.objects.filter(ticket=closed).exists()


def test_the_bulk_macro_is_chosen_on_a_page_of_its_own(alice, agent, make_ticket, solve, login):
    ticket = make_ticket(alice, "A")

    response = login(agent).post(reverse("agent:bulk"), {"ticket": [ticket.pk], "action": "macro"})

    page = response.content.decode()
    assert "Apply a macro to 1 ticket" in page
    assert f'<option value="{solve.pk}">Solved: please confirm</option>' in page
    assert f'<input type="hidden" name="ticket" value="{ticket.pk}">' in page
    assert fresh(ticket).status == Status.OPEN


def test_a_bulk_macro_must_be_one_the_agent_can_see(alice, agent, agent2, make_ticket, login):
    ticket = make_ticket(alice, "A")
    theirs = services.macro_create(actor=agent2, title="Theirs", status_action="solve")

    response = login(agent).post(
        reverse("agent:bulk"),
        {"ticket": [ticket.pk], "action": "macro", "macro": theirs.pk},
        follow=True,
    )

    assert "Choose the macro to apply." in response.content.decode()
    assert fresh(ticket).status == Status.OPEN


# At once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_agents_applying_a_macro_at_once_all_succeed(alice, agent, make_ticket, billing):
    macro = services.macro_create(
        actor=agent,
        title="Handover",
        body="Over to billing, #{{ ticket.number }}.",
        status_action="wait",
        category=billing,
        tags="billing handover",
        priority=Priority.HIGH,
        assign_to_me=True,
    )
    tickets = [make_ticket(alice, f"T{i}") for i in range(20)]

    results = run_together(
        *[
            (lambda item=item: services.macro_apply(macro=macro, ticket=item, agent=agent))
            for item in tickets
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert Ticket.objects.filter(status=Status.WAITING, category=billing).count() == 20
    assert Message.objects.filter(ticket__in=tickets).count() == 20
    assert Macro.objects.get(pk=macro.pk).usage_count == 20


def test_a_macro_refused_after_its_reply_keeps_none_of_the_replys_files(
    ticket, agent, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    services.ticket_tag(ticket=ticket, actor=agent, add=[f"t{i}" for i in range(20)])
    macro = services.macro_create(actor=agent, title="Tag", body="See the log.", tags="one-more")
    before = stored_objects()

    with pytest.raises(ValidationError) as refused:
        services.macro_apply(macro=macro, ticket=ticket, agent=agent, files=[upload("notes.txt")])

    assert "at most 20 tags" in refused.value.messages[0]
    assert stored_objects() == before
    assert not Message.objects.filter(ticket=ticket, body="See the log.").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_edits_at_once_cannot_give_a_macro_an_assignee_and_assign_to_me(agent, agent2):
    macro = services.macro_create(actor=agent, title="Mine", body="Hi")

    def edit(**change):
        # Each editor has the copy their page loaded.
        return services.macro_update(macro=Macro.objects.get(pk=macro.pk), actor=agent, **change)

    results = run_together(lambda: edit(assignee=agent2), lambda: edit(assign_to_me=True))

    assert sorted(type(r).__name__ for r in results) == ["Macro", "ValidationError"]
    macro.refresh_from_db()
    assert not (macro.assignee_id and macro.assign_to_me)
