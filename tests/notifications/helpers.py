"""What the notification tests share: running the outbox in-process, and reading who was told."""

from django.core import mail

from notifications import services as notify
from notifications.models import EmailState, Notification
from tickets.models import TicketEvent

# Bob's ticket in the scenes: Bob asked, Alice is Acme's admin.
CUSTOMERS_OF_BOBS_TICKET = {"alice@acme.example", "bob@acme.example"}


def deliver() -> None:
    """Run the outbox in-process, as the worker would: events, then emails."""
    for event_id in TicketEvent.objects.filter(notified_at__isnull=True).values_list(
        "pk", flat=True
    ):
        notify.notifications_for_event(event_id=event_id)
    for pk in Notification.objects.filter(email_state=EmailState.PENDING).values_list(
        "pk", flat=True
    ):
        notify.notification_send_email(notification_id=pk)


def start_clean() -> None:
    """Forget what setting up the scene notified."""
    deliver()
    Notification.objects.all().delete()
    mail.outbox.clear()


def told() -> dict[str, str]:
    """Who got a notification, and of which kind."""
    return {n.recipient.email: n.kind for n in Notification.objects.select_related("recipient")}


def emailed() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)
