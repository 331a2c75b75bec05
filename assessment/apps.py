from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "考核评价"
    # Run by `manage.py seed_demo` after the ledgers' builders (pairing/demo.py explains the rules).
    demo_builders = ("assessment.demo.build", "assessment.demo_exports.build")

    def ready(self):
        # Imports point assessment → ledgers: the township report freezes our workbook at submission.
        from ledgers.services import reports

        from . import events, signals  # noqa: F401  (grade notifications; a reopened month marks its quarter stale)
        from .reports.halfyear import frozen_workbook

        reports.register_workbook_builder(frozen_workbook)
