"""Demo training: the managers assign the starter quiz to their reps, the director builds a second quiz
on complaints and visit preparation, and reps have finished attempts in every score band."""

import datetime
import random

from django.utils import timezone

from guanxi.performance import selectors, services
from guanxi.performance.models import Attempt, Question, QuestionTopic, Quiz

from .organisation import Organisation

# Correct answers out of ten: good (≥ 80), passed but practise (60–80), retake (< 60).
CORRECT_BY_BAND = (9, 4, 7, 8, 6)


class TrainingBuilder:
    def __init__(self, *, rng: random.Random, org: Organisation, now: datetime.datetime):
        self.rng = rng
        self.org = org
        self.now = now

    def build(self) -> None:
        today = max(timezone.localdate(self.now), timezone.localdate())
        starter = Quiz.objects.get(is_starter=True)
        special = self._special_quiz()
        for rep in self.org.reps:
            manager = self.org.manager_of.get(rep.pk)
            if manager is not None:
                services.assignment_create(
                    actor=manager, quiz=starter, rep=rep, due_on=today + datetime.timedelta(days=7)
                )
        for rep in self.org.reps[::3]:
            services.assignment_create(
                actor=self.org.director, quiz=special, rep=rep, due_on=today + datetime.timedelta(days=14)
            )
        for index, rep in enumerate(self.org.reps[: len(self.org.reps) * 2 // 3]):
            correct = CORRECT_BY_BAND[index % len(CORRECT_BY_BAND)]
            self._attempt(rep, starter, correct, days_ago=self.rng.randint(1, 25))
            if correct < 6:
                # The retake after studying what to practise.
                self._attempt(rep, starter, correct + self.rng.choice((3, 4)), days_ago=0)

    def _special_quiz(self) -> Quiz:
        topics = (QuestionTopic.COMPLAINTS, QuestionTopic.VISIT_PREPARATION)
        ids = list(
            Question.objects.filter(topic__in=topics, is_active=True)
            .order_by("topic", "id")
            .values_list("pk", flat=True)
        )
        return services.quiz_create(
            actor=self.org.director,
            data={
                "title": "投诉处理与拜访准备专项测验",
                "description": "针对本季度投诉回访和拜访报告的薄弱环节,请在两周内完成。",
                "pass_mark": 70,
            },
            question_ids=ids,
        )

    def _attempt(self, rep, quiz: Quiz, correct: int, days_ago: int) -> None:
        questions = selectors.quiz_questions(quiz)
        order = list(range(len(questions)))
        self.rng.shuffle(order)
        right = set(order[:correct])
        answers = {}
        for position, question in enumerate(questions):
            choices = list(question.choices.all())
            if position in right:
                answers[question.pk] = [c.pk for c in choices if c.is_correct]
            else:
                answers[question.pk] = [self.rng.choice([c.pk for c in choices if not c.is_correct])]
        attempt = services.attempt_start(user=rep, quiz=quiz)
        services.attempt_submit(user=rep, attempt=attempt, answers=answers)
        finished = self.now - datetime.timedelta(days=days_ago, minutes=self.rng.randint(5, 600))
        Attempt.objects.filter(pk=attempt.pk).update(
            started_at=finished - datetime.timedelta(minutes=self.rng.randint(6, 20)), finished_at=finished
        )
