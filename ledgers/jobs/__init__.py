"""The ledgers' scheduled reminders (DOMAIN.md "Rules the software checks"; 000 §六2: the county
"定期开展检查提醒，督促开展相关活动").

Each job reads the rule's list from ledgers/compliance.py (the same queries as the board), as of
the local date `on`, over the whole database (a system actor that sees everything), walks the rows
in batches of NOTIFICATION_BATCH_SIZE ids and sends through services.notifications.send(): the
dedupe key (job, period[, row]) makes a rerun send nothing. Defaults for the schedules are in
settings.JOB_SCHEDULES (the ones declared in monthly.py, half_year.py and demands.py are the fallback).
"""

# Rule reminders, by compliance rule: the reminder log counts both the job's rows and 催办.
JOB_RULES = {
    "talent_monthly_service": "talents",
    "unit_monthly_contact": "units",
    "agreement_signing": "agreements",
    "meeting_half_year": "meetings",
    "village_month_submit": "months",
    "township_half_year_report": "reports",
}

from . import demands, half_year, monthly  # noqa: E402, F401 - registers the jobs
