"""Changes to the ledger, one transaction each, with an explicit actor and an audit record.

activities.py records, edits, confirms and rejects activities (and their photos); months.py
moves a village month through open → submitted → confirmed → locked and back (reopen).
"""

from .activities import (
    ParticipantInput,
    add_photo,
    add_photos,
    confirm_activity,
    delete_activity,
    delete_photo,
    record_activity,
    reject_activity,
    update_activity,
)
from .months import confirm_month, confirm_months, ensure_month, lock_month, reopen_month, submit_month

__all__ = [
    "ParticipantInput",
    "add_photo",
    "add_photos",
    "confirm_activity",
    "confirm_month",
    "confirm_months",
    "delete_activity",
    "delete_photo",
    "ensure_month",
    "lock_month",
    "record_activity",
    "reject_activity",
    "reopen_month",
    "submit_month",
    "update_activity",
]
