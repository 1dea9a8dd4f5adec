from django.apps import AppConfig


class BriefingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "briefings"

    def ready(self):
        from .page_cache import connect_signals

        connect_signals()
