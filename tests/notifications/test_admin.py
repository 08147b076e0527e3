"""Support admins see failed emails and can send them again."""

from django.urls import reverse

from notifications.models import EmailState, Notification
from notifications.services import notification_email_retry
from tests.notifications.helpers import deliver, start_clean
from tickets import services


def test_a_failed_email_is_listed_for_support_admins_and_can_be_retried(
    login, support_admin, alice, agent, make_ticket
):
    ticket = make_ticket(alice)
    start_clean()
    services.ticket_reply(ticket=ticket, author=agent, body="Answer")
    deliver()
    notification = Notification.objects.get()
    Notification.objects.filter(pk=notification.pk).update(
        email_state=EmailState.FAILED, email_error="550 mailbox unavailable"
    )
    client = login(support_admin)

    listing = client.get(
        reverse("admin:notifications_notification_changelist"), {"email_state": "failed"}
    )
    assert "Alice Anders" in listing.content.decode()
    client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "retry_email", "_selected_action": [notification.pk]},
    )

    notification.refresh_from_db()
    assert (notification.email_state, notification.email_attempts) == (EmailState.PENDING, 0)


def test_agents_and_customers_cannot_see_the_list(login, agent, alice):
    url = reverse("admin:notifications_notification_changelist")

    assert login(agent).get(url).status_code == 302
    assert login(alice).get(url).status_code == 302


def test_a_retry_moves_only_failed_emails_back_to_pending(alice, agent, make_ticket):
    ticket = make_ticket(alice)
    start_clean()
    services.ticket_reply(ticket=ticket, author=agent, body="Answer")
    services.ticket_reply(ticket=ticket, author=agent, body="Second answer")
    deliver()
    failed, sent = Notification.objects.order_by("pk")
    Notification.objects.filter(pk=failed.pk).update(
        email_state=EmailState.FAILED, email_attempts=5, email_error="550 mailbox unavailable"
    )

    count = notification_email_retry(notification_ids=[failed.pk, sent.pk])

    assert count == 1
    failed.refresh_from_db()
    assert (failed.email_state, failed.email_attempts, failed.email_error) == (
        EmailState.PENDING,
        0,
        "",
    )
    assert Notification.objects.get(pk=sent.pk).email_state == EmailState.SENT
