"""Followers (issue 18): customers add colleagues of their own organisation,
agents follow tickets; on the ticket page and through the API, recorded in
the history, carried by a merge; never across organisations."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.integrations import integration_user_for
from accounts.models import User
from tests.helpers import PASSWORD
from tickets import services
from tickets.models import FOLLOWERS_PER_TICKET, TicketEvent, TicketFollower

pytestmark = pytest.mark.django_db


def member(organization, name: str) -> User:
    email = f"{name.split()[0].lower()}@{organization.alias.lower()}.example"
    return User.objects.create_user(
        email, PASSWORD, full_name=name, role=User.Role.MEMBER, organization=organization
    )


@pytest.fixture
def dave(acme):
    return member(acme, "Dave Doe")


@pytest.fixture
def ticket(bob, make_ticket):
    """Bob's ticket: Bob is its requester, Alice Acme's admin."""
    return make_ticket(bob, "Printer on fire")


def followers_of(ticket) -> list[str]:
    return sorted(
        TicketFollower.objects.filter(ticket=ticket).values_list("user__email", flat=True)
    )


def follower_events(ticket) -> list[tuple[str, str, str, bool]]:
    return [
        (event.actor.email, event.from_value, event.to_value, event.is_internal)
        for event in TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.FOLLOWERS)
    ]


# The rules


def test_a_member_adds_a_colleague_and_the_history_says_so(ticket, bob, dave):
    services.ticket_follow(actor=bob, ticket=ticket, user=dave)

    assert followers_of(ticket) == ["dave@acme.example"]
    row = TicketFollower.objects.get()
    assert (row.organization_id, row.added_by) == (ticket.organization_id, bob)
    assert follower_events(ticket) == [("bob@acme.example", "", "Dave Doe", False)]


def test_adding_someone_twice_changes_nothing_and_records_nothing(ticket, bob, dave):
    services.ticket_follow(actor=bob, ticket=ticket, user=dave)

    assert services.ticket_follow(actor=bob, ticket=ticket, user=dave) is None

    assert followers_of(ticket) == ["dave@acme.example"]
    assert len(follower_events(ticket)) == 1


def test_a_customer_cannot_add_another_organisations_user(ticket, bob, carol):
    with pytest.raises(ValidationError) as refused:
        services.ticket_follow(actor=bob, ticket=ticket, user=carol)

    assert refused.value.message_dict == {
        "user": ["Choose an active user of this ticket's organisation."]
    }
    assert followers_of(ticket) == []
    assert follower_events(ticket) == []


def test_a_customer_cannot_add_support_staff(ticket, bob, agent):
    with pytest.raises(ValidationError) as refused:
        services.ticket_follow(actor=bob, ticket=ticket, user=agent)

    assert refused.value.message_dict == {
        "user": ["Customers can add only colleagues of their own organisation."]
    }
    assert followers_of(ticket) == []


def test_inactive_and_integration_users_cannot_follow(ticket, bob, dave, acme):
    robot = integration_user_for(acme)
    dave.is_active = False
    dave.save()

    for person in (dave, robot):
        with pytest.raises(ValidationError) as refused:
            services.ticket_follow(actor=bob, ticket=ticket, user=person)
        assert "user" in refused.value.message_dict
    assert followers_of(ticket) == []


def test_the_requester_is_not_a_follower(ticket, alice, bob):
    with pytest.raises(ValidationError) as refused:
        services.ticket_follow(actor=alice, ticket=ticket, user=bob)

    assert refused.value.message_dict == {
        "user": ["Bob Brandt is the requester and already hears of every change."]
    }


def test_another_organisations_customer_changes_nothing(ticket, carol, dave):
    with pytest.raises(PermissionDenied):
        services.ticket_follow(actor=carol, ticket=ticket, user=dave)
    with pytest.raises(PermissionDenied):
        services.ticket_follow(actor=carol, ticket=ticket, user=carol)
    assert followers_of(ticket) == []


def test_agents_follow_themselves_and_add_agents_as_internal_history(ticket, agent, agent2):
    services.ticket_follow(actor=agent, ticket=ticket, user=agent)
    services.ticket_follow(actor=agent, ticket=ticket, user=agent2)

    assert followers_of(ticket) == ["agent2@support.example", "agent@support.example"]
    assert [internal for *_, internal in follower_events(ticket)] == [True, True]


def test_a_ticket_has_at_most_twenty_followers(ticket, agent, acme):
    people = [member(acme, f"Person{n} Example") for n in range(FOLLOWERS_PER_TICKET + 1)]
    for person in people[:FOLLOWERS_PER_TICKET]:
        services.ticket_follow(actor=agent, ticket=ticket, user=person)

    with pytest.raises(ValidationError) as refused:
        services.ticket_follow(actor=agent, ticket=ticket, user=people[-1])

    assert refused.value.message_dict == {
        "user": ["A ticket can have at most 20 followers; remove one first."]
    }
    assert TicketFollower.objects.filter(ticket=ticket).count() == FOLLOWERS_PER_TICKET


def test_followers_who_left_keep_no_place_under_the_cap(ticket, agent, acme, globex):
    # Given twenty followers, of whom one was deactivated and one moved to
    # Globex since (their rows are still there: the moment in between)
    people = [member(acme, f"Person{n} Example") for n in range(FOLLOWERS_PER_TICKET + 1)]
    for person in people[:FOLLOWERS_PER_TICKET]:
        services.ticket_follow(actor=agent, ticket=ticket, user=person)
    User.objects.filter(pk=people[0].pk).update(is_active=False)
    User.objects.filter(pk=people[1].pk).update(organization=globex)

    # When another colleague is added
    services.ticket_follow(actor=agent, ticket=ticket, user=people[-1])

    # Then they are: the page shows (and the cap counts) the eighteen who
    # still hear of the ticket, and the new one
    shown, _candidates = services.followers_panel(agent, ticket)
    assert len(shown) == FOLLOWERS_PER_TICKET - 1
    assert {people[0], people[1]} & set(shown) == set()
    assert people[-1] in shown
    assert TicketFollower.objects.filter(ticket=ticket).eligible().count() == 19


def test_who_may_remove_a_follower(ticket, alice, bob, dave, acme, agent):
    erin = member(acme, "Erin Example")
    services.ticket_follow(actor=dave, ticket=ticket, user=dave)
    services.ticket_follow(actor=dave, ticket=ticket, user=erin)

    # Another member may add but not remove: the requester decides who hears.
    with pytest.raises(PermissionDenied):
        services.ticket_unfollow(actor=dave, ticket=ticket, user=erin)
    assert services.ticket_unfollow(actor=erin, ticket=ticket, user=erin) is True  # themself
    services.ticket_follow(actor=dave, ticket=ticket, user=erin)
    assert services.ticket_unfollow(actor=bob, ticket=ticket, user=erin) is True  # the requester
    assert services.ticket_unfollow(actor=alice, ticket=ticket, user=dave) is True  # an admin
    services.ticket_follow(actor=bob, ticket=ticket, user=dave)
    assert services.ticket_unfollow(actor=agent, ticket=ticket, user=dave) is True  # support

    assert followers_of(ticket) == []
    assert services.ticket_unfollow(actor=agent, ticket=ticket, user=dave) is False


def test_a_customer_cannot_remove_an_agent_follower(ticket, alice, agent):
    services.ticket_follow(actor=agent, ticket=ticket, user=agent)

    with pytest.raises(PermissionDenied):
        services.ticket_unfollow(actor=alice, ticket=ticket, user=agent)

    assert followers_of(ticket) == ["agent@support.example"]


# The door


def test_customers_see_their_organisations_followers_only(ticket, bob, dave, agent, carol):
    services.ticket_follow(actor=bob, ticket=ticket, user=dave)
    services.ticket_follow(actor=agent, ticket=ticket, user=agent)

    assert [f.user for f in TicketFollower.objects.visible_to(bob)] == [dave]
    assert TicketFollower.objects.visible_to(agent).count() == 2
    assert TicketFollower.objects.visible_to(carol).count() == 0


def test_a_follower_who_moved_organisation_is_hidden_from_customers(ticket, bob, dave, globex):
    services.ticket_follow(actor=bob, ticket=ticket, user=dave)
    dave.organization = globex
    dave.save()

    assert TicketFollower.objects.visible_to(bob).count() == 0


# Leaving: deactivated or moved, a person's follows end (issue 18, after the review)


def test_a_deactivated_colleague_no_longer_follows_and_frees_their_place(
    ticket, alice, bob, dave, agent, login
):
    # Given Dave and an agent follow Bob's ticket
    services.ticket_follow(actor=bob, ticket=ticket, user=dave)
    services.ticket_follow(actor=agent, ticket=ticket, user=agent)

    # When Acme's admin deactivates Dave on the organisation page
    login(alice).post(reverse("organization_member", args=[dave.pk]), {"action": "deactivate"})

    # Then he follows nothing, the agent still follows, and the history adds no line
    assert followers_of(ticket) == ["agent@support.example"]
    assert [added for _actor, _was, added, _internal in follower_events(ticket)] == [
        "Dave Doe",
        "Sam Support",
    ]

    # Reactivated, he starts afresh: a colleague adds him again if he wants
    login(alice).post(reverse("organization_member", args=[dave.pk]), {"action": "reactivate"})
    assert followers_of(ticket) == ["agent@support.example"]


def test_moving_a_customer_in_the_admin_ends_their_follows_of_the_old_organisation(
    ticket, bob, dave, globex, carol, support_admin, agent, agent2, make_ticket, login
):
    # Given Dave follows Bob's ticket at Acme, and Robin (agent2) follows it too
    services.ticket_follow(actor=bob, ticket=ticket, user=dave)
    services.ticket_follow(actor=agent2, ticket=ticket, user=agent2)
    client = login(support_admin)

    # When a support admin moves Dave to Globex in the admin
    answer = client.post(
        reverse("admin:accounts_user_change", args=[dave.pk]),
        admin_form(dave, organization=globex.pk),
    )

    # Then Dave is Globex's and follows none of Acme's tickets; Robin still does
    assert answer.status_code == 302
    dave.refresh_from_db()
    assert dave.organization_id == globex.pk
    assert followers_of(ticket) == ["agent2@support.example"]

    # And an agent deactivated in the admin follows nothing any more
    client.post(
        reverse("admin:accounts_user_change", args=[agent2.pk]),
        admin_form(agent2, is_active=False),
    )
    assert followers_of(ticket) == []


def admin_form(user, **changes) -> dict:
    """The admin's user form as it would be posted, with ``changes``."""
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "organization": user.organization_id or "",
        "role": user.role,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    for name, value in changes.items():
        if value is False:
            data.pop(name)
        else:
            data[name] = value
    return data


