"""Score.year and Score.quarter, copied from the score's rollup (the API lists the newest quarter
first; sorting through the join to the rollups was the slow part at city scale)."""

from django.db import migrations, models

COPY = """
UPDATE assessment_score SET
    year = (SELECT r.year FROM assessment_quarterrollup r WHERE r.id = assessment_score.rollup_id),
    quarter = (SELECT r.quarter FROM assessment_quarterrollup r WHERE r.id = assessment_score.rollup_id)
"""


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_score_digest_index")]

    operations = [
        migrations.AddField("score", "year", models.PositiveSmallIntegerField("年度", editable=False, null=True)),
        migrations.AddField("score", "quarter", models.PositiveSmallIntegerField("季度", editable=False, null=True)),
        migrations.RunSQL(COPY, migrations.RunSQL.noop),
        migrations.AlterField("score", "year", models.PositiveSmallIntegerField("年度", editable=False)),
        migrations.AlterField("score", "quarter", models.PositiveSmallIntegerField("季度", editable=False)),
        migrations.AddIndex(
            "score",
            models.Index(fields=["-year", "-quarter", "subject_type", "rank_county", "id"], name="score_newest_idx"),
        ),
    ]
