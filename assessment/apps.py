from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "考核评价"
    demo_builders = ("assessment.demo_exports.build",)

    def ready(self):
        # Imports point assessment → ledgers: the township report freezes our workbook at submission.
        from ledgers.services import reports

        from .reports.halfyear import frozen_workbook

        reports.register_workbook_builder(frozen_workbook)
