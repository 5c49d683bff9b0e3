"""The engagement models: interactions and tasks, the relationship policy and care, cadences, reminders."""

from .activity import (
    CareOccasion,
    Channel,
    Direction,
    Interaction,
    Stance,
    Task,
    TaskKind,
    TaskStatus,
)
from .cadences import (
    Cadence,
    CadenceEnrollment,
    CadencePurpose,
    CadenceStep,
    EnrollmentStatus,
    IntentLevel,
    StopReason,
)
from .relationship import GreetingTemplate, RelationshipPolicy
from .reminders import CalendarFeed, DigestSent, Notification, NotificationKind

__all__ = [
    "Cadence",
    "CadenceEnrollment",
    "CadencePurpose",
    "CadenceStep",
    "CalendarFeed",
    "CareOccasion",
    "Channel",
    "DigestSent",
    "Direction",
    "EnrollmentStatus",
    "GreetingTemplate",
    "IntentLevel",
    "Interaction",
    "Notification",
    "NotificationKind",
    "RelationshipPolicy",
    "Stance",
    "StopReason",
    "Task",
    "TaskKind",
    "TaskStatus",
]
