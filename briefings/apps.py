from django.apps import AppConfig


class BriefingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "briefings"

    def ready(self):
        from . import backstop, checks, signals  # noqa: F401  (connects and registers)