def test_the_migration_ends_follows_left_by_people_who_left_before(
    ticket, bob, dave, acme, globex, agent, agent2
):
    # Given follows left behind before leaving ended them: Dave moved to Globex,
    # Erin deactivated, both without the door; an agent and Fay still follow
    erin, fay = member(acme, "Erin Example"), member(acme, "Fay Example")
    for person in (dave, erin, fay):
        services.ticket_follow(actor=bob, ticket=ticket, user=person)
    for person in (agent, agent2):
        services.ticket_follow(actor=person, ticket=ticket, user=person)
    User.objects.filter(pk=dave.pk).update(organization=globex)
    User.objects.filter(pk=erin.pk).update(is_active=False)
    User.objects.filter(pk=agent2.pk).update(is_active=False)

    # When the migration runs
    migration = importlib.import_module("tickets.migrations.0030_end_stale_follows")
    migration.end_stale_follows(django_apps, None)

    # Then only those who still hear of the ticket follow it
    assert followers_of(ticket) == ["agent@support.example", "fay@acme.example"]


# Merge


def test_merging_moves_followers_to_the_target_once(alice, bob, dave, agent, acme, make_ticket):
    erin = member(acme, "Erin Example")
    source = make_ticket(bob, "Printer on fire")
    target = make_ticket(alice, "Printer smoking")
    services.ticket_follow(actor=bob, ticket=source, user=dave)
    services.ticket_follow(actor=bob, ticket=source, user=erin)
    services.ticket_follow(actor=agent, ticket=source, user=agent)
    services.ticket_follow(actor=alice, ticket=target, user=dave)

    services.ticket_merge(ticket=source, into=target.pk, actor=agent)

    assert followers_of(source) == []
    # Dave once; the source's requester hears of the merged conversation too.
    assert followers_of(target) == [
        "agent@support.example",
        "bob@acme.example",
        "dave@acme.example",
        "erin@acme.example",
    ]


