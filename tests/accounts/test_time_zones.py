"""Per-user time zones (issue 20): chosen on the profile, used for every time shown or emailed."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.pins import pin_set
from outbox.models import OutboundEmail
from tests.notifications.helpers import deliver, start_clean
from tickets import services
from tickets.models import Status, Ticket

MOMENT = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)


def _ticket_at(make_ticket, actor, moment=MOMENT) -> Ticket:
    ticket = make_ticket(actor, subject="Clock check")
    Ticket.objects.filter(pk=ticket.pk).update(created_at=moment, updated_at=moment)
    ticket.refresh_from_db()
    return ticket


def test_a_user_chooses_a_time_zone_on_the_profile(login, bob):
    response = login(bob).post(
        reverse("profile_preferences"), {"language": "", "time_zone": "Asia/Tokyo"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    bob.refresh_from_db()
    assert bob.time_zone == "Asia/Tokyo"


def test_the_profile_offers_iana_zones_with_the_current_one_selected(login, bob, settings):
    settings.TIME_ZONE = "Europe/Paris"

    html = login(bob).get(reverse("profile")).content.decode()

    assert '<option value="Europe/Paris" selected>Europe/Paris</option>' in html
    assert '<option value="America/New_York">America/New_York</option>' in html


def test_a_made_up_time_zone_is_refused_and_nothing_changes(login, bob):
    response = login(bob).post(
        reverse("profile_preferences"), {"language": "", "time_zone": "Mars/Olympus"}
    )

    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    bob.refresh_from_db()
    assert bob.time_zone == ""


def test_saving_a_time_zone_needs_a_login_and_changes_nothing(client, bob):
    response = client.post(
        reverse("profile_preferences"), {"language": "", "time_zone": "Asia/Tokyo"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    bob.refresh_from_db()
    assert bob.time_zone == ""


def test_a_ticket_page_shows_times_in_the_viewers_zone(login, bob, agent, make_ticket):
    ticket = _ticket_at(make_ticket, bob)
    bob.time_zone = "Asia/Tokyo"
    bob.save(update_fields=["time_zone"])
    agent.time_zone = "America/New_York"
    agent.save(update_fields=["time_zone"])

    customer = login(bob).get(ticket.get_absolute_url()).content.decode()
    support = login(agent).get(ticket.get_absolute_url()).content.decode()

    # 23:30 UTC is 08:30 the next morning in Tokyo, 19:30 the same evening in New York.
    assert '<time datetime="2026-03-11T08:30:00+09:00">11 Mar 2026, 08:30</time>' in customer
    assert "2026-03-10T19:30:00-04:00" in support
    assert "2026-03-11T08:30" not in support


def test_a_user_who_has_not_chosen_sees_the_sites_zone(login, bob, make_ticket, settings):
    settings.TIME_ZONE = "Europe/Paris"
    ticket = _ticket_at(make_ticket, bob)

    html = login(bob).get(ticket.get_absolute_url()).content.decode()

    assert '<time datetime="2026-03-11T00:30:00+01:00">11 Mar 2026, 00:30</time>' in html


def test_the_solved_email_gives_the_closing_time_in_each_recipients_zone(
    alice, bob, agent, make_ticket
):
    ticket = make_ticket(bob, subject="Printer on fire")
    alice.time_zone = "Asia/Tokyo"
    alice.save(update_fields=["time_zone"])
    bob.time_zone = "America/New_York"
    bob.save(update_fields=["time_zone"])
    start_clean()

    services.ticket_reply(ticket=ticket, author=agent, body="Done.", submit_as=Status.SOLVED)
    deliver()

    ticket.refresh_from_db()
    closes = ticket.solved_at + timedelta(hours=72)
    tokyo = closes.astimezone(ZoneInfo("Asia/Tokyo"))
    new_york = closes.astimezone(ZoneInfo("America/New_York"))
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert f"on {tokyo:%-d %b %Y, %H:%M} JST." in bodies["alice@acme.example"]
    assert f"on {new_york:%-d %b %Y, %H:%M} E" in bodies["bob@acme.example"]


def test_the_pin_email_gives_the_time_in_the_users_zone(bob):
    bob.time_zone = "Australia/Sydney"
    bob.save(update_fields=["time_zone"])

    pin_set(user=bob, pin="730195")

    email = OutboundEmail.objects.get(to="bob@acme.example")
    bob.refresh_from_db()
    local = bob.support_pin_set_at.astimezone(ZoneInfo("Australia/Sydney"))
    assert f"on {local:%Y-%m-%d %H:%M} AE" in email.body


def test_the_zone_of_one_request_does_not_leak_into_the_next(login, client, bob, make_ticket):
    ticket = _ticket_at(make_ticket, bob)
    bob.time_zone = "Asia/Tokyo"
    bob.save(update_fields=["time_zone"])
    login(bob).get(ticket.get_absolute_url())
    client.logout()

    html = client.get(reverse("login")).content.decode()

    assert html
    assert timezone.get_current_timezone_name() == "UTC"
