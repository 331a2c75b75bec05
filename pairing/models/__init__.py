from .audit import AuditEvent
from .directory import (
    County,
    CountyUnit,
    HonoraryVillageHead,
    Pairing,
    Specialty,
    TalentAssignment,
    Township,
    UrbanTalent,
    Village,
)
from .users import User

__all__ = [
    "AuditEvent",
    "County",
    "CountyUnit",
    "HonoraryVillageHead",
    "Pairing",
    "Specialty",
    "TalentAssignment",
    "Township",
    "UrbanTalent",
    "User",
    "Village",
]
