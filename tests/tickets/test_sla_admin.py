"""Support admins configure service levels (issue 17): the default matrix,
calendars with holidays imported from an iCal file, and contracts."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tickets.models import BusinessCalendar, Holiday, SlaPolicy, SlaPolicyTarget

pytestmark = pytest.mark.django_db

ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//Holidays//EN
BEGIN:VEVENT
UID:1@example
DTSTART;VALUE=DATE:20261225
DTEND;VALUE=DATE:20261227
SUMMARY:Christmas
END:VEVENT
BEGIN:VEVENT
UID:2@example
DTSTART;VALUE=DATE:20270101
SUMMARY:New Year
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def office(acme):  # acme brings the default calendars and policies
    return BusinessCalendar.objects.get(always_open=False)


def import_url(calendar):
    return reverse("admin:tickets_businesscalendar_import", args=[calendar.pk])


def test_the_default_matrix_covers_every_tier_and_priority(acme):
    tiers = dict(SlaPolicy.objects.values_list("tier", "calendar__always_open"))
    assert tiers == {"standard": False, "professional": False, "enterprise": True}
    assert SlaPolicyTarget.objects.count() == 12
    # More support buys faster answers, priority by priority.
    for priority in (1, 2, 3, 4):
        first = dict(
            SlaPolicyTarget.objects.filter(priority=priority).values_list(
                "policy__tier", "first_response"
            )
        )
        assert first["standard"] >= first["professional"] >= first["enterprise"]


def test_a_support_admin_imports_holidays_from_an_ical_file(login, support_admin, office):
    client = login(support_admin)
    assert (
        import_url(office)
        in client.get(
            reverse("admin:tickets_businesscalendar_change", args=[office.pk])
        ).content.decode()
    )

    response = client.post(
        import_url(office), {"file": SimpleUploadedFile("holidays.ics", ICS, "text/calendar")}
    )

    assert response.status_code == 302
    assert dict(Holiday.objects.filter(calendar=office).values_list("date", "name")) == {
        date(2026, 12, 25): "Christmas",
        date(2026, 12, 26): "Christmas",
        date(2027, 1, 1): "New Year",
    }
    # Importing the same file again adds nothing twice.
    client.post(import_url(office), {"file": SimpleUploadedFile("h.ics", ICS)})
    assert Holiday.objects.filter(calendar=office).count() == 3


def test_a_file_that_is_not_ical_is_refused_naming_the_field_and_saves_nothing(
    login, support_admin, office
):
    response = login(support_admin).post(
        import_url(office),
        {"file": SimpleUploadedFile("x.ics", b"\x89PNG\r\n\x1a\nnot a calendar")},
    )

    assert response.status_code == 200
    assert "This is not an iCalendar (.ics) file." in response.content.decode()
    assert not Holiday.objects.exists()


def test_a_customer_or_agent_cannot_reach_the_import(login, alice, agent, office):
    for user in (alice, agent):
        response = login(user).get(import_url(office))
        assert response.status_code in (302, 403, 404)
    assert not Holiday.objects.exists()


def test_a_policy_names_a_tier_or_an_organisation_never_both(acme):
    from django.db import IntegrityError, transaction

    calendar = BusinessCalendar.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        SlaPolicy.objects.create(name="Both", tier="standard", organization=acme, calendar=calendar)
    with pytest.raises(IntegrityError), transaction.atomic():
        SlaPolicy.objects.create(name="Second standard", tier="standard", calendar=calendar)
    assert SlaPolicy.objects.count() == 3


def test_an_event_longer_than_a_month_is_capped(office):
    from zoneinfo import ZoneInfo

    from tickets.sla.holidays import holidays_in

    text = ICS.replace(b"DTEND;VALUE=DATE:20261227", b"DTEND;VALUE=DATE:20281227")
    days = holidays_in(text, ZoneInfo("UTC"))
    christmas = [day for day, name in days.items() if name == "Christmas"]
    assert len(christmas) == 31
    assert max(christmas) == date(2026, 12, 25) + timedelta(days=30)
