from django.apps import AppConfig


class PairingConfig(AppConfig):
    name = "pairing"
    verbose_name = "结对关系"

    def ready(self):
        from . import signals  # noqa: F401  (login/logout audit receivers)
