"""The pairing app's export kinds: each directory list and the audit log (pairing/core/exports.py)."""

from pairing.core.list_exports import list_kind

from .context_processors import can_read_audit_log
from .views import audit_log, directory

LISTS = {
    "townships": directory.TownshipList,
    "villages": directory.VillageList,
    "units": directory.CountyUnitList,
    "talents": directory.UrbanTalentList,
    "talent_assignments": directory.TalentAssignmentList,
    "pairings": directory.PairingList,
    "honorary_heads": directory.HonoraryVillageHeadList,
}

for code, view_class in LISTS.items():
    list_kind(code, view_class)

list_kind("audit_log", audit_log.AuditLogView, allowed=can_read_audit_log)
