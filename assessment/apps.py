from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "考核评价"
    # Run by `manage.py seed_demo` after the ledgers' builders (pairing/demo.py explains the rules).
    demo_builders = ("assessment.demo.build",)

    def ready(self):
        from . import events, signals  # noqa: F401  (grade notifications; a reopened month marks its quarter stale)
