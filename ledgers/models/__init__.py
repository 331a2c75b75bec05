from .activities import ActivityParticipant, ActivityPhoto, ServiceActivity
from .demands import Demand, DemandClaim
from .evaluations import TalentEvaluation
from .meetings import JointMeeting, MeetingResolution
from .months import LedgerMonth
from .notifications import Notification, NotificationPreference, NotificationTemplate
from .reports import TownshipHalfYearReport
from .service_months import TalentServiceMonth, TalentServiceYear, UnitContactMonth

__all__ = ["ActivityParticipant", "ActivityPhoto", "LedgerMonth", "ServiceActivity"]
__all__ += ["JointMeeting", "MeetingResolution", "TalentEvaluation", "TownshipHalfYearReport"]
__all__ += ["Demand", "DemandClaim", "Notification", "NotificationPreference", "NotificationTemplate"]
__all__ += ["TalentServiceMonth", "TalentServiceYear", "UnitContactMonth"]
