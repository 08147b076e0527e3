from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from notifications.emails import MESSAGE_KIND, ticket_of_message
        from outbox.threads import register_message_kind

        # Replies to our emails name them in In-Reply-To; inbound finds their
        # ticket through outbox.threads without importing notifications.
        register_message_kind(MESSAGE_KIND, ticket_of_message)
