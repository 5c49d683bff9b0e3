"""The demo's training data: assignments with their tasks, and finished attempts in every score band."""

import datetime
import random

import pytest
from django.utils import timezone

from guanxi.demo.organisation import Organisation
from guanxi.demo.training import TrainingBuilder
from guanxi.engagement.models import Task, TaskKind
from guanxi.performance.models import Assignment, Attempt, Quiz

from . import factories as f

pytestmark = pytest.mark.django_db


def test_demo_training_assigns_quizzes_and_has_attempts_in_every_band(org):
    f.starter_quiz()
    reps = [org.rep_a, org.rep_b, org.rep_c]
    demo_org = Organisation(
        root=org.team_1.parent,
        admin=org.sysadmin,
        director=org.director,
        archivist=org.archivist,
        managers=[org.mgr_1, org.mgr_2],
        reps=reps,
        team_of={r.pk: r.team for r in reps},
        manager_of={org.rep_a.pk: org.mgr_1, org.rep_b.pk: org.mgr_1, org.rep_c.pk: org.mgr_2},
    )
    TrainingBuilder(rng=random.Random(7), org=demo_org, now=timezone.now()).build()

    assert Quiz.objects.count() == 2
    assert Assignment.objects.filter(quiz__is_starter=True).count() == 3
    assert Task.objects.filter(kind=TaskKind.TRAINING).count() == Assignment.objects.count()
    bands = set(Attempt.objects.filter(finished_at__isnull=False).values_list("band", flat=True))
    assert bands == {"good", "practise", "retake"}
    assert not Attempt.objects.filter(finished_at__gt=timezone.now() + datetime.timedelta(minutes=1)).exists()
