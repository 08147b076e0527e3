from django.apps import AppConfig


class OpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from django_prometheus.middleware import Metrics

        from ops import celery_hooks, database

        celery_hooks.connect()
        database.connect()
        # django-prometheus makes its metrics on first use, unguarded: two
        # threads building middleware at once (runserver, or tests with a
        # client per thread) would register them twice. Make them now.
        Metrics.get_instance()