def test_a_merged_ticket_takes_no_followers(alice, bob, dave, agent, make_ticket):
    source = make_ticket(bob, "Printer on fire")
    target = make_ticket(alice, "Printer smoking")
    services.ticket_merge(ticket=source, into=target.pk, actor=agent)

    with pytest.raises(ValidationError) as refused:
        services.ticket_follow(actor=bob, ticket=source, user=dave)

    assert refused.value.message_dict == {
        "user": [f"This ticket was merged into #{target.pk}; follow that one instead."]
    }


# The ticket page


def test_a_customer_adds_a_colleague_on_the_page(ticket, bob, dave, carol, login):
    client = login(bob)
    page = client.get(ticket.get_absolute_url())
    assert 'id="followers"' in page.content.decode()
    assert f'<option value="{dave.pk}">Dave Doe</option>' in page.content.decode()
    assert "carol@globex.example" not in page.content.decode()

    answer = client.post(reverse("tickets:followers", args=[ticket.pk]), {"user": dave.pk})

    assert answer.status_code == 302
    assert answer["Location"].endswith("#followers")
    assert followers_of(ticket) == ["dave@acme.example"]
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Dave Doe follows this ticket now." in page
    assert f'name="remove" value="{dave.pk}"' in page
    assert "added Dave Doe as a follower" in page


