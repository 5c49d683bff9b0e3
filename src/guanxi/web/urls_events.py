"""The events pages of the web interface (names live in the ``web`` namespace)."""

from django.urls import URLPattern, path

from .views import events

urlpatterns: list[URLPattern] = [
    path("events/", events.event_list_page, name="event_list"),
    path("events/new/", events.event_create_page, name="event_create"),
    path("events/<int:pk>/", events.event_detail_page, name="event_detail"),
    path("events/<int:pk>/edit/", events.event_edit_page, name="event_edit"),
    path("events/<int:pk>/cancel/", events.event_cancel_action, name="event_cancel"),
    path("events/<int:pk>/invite/", events.event_invite_action, name="event_invite"),
    path("events/<int:pk>/attendance/", events.event_attendance_action, name="event_attendance"),
    path(
        "events/<int:pk>/invitations/<int:invitation_pk>/remove/",
        events.invitation_remove_action,
        name="invitation_remove",
    ),
    path(
        "events/<int:pk>/invitations/<int:invitation_pk>/respond/",
        events.invitation_respond_action,
        name="invitation_respond",
    ),
    path("customers/<int:pk>/events-panel/", events.customer_events_panel, name="customer_events_panel"),
]
