from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken, User
from accounts.tokens import EXPIRY_DAYS, token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user and print its key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The user the token acts as.")
        parser.add_argument("name", help="What uses the token, e.g. monitoring.")
        parser.add_argument(
            "--scope",
            choices=ApiToken.Scope.values,
            default=ApiToken.Scope.WRITE,
            help="read: GET, HEAD and OPTIONS only; write (the default): everything.",
        )
        parser.add_argument(
            "--expires-in-days",
            type=int,
            choices=EXPIRY_DAYS,
            default=None,
            help="Days until the token expires; never, without this.",
        )

    def handle(self, *args, email: str, name: str, scope: str, expires_in_days, **options):
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No user has the email {email!r}.")
        try:
            _, key = token_create(
                user=user, name=name, scope=scope, expires_in_days=expires_in_days
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(key)