def test_a_member_reads_colleagues_names_not_their_addresses_in_the_menu(
    ticket, alice, bob, dave, acme, login
):
    # Given two colleagues both called Dave Doe
    namesake = User.objects.create_user(
        "d.doe@acme.example", PASSWORD, full_name="Dave Doe", role="member", organization=acme
    )

    # When Bob, a member, opens the ticket's page
    page = login(bob).get(ticket.get_absolute_url()).content.decode()

    # Then the menu names them apart, in the order they joined, with no address
    assert f'<option value="{dave.pk}">Dave Doe (1)</option>' in page
    assert f'<option value="{namesake.pk}">Dave Doe (2)</option>' in page
    assert f'<option value="{alice.pk}">Alice Anders</option>' in page
    assert "@acme.example" not in page.split('id="followers"')[1].split("</section>")[0]

    # And Acme's admin, who manages its people, reads their addresses too
    page = login(alice).get(ticket.get_absolute_url()).content.decode()
    assert f'<option value="{namesake.pk}">Dave Doe (d.doe@acme.example)</option>' in page


def error_of(page: str, control: str) -> str:
    """The error shown under ``control`` (its id), or "" if none."""
    found = re.search(
        rf'<div class="error" id="{control}_error" role="alert"><div>(.*?)</div>', page
    )
    return found.group(1) if found else ""


def test_posting_another_organisations_user_on_the_page_stores_nothing(
    ticket, alice, bob, carol, login
):
    client = login(bob)

    answer = client.post(reverse("tickets:followers", args=[ticket.pk]), {"user": carol.pk})

    # The page comes back refusing, the sentence under the menu that chose
    assert answer.status_code == 400
    page = answer.content.decode()
    assert error_of(page, "id_follower_user") == (
        "Choose an active user of this ticket&#x27;s organisation."
    )
    assert 'aria-describedby="id_follower_user_error"' in page
    assert followers_of(ticket) == []


def test_the_cap_on_the_page_is_said_under_the_control_that_asked(ticket, agent, acme, login):
    # Given a ticket with twenty followers, and one more colleague
    people = [member(acme, f"Person{n} Example") for n in range(FOLLOWERS_PER_TICKET + 1)]
    for person in people[:FOLLOWERS_PER_TICKET]:
        services.ticket_follow(actor=agent, ticket=ticket, user=person)
    client = login(agent)
    url = reverse("tickets:followers", args=[ticket.pk])

    # When the agent adds the colleague from the menu, then follows themself
    by_menu = client.post(url, {"user": people[-1].pk})
    by_button = client.post(url, {"me": "follow"})

    # Then each answer is the page again, the rule beside the control used,
    # the menu keeping the choice
    cap = "A ticket can have at most 20 followers; remove one first."
    assert (by_menu.status_code, by_button.status_code) == (400, 400)
    menu_page, button_page = by_menu.content.decode(), by_button.content.decode()
    assert error_of(menu_page, "id_follower_user") == cap
    assert error_of(menu_page, "id_follow_me") == ""
    assert f'<option value="{people[-1].pk}" selected>' in menu_page
    assert error_of(button_page, "id_follow_me") == cap
    assert error_of(button_page, "id_follower_user") == ""
    assert TicketFollower.objects.filter(ticket=ticket).count() == FOLLOWERS_PER_TICKET


