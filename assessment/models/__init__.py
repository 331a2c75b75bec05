from .grades import Grade, GradeFiling, GradingGroup, GradingRound
from .rules import ScoringRule, ScoringWeights
from .scores import QuarterRollup, Score

__all__ = [
    "Grade",
    "GradeFiling",
    "GradingGroup",
    "GradingRound",
    "QuarterRollup",
    "Score",
    "ScoringRule",
    "ScoringWeights",
]
