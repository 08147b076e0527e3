from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Organisations and users"

    def ready(self) -> None:
        from accounts import two_factor  # noqa: F401 - connects the login signal
