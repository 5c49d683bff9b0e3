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
from .events import Attendance, Event, EventKind, EventStatus, Invitation, InvitationResponse
from .relationship import GreetingTemplate, RelationshipPolicy
from .reminders import CalendarFeed, DigestSent, Notification, NotificationKind

__all__ = [
    "Attendance",
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
    "Event",
    "EventKind",
    "EventStatus",
    "GreetingTemplate",
    "IntentLevel",
    "Interaction",
    "Invitation",
    "InvitationResponse",
    "Notification",
    "NotificationKind",
    "RelationshipPolicy",
    "Stance",
    "StopReason",
    "Task",
    "TaskKind",
    "TaskStatus",
]
