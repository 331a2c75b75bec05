from .activities import ActivityParticipant, ActivityPhoto, ServiceActivity
from .evaluations import TalentEvaluation
from .meetings import JointMeeting, MeetingResolution
from .months import LedgerMonth
from .reports import TownshipHalfYearReport

__all__ = ["ActivityParticipant", "ActivityPhoto", "LedgerMonth", "ServiceActivity"]
__all__ += ["JointMeeting", "MeetingResolution", "TalentEvaluation", "TownshipHalfYearReport"]
