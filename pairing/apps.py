from django.apps import AppConfig


class PairingConfig(AppConfig):
    name = "pairing"
    verbose_name = "结对关系"
    # Run by `manage.py seed_demo` (pairing/demo.py explains the rules for builders).
    demo_builders = ("pairing.demo.build_directory", "pairing.demo.build_accounts", "pairing.demo_agreements.build")

    def ready(self):
        from . import signals  # noqa: F401  (login/logout audit receivers)
        from .api import schema  # noqa: F401  (OpenAPI extensions)
        from .core import jobs

        # Every app's jobs.py, so `run_job --list`, the beat sync and the admin see all jobs.
        jobs.discover()
