"""The insights pages of the web interface (names live in the ``web`` namespace)."""

from django.urls import URLPattern, path

from .views import insights

urlpatterns: list[URLPattern] = [
    path("value/", insights.insights_dashboard, name="insights_dashboard"),
    path("value/customers/", insights.insights_customers, name="insights_customers"),
    path("customers/<int:pk>/value/", insights.insights_customer_panel, name="insights_customer_panel"),
    path("customers/<int:pk>/value/grade/", insights.insights_grade_override, name="insights_grade_override"),
]
