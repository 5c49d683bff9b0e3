"""Forms of the KPI dashboard and of training: the period, a quiz, an assignment, the answers."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.people.models import User
from guanxi.performance import periods
from guanxi.performance.models import Question, QuestionKind, QuestionTopic, Quiz

from .base import DATE_WIDGET, TEXTAREA

PERIOD_CHOICES = [
    (periods.MONTH, _("Month")),
    (periods.QUARTER, _("Quarter")),
    (periods.YEAR, _("Year")),
    (periods.CUSTOM, _("Custom range")),
]


class KpiPeriodForm(forms.Form):
    """The period of the dashboard: the month, quarter or year containing a day, or a custom range."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    on = forms.DateField(label=_("Containing"), required=False, widget=DATE_WIDGET)
    start = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, team_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(team_choices) > 1:
            self.fields["team"].choices = [("", _("All teams")), *team_choices]  # type: ignore[attr-defined]
        else:
            del self.fields["team"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("period") == periods.CUSTOM:
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start or not end:
                self.add_error("start", _("Enter both dates of the custom range."))
            elif end < start:
                self.add_error("end", _("The end date is before the start date."))
            elif (end - start).days > periods.LONGEST_CUSTOM_DAYS:
                self.add_error("end", _("Choose a range of at most three years."))
        return cleaned

    def chosen_period(self) -> periods.Period:
        """Return the valid period asked for, or this month."""
        today = timezone.localdate()
        if not self.is_bound or not self.is_valid():
            return periods.period_containing(periods.MONTH, today)
        data = self.cleaned_data
        kind = data.get("period") or periods.MONTH
        if kind == periods.CUSTOM:
            return periods.custom_period(data["start"], data["end"])
        return periods.period_containing(kind, data.get("on") or today)

    def chosen_team(self) -> int | None:
        if "team" not in self.fields or not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get("team")


class QuizForm(forms.ModelForm):
    """A new quiz: title, description, pass mark, and its questions picked from the bank."""

    questions = forms.ModelMultipleChoiceField(
        label=_("Questions"),
        queryset=Question.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pick at least one question from the bank.")},
    )

    class Meta:
        model = Quiz
        fields = ["title", "description", "pass_mark"]
        widgets = {"description": TEXTAREA}

    def __init__(self, *args: Any, bank: QuerySet[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        questions: Any = self.fields["questions"]
        questions.queryset = bank
        questions.label_from_instance = lambda q: f"[{q.get_topic_display()}] {q.text}"

    def question_ids(self) -> list[int]:
        return [q.pk for q in self.cleaned_data["questions"]]


class QuestionForm(forms.ModelForm):
    """A new question with up to six answers; tick the correct ones."""

    ANSWER_SLOTS = 6

    class Meta:
        model = Question
        fields = ["topic", "kind", "text", "explanation"]
        widgets = {"text": TEXTAREA, "explanation": TEXTAREA}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = QuestionTopic.choices  # type: ignore[attr-defined]
        self.fields["kind"].choices = QuestionKind.choices  # type: ignore[attr-defined]
        for i in range(1, self.ANSWER_SLOTS + 1):
            self.fields[f"answer_{i}"] = forms.CharField(
                label=_("Answer %(n)s") % {"n": i}, max_length=300, required=False
            )
            self.fields[f"correct_{i}"] = forms.BooleanField(label=_("correct"), required=False)

    def answer_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"answer_{i}"], self[f"correct_{i}"]) for i in range(1, self.ANSWER_SLOTS + 1)]

    def choices(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {"text": data[f"answer_{i}"], "is_correct": data[f"correct_{i}"]}
            for i in range(1, self.ANSWER_SLOTS + 1)
            if (data.get(f"answer_{i}") or "").strip()
        ]


class AssignForm(forms.Form):
    reps = forms.ModelMultipleChoiceField(
        label=_("Reps"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pick at least one rep.")},
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, reps: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["reps"]
        field.queryset = reps
        field.label_from_instance = lambda u: f"{u} · {u.team}" if u.team_id else str(u)
        self.fields["due_on"].initial = timezone.localdate() + datetime.timedelta(days=7)

    def clean_due_on(self) -> datetime.date:
        due_on: datetime.date = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_on


class AnswersForm(forms.Form):
    """One field per question: radio buttons for single choice, check boxes for multiple choice."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            choices = [(str(c.pk), c.text) for c in question.choices.all()]
            message = {"required": _("Answer this question.")}
            field: forms.Field
            if question.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple, error_messages=message
                )
            else:
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, error_messages=message)
            field.label = f"{number}. {question.text}"
            self.fields[f"q_{question.pk}"] = field

    def items(self) -> list[tuple[Question, forms.BoundField]]:
        return [(q, self[f"q_{q.pk}"]) for q in self.questions]

    def answers(self) -> dict[int, list[int]]:
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q_{question.pk}") or []
            result[question.pk] = [int(v) for v in ([value] if isinstance(value, str) else value)]
        return result