def test_an_outsider_gets_404_on_the_page_and_changes_nothing(ticket, carol, dave, login):
    client = login(carol)

    for data in ({"user": dave.pk}, {"me": "follow"}, {"remove": dave.pk}):
        answer = client.post(reverse("tickets:followers", args=[ticket.pk]), data)
        assert answer.status_code == 404
    assert followers_of(ticket) == []
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.FOLLOWERS).count() == 0


def test_an_agent_follows_and_unfollows_with_one_button(ticket, agent, login):
    client = login(agent)
    assert 'name="me" value="follow"' in client.get(ticket.get_absolute_url()).content.decode()

    client.post(reverse("tickets:followers", args=[ticket.pk]), {"me": "follow"})

    assert followers_of(ticket) == ["agent@support.example"]
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'name="me" value="unfollow" aria-pressed="true"' in page
    client.post(reverse("tickets:followers", args=[ticket.pk]), {"me": "unfollow"})
    assert followers_of(ticket) == []


def test_customers_never_see_agent_followers_on_the_page(ticket, bob, agent, login):
    services.ticket_follow(actor=agent, ticket=ticket, user=agent)

    page = login(bob).get(ticket.get_absolute_url()).content.decode()

    assert "Sam Support" not in page
    assert "Nobody follows this ticket yet." in page


def test_the_page_costs_the_same_queries_with_many_followers(
    ticket, agent, acme, login, django_assert_num_queries
):
    client = login(agent)
    client.get(ticket.get_absolute_url())  # warm caches (sessions, site settings)
    with CaptureQueriesContext(connection) as none:
        assert client.get(ticket.get_absolute_url()).status_code == 200
    for n in range(FOLLOWERS_PER_TICKET - 1):
        services.ticket_follow(actor=agent, ticket=ticket, user=member(acme, f"Person{n} Ex"))
    services.ticket_follow(actor=agent, ticket=ticket, user=agent)

    with django_assert_num_queries(len(none.captured_queries)):
        page = client.get(ticket.get_absolute_url())
    assert page.content.decode().count('name="remove"') == FOLLOWERS_PER_TICKET


def test_the_customer_page_costs_the_same_queries_with_many_followers(
    ticket, bob, acme, login, django_assert_num_queries
):
    client = login(bob)
    client.get(ticket.get_absolute_url())
    with CaptureQueriesContext(connection) as none:
        client.get(ticket.get_absolute_url())
    for n in range(FOLLOWERS_PER_TICKET):
        services.ticket_follow(actor=bob, ticket=ticket, user=member(acme, f"Person{n} Ex"))

    with django_assert_num_queries(len(none.captured_queries)):
        page = client.get(ticket.get_absolute_url())
    assert page.content.decode().count('name="remove"') == FOLLOWERS_PER_TICKET


# The API


def test_the_api_lists_adds_and_removes_followers(ticket, alice, bob, dave, api):
    client = api(bob)
    url = f"/api/v1/tickets/{ticket.pk}/followers/"

    added = client.post(url, {"email": "DAVE@acme.example"}, format="json")
    again = client.post(url, {"user": dave.pk}, format="json")

    assert added.status_code == 201
    assert again.status_code == 200
    assert [(row["id"], row["name"], row["email"], row["support"]) for row in added.json()] == [
        (dave.pk, "Dave Doe", None, False)  # a member reads a colleague's name, no address
    ]
    assert client.get(url).json() == added.json()
    assert [row["email"] for row in api(alice).get(url).json()] == ["dave@acme.example"]
    dave_reads = api(dave).get(url).json()
    assert [row["email"] for row in dave_reads] == ["dave@acme.example"]  # their own
    assert client.delete(f"{url}{dave.pk}/").status_code == 204
    assert client.get(url).json() == []
    assert client.delete(f"{url}{dave.pk}/").status_code == 404
    assert client.delete(f"{url}{2**64}/").status_code == 404  # past any id


def test_the_api_refuses_another_organisations_user_naming_the_field(ticket, bob, carol, api):
    client = api(bob)
    url = f"/api/v1/tickets/{ticket.pk}/followers/"

    by_id = client.post(url, {"user": carol.pk}, format="json")
    by_email = client.post(url, {"email": carol.email}, format="json")
    unknown = client.post(url, {"email": "nobody@acme.example"}, format="json")
    empty = client.post(url, {}, format="json")

    assert (by_id.status_code, by_id.json()) == (
        400,
        {"user": ["Choose an active user of this ticket's organisation."]},
    )
    # The same sentence for a stranger and a real user of another organisation.
    assert (
        by_email.json()
        == unknown.json()
        == {"email": ["Choose an active user of this ticket's organisation."]}
    )
    assert empty.status_code == 400
    assert "user" in empty.json()
    assert followers_of(ticket) == []


