from django.urls import path, re_path

from .views import grades, rules, scores

app_name = "assessment"

urlpatterns = [
    path("", scores.home, name="home"),
    path("rollups/run/", scores.rollup_run, name="rollup_run"),
    path("rollups/<int:pk>/", scores.rollup_detail, name="rollup_detail"),
    re_path(
        r"^rollups/(?P<pk>\d+)/(?P<action>recompute|confirm|publish)/$", scores.rollup_action, name="rollup_action"
    ),
    path("rollups/<int:pk>/notice/", scores.notice, name="notice"),
    path("rankings/", scores.rankings, name="rankings"),
    path("scores/<int:pk>/", scores.score_detail, name="score_detail"),
    path("rules/", rules.rule_table, name="rules"),
    path("rules/start/", rules.start_year, name="rules_start"),
    path("rules/new/", rules.rule_edit, name="rule_create"),
    path("rules/<int:pk>/edit/", rules.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", rules.rule_delete, name="rule_delete"),
    path("weights/<int:pk>/edit/", rules.weights_edit, name="weights_edit"),
    path("grading/", grades.grading_list, name="grading_list"),
    path("grading/<int:pk>/", grades.grading_detail, name="grading_detail"),
    re_path(r"^grading/(?P<pk>\d+)/(?P<action>confirm|reopen|propose)/$", grades.grading_action, name="grading_action"),
    path("grades/<int:pk>/change/", grades.grade_change, name="grade_change"),
    path("filings/<int:pk>/download/", grades.filing_download, name="filing_download"),
]
