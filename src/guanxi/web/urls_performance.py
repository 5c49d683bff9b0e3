"""The performance pages of the web interface (names live in the ``web`` namespace)."""

from django.urls import URLPattern, path

from .views import performance

urlpatterns: list[URLPattern] = [
    path("performance/", performance.performance_dashboard, name="performance_dashboard"),
    path("training/", performance.training_home, name="training_home"),
    path("training/results/", performance.training_results, name="training_results"),
    path("training/questions/", performance.training_questions, name="training_questions"),
    path("training/questions/new/", performance.training_question_create, name="training_question_create"),
    path("training/quizzes/new/", performance.training_quiz_create, name="training_quiz_create"),
    path("training/quizzes/<int:pk>/", performance.training_quiz, name="training_quiz"),
    path("training/quizzes/<int:pk>/start/", performance.training_quiz_start, name="training_quiz_start"),
    path("training/quizzes/<int:pk>/assign/", performance.training_quiz_assign, name="training_quiz_assign"),
    path("training/attempts/<int:pk>/", performance.training_attempt, name="training_attempt"),
]
