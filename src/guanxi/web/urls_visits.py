"""The visits pages of the web interface (names live in the ``web`` namespace)."""

from django.urls import URLPattern, path

from .views import visits

urlpatterns: list[URLPattern] = [
    path("visits/", visits.visit_plan_list, name="visit_plan_list"),
    path("visits/new/", visits.visit_plan_create, name="visit_plan_create"),
    path("visits/queue/", visits.visit_plan_queue, name="visit_plan_queue"),
    path("visits/compliance/", visits.visit_compliance, name="visit_compliance"),
    path("visits/<int:pk>/", visits.visit_plan_detail, name="visit_plan_detail"),
    path("visits/<int:pk>/visits/new/", visits.visit_item_create, name="visit_item_create"),
    path("visits/<int:pk>/submit/", visits.visit_plan_submit, name="visit_plan_submit"),
    path("visits/<int:pk>/approve/", visits.visit_plan_approve, name="visit_plan_approve"),
    path("visits/<int:pk>/return/", visits.visit_plan_return, name="visit_plan_return"),
    path("visits/<int:pk>/close/", visits.visit_plan_close, name="visit_plan_close"),
    path("planned-visits/<int:pk>/edit/", visits.visit_item_edit, name="visit_item_edit"),
    path("planned-visits/<int:pk>/delete/", visits.visit_item_delete, name="visit_item_delete"),
    path("planned-visits/<int:pk>/cancel/", visits.visit_item_cancel, name="visit_item_cancel"),
    path("planned-visits/<int:pk>/report/", visits.visit_report_file, name="visit_report_file"),
    path("customers/<int:pk>/visits-panel/", visits.visit_customer_panel, name="visit_customer_panel"),
]
