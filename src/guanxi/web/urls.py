from django.urls import include, path, register_converter

from .views import (
    account,
    contacts,
    customers,
    exports,
    inbox,
    interactions,
    me,
    parts,
    relationship_map,
    search,
    tasks,
    team,
    today,
)


class PartKindConverter:
    """The parts of a customer edited one row at a time, by their URL name."""

    regex = "need|competitor|risk|department"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PartKindConverter, "partkind")

app_name = "web"
urlpatterns = [
    path("", account.home, name="home"),
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", account.LogoutView.as_view(), name="logout"),
    path("language/", account.set_language, name="set_language"),
    path("search/", search.search_page, name="search"),
    path("customers/", customers.customer_list_page, name="customer_list"),
    path("customers/new/", customers.customer_create_page, name="customer_create"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", customers.customer_edit_page, name="customer_edit"),
    path("customers/<int:customer_pk>/contacts/new/", contacts.contact_create_page, name="contact_create"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit_page, name="contact_edit"),
    path(
        "customers/<int:customer_pk>/interactions/new/",
        interactions.interaction_create_page,
        name="interaction_create",
    ),
    path("customers/<int:customer_pk>/<partkind:kind>s/new/", parts.part_create_page, name="part_create"),
    path("<partkind:kind>s/<int:pk>/edit/", parts.part_edit_page, name="part_edit"),
    path("<partkind:kind>s/<int:pk>/delete/", parts.part_delete, name="part_delete"),
    path("tasks/", tasks.task_list_page, name="task_list"),
    path("tasks/<int:pk>/complete/", tasks.task_complete_action, name="task_complete"),
    path("tasks/<int:pk>/snooze/", tasks.task_snooze_action, name="task_snooze"),
    path("today/", today.today_page, name="today"),
    path("today/care/<int:pk>/greeted/", today.care_greeted_action, name="care_greeted"),
    path("team/follow-up/", team.team_follow_up_page, name="team_follow_up"),
    path("inbox/", inbox.inbox_page, name="inbox"),
    path("inbox/read-all/", inbox.notification_read_all_action, name="notification_read_all"),
    path("inbox/<int:pk>/read/", inbox.notification_read_action, name="notification_read"),
    path("customers/<int:pk>/map/", relationship_map.relationship_map_page, name="relationship_map"),
    path(
        "customers/<int:pk>/map/counterparts/",
        relationship_map.counterpart_set_action,
        name="counterpart_set",
    ),
    path(
        "contacts/<int:pk>/relationship/",
        relationship_map.relationship_status_action,
        name="relationship_status",
    ),
    path(
        "contacts/<int:pk>/counterparts/<int:user_pk>/remove/",
        relationship_map.counterpart_remove_action,
        name="counterpart_remove",
    ),
    path("customers/<int:pk>/dossier.pdf", exports.dossier_download, name="dossier_pdf"),
    path("calendar/<str:token>.ics", exports.calendar_feed, name="calendar_feed"),
    path("me/", me.settings_page, name="me"),
    path("me/calendar/", me.calendar_feed_action, name="calendar_feed_action"),
    # Each area keeps its pages in its own module, in this namespace.
    path("", include("guanxi.web.urls_events")),
    path("", include("guanxi.web.urls_insights")),
    path("", include("guanxi.web.urls_sales")),
    path("", include("guanxi.web.urls_visits")),
    path("", include("guanxi.web.urls_keyaccounts")),
    path("", include("guanxi.web.urls_performance")),
]
