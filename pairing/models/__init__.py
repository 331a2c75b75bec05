from .agreements import (
    Agreement,
    AgreementDemandItem,
    AgreementProjectItem,
    AgreementResourceItem,
    AgreementRevision,
    AgreementTransition,
)
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
from .exports import Export
from .users import User

__all__ = [
    "Agreement",
    "AgreementDemandItem",
    "AgreementProjectItem",
    "AgreementResourceItem",
    "AgreementRevision",
    "AgreementTransition",
    "AuditEvent",
    "County",
    "CountyUnit",
    "Export",
    "HonoraryVillageHead",
    "Pairing",
    "Specialty",
    "TalentAssignment",
    "Township",
    "UrbanTalent",
    "User",
    "Village",
]
