from .activities import ActivityParticipant, ActivityPhoto, ServiceActivity
from .months import LedgerMonth

__all__ = ["ActivityParticipant", "ActivityPhoto", "LedgerMonth", "ServiceActivity"]