def test_the_api_names_the_email_field_when_the_requester_is_named_by_email(ticket, alice, api):
    answer = api(alice).post(
        f"/api/v1/tickets/{ticket.pk}/followers/", {"email": "bob@acme.example"}, format="json"
    )

    assert answer.json() == {
        "email": ["Bob Brandt is the requester and already hears of every change."]
    }


def test_the_api_answers_404_to_another_organisation_and_changes_nothing(
    ticket, bob, dave, carol, api
):
    services.ticket_follow(actor=bob, ticket=ticket, user=dave)
    client = api(carol)
    url = f"/api/v1/tickets/{ticket.pk}/followers/"

    assert client.get(url).status_code == 404
    assert client.post(url, {"user": carol.pk}, format="json").status_code == 404
    assert client.delete(f"{url}{dave.pk}/").status_code == 404
    assert followers_of(ticket) == ["dave@acme.example"]


def test_a_member_removing_someone_else_gets_403(ticket, bob, dave, acme, api):
    erin = member(acme, "Erin Example")
    services.ticket_follow(actor=bob, ticket=ticket, user=erin)

    answer = api(dave).delete(f"/api/v1/tickets/{ticket.pk}/followers/{erin.pk}/")

    assert answer.status_code == 403
    assert followers_of(ticket) == ["erin@acme.example"]


def test_customers_get_support_followers_hidden_in_the_api(ticket, bob, agent, api):
    services.ticket_follow(actor=agent, ticket=ticket, user=agent)

    assert api(bob).get(f"/api/v1/tickets/{ticket.pk}/followers/").json() == []
    assert api(bob).delete(f"/api/v1/tickets/{ticket.pk}/followers/{agent.pk}/").status_code == 404
    rows = api(agent).get(f"/api/v1/tickets/{ticket.pk}/followers/").json()
    assert [(row["email"], row["support"]) for row in rows] == [("agent@support.example", True)]


def test_the_schema_documents_the_followers_endpoints(api, agent):
    schema = api(agent).get("/api/schema/?format=json")
    paths = schema.json()["paths"]
    followers = paths["/api/v1/tickets/{number}/followers/"]
    assert followers["get"]["operationId"] == "followers_list"
    assert followers["post"]["operationId"] == "followers_add"
    assert "examples" in str(followers["post"])
    assert "delete" in paths["/api/v1/tickets/{number}/followers/{user_id}/"]


def test_a_large_organisation_is_asked_for_an_email_instead_of_a_long_menu(
    ticket, bob, acme, login
):
    User.objects.bulk_create(
        [
            User(
                email=f"p{n}@acme.example",
                full_name=f"Person {n}",
                role=User.Role.MEMBER,
                organization=acme,
            )
            for n in range(services.followers.CANDIDATES_LISTED + 1)
        ]
    )
    client = login(bob)

    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'name="email" id="id_follower_email"' in page
    assert 'id="id_follower_user"' not in page
    refused = client.post(
        reverse("tickets:followers", args=[ticket.pk]), {"email": "carol@globex.example"}
    )
    client.post(reverse("tickets:followers", args=[ticket.pk]), {"email": "p7@acme.example"})

    assert refused.status_code == 400
    page = refused.content.decode()
    assert error_of(page, "id_follower_email") == (
        "Choose an active user of this ticket&#x27;s organisation."
    )
    assert 'value="carol@globex.example" aria-invalid="true"' in page
    assert followers_of(ticket) == ["p7@acme.example"]


def test_a_colleague_follows_a_ticket_themself_but_the_requester_has_no_button(
    ticket, bob, dave, login, client
):
    assert 'name="me"' not in login(bob).get(ticket.get_absolute_url()).content.decode()

    client.force_login(dave)
    client.post(reverse("tickets:followers", args=[ticket.pk]), {"me": "follow"})

    assert followers_of(ticket) == ["dave@acme.example"]
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "You follow this ticket now." in page
    assert f'name="remove" value="{dave.pk}"' in page  # themself
