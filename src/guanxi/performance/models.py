"""Training: the question bank, quizzes built from it, assignments to reps and their attempts."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import ArchiveRecord


class QuestionTopic(models.TextChoices):
    RFM = "rfm", _("Customer value tiers (RFM)")
    CADENCE = "cadence", _("Communication cadence")
    TRUST = "trust", _("Building trust")
    COMPLAINTS = "complaints", _("Complaint handling")
    VISIT_PREPARATION = "visit_preparation", _("Visit preparation")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class Question(ArchiveRecord):
    """One question of the bank. Inactive questions stay in past quizzes and attempts but are not offered."""

    text = models.TextField(_("question"), max_length=1000)
    kind = models.CharField(
        _("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    topic = models.CharField(_("topic"), max_length=30, choices=QuestionTopic.choices, db_index=True)
    explanation = models.TextField(_("explanation"), max_length=2000)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["topic", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question_id", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Quiz(ArchiveRecord):
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    # The quiz every installation starts with (loaded by a data migration); there is at most one.
    is_starter = models.BooleanField(_("starter quiz"), default=False, editable=False)
    questions = models.ManyToManyField(Question, through="QuizQuestion", related_name="quizzes")

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["-is_starter", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_starter"], condition=Q(is_starter=True), name="quiz_one_starter"
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="quiz_pass_mark_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="quiz_items")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["quiz_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_once")]

    def __str__(self) -> str:
        return f"{self.quiz_id}#{self.position}"


class Assignment(models.Model):
    """A quiz given to a rep to take by a date; the rep gets a training task and an inbox message."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="assignments")
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_assignments"
    )
    due_on = models.DateField(_("due on"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    task = models.ForeignKey(
        "engagement.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["quiz", "rep"], name="assignment_once_per_rep")]

    def __str__(self) -> str:
        return f"{self.quiz_id} → {self.rep_id}"


class Band(models.TextChoices):
    GOOD = "good", _("Good (80 and above)")
    PRACTISE = "practise", _("Passed, keep practising (60–80)")
    RETAKE = "retake", _("Retake (below 60)")


class Attempt(models.Model):
    """One sitting of a quiz. Unfinished while ``finished_at`` is empty; scored once, when submitted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, db_index=True)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    band = models.CharField(_("band"), max_length=10, choices=Band.choices, blank=True)
    correct_count = models.PositiveSmallIntegerField(default=0)
    question_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.user_id}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=1)
    chosen = models.JSONField(default=list)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["attempt_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="attempt_answer_once")]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"
