"""Schemas of the KPI and training endpoints."""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

from guanxi.performance.models import QuestionKind, QuestionTopic

from .common import OneOf, QuerySchema, TeamRef, UserRef, WriteSchema

# --- KPIs ----------------------------------------------------------------------------------------------


class KpiQuery(QuerySchema):
    start: datetime.date | None = Field(None, description="first day (default: first day of this month)")
    end: datetime.date | None = Field(
        None, description="last day, inclusive (default: last day of this month)"
    )
    team: int | None = Field(None, description="only this team and the teams below it")


class KpiFiguresOut(Schema):
    interactions: int = Field(
        description="interactions that occurred in the period, credited to who logged them"
    )
    visits_planned: int
    visits_done: int
    visits_reported_on_time: int
    visits_reported_late: int
    new_customers: int
    won_amount: Decimal
    forecast_amount: Decimal = Field(description="weighted forecast for the period as of its first day")
    forecast_accuracy: Decimal | None = Field(
        description="won ÷ forecast in percent; null when nothing was forecast"
    )
    training_attempts: int
    training_average: Decimal | None
    customers: int
    customers_complete: int
    archive_completeness: Decimal | None = Field(
        description="percent of archives with every key field, as of now"
    )
    complaint_sla_compliance: Decimal | None = Field(
        description="always null: complaints are not available yet"
    )


class KpiRowOut(Schema):
    user: UserRef
    figures: KpiFiguresOut


class KpiTeamOut(Schema):
    team: TeamRef | None
    rows: list[KpiRowOut]
    totals: KpiFiguresOut


class KpiReportOut(Schema):
    start: datetime.date
    end: datetime.date
    teams: list[KpiTeamOut]
    totals: KpiFiguresOut


# --- training ------------------------------------------------------------------------------------------


class ChoiceOut(Schema):
    id: int
    text: str


class ChoiceWithAnswerOut(ChoiceOut):
    is_correct: bool


class QuestionOut(Schema):
    id: int
    version: int
    text: str
    kind: str
    topic: str
    is_active: bool
    explanation: str | None = Field(description="only for training managers")
    choices: list[ChoiceWithAnswerOut] | list[ChoiceOut]


class ChoiceIn(WriteSchema):
    text: str = Field(min_length=1, max_length=300)
    is_correct: bool = False


class QuestionCreateIn(WriteSchema):
    text: str = Field(min_length=1, max_length=1000)
    kind: Annotated[str, OneOf(QuestionKind)]
    topic: Annotated[str, OneOf(QuestionTopic)]
    explanation: str = Field(min_length=1, max_length=2000)
    choices: list[ChoiceIn] = Field(min_length=2, max_length=8)


class QuestionActiveIn(WriteSchema):
    is_active: bool


class QuestionListQuery(QuerySchema):
    topic: Annotated[str, OneOf(QuestionTopic, blank=True)] = ""


class QuizQuestionOut(Schema):
    id: int
    text: str
    kind: str
    topic: str
    choices: list[ChoiceOut]


class QuizOut(Schema):
    id: int
    version: int
    title: str
    description: str
    pass_mark: int
    is_starter: bool
    question_count: int


class QuizDetailOut(QuizOut):
    questions: list[QuizQuestionOut]


class QuizCreateIn(WriteSchema):
    title: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=2000)
    pass_mark: int = Field(60, ge=1, le=100)
    question_ids: list[int] = Field(min_length=1, max_length=100)


class AssignmentOut(Schema):
    id: int
    quiz_id: int
    quiz_title: str
    rep: UserRef
    due_on: datetime.date
    assigned_by: UserRef | None
    assigned_at: datetime.datetime
    task_id: int | None
    best_score: Decimal | None
    attempt_count: int


class AssignmentCreateIn(WriteSchema):
    quiz_id: int
    rep_id: int
    due_on: datetime.date


class AssignmentListQuery(QuerySchema):
    rep_id: int | None = None
    quiz_id: int | None = None


class AnswerIn(WriteSchema):
    question_id: int
    choice_ids: list[int] = Field(max_length=10)


class AttemptCreateIn(WriteSchema):
    quiz_id: int
    answers: list[AnswerIn] = Field(max_length=100)


class AnswerOut(Schema):
    question_id: int
    chosen: list[int]
    is_correct: bool


class PractiseItemOut(Schema):
    question_id: int
    question: str
    explanation: str


class PractiseTopicOut(Schema):
    topic: str
    topic_label: str
    questions: list[PractiseItemOut]


class AttemptOut(Schema):
    id: int
    quiz_id: int
    quiz_title: str
    user: UserRef
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    score: Decimal | None
    band: str = Field(description="good (≥ 80), practise (60 to < 80), retake (< 60); empty while unfinished")
    correct_count: int
    question_count: int


class AttemptDetailOut(AttemptOut):
    answers: list[AnswerOut]
    practise: list[PractiseTopicOut] = Field(
        description="topics of the wrong answers with their explanations"
    )


class AttemptListQuery(QuerySchema):
    user_id: int | None = None
    quiz_id: int | None = None
