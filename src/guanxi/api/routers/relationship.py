"""Relationship maintenance (SPEC §4.2): the contact policy, the day's list, the inbox, cadences, the
key-person map and the calendar feed."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.core.errors import NotFound, ValidationFailed
from guanxi.customers.relationship_map import counterpart_remove, counterpart_set, relationship_graph
from guanxi.customers.selectors import contact_get_for_user
from guanxi.engagement.agenda import care_upcoming, today_list
from guanxi.engagement.cadences import (
    cadence_enrol,
    cadence_stop,
    cadences_available,
    enrollment_get_for_user,
    enrollment_list,
)
from guanxi.engagement.feeds import calendar_feed_create, calendar_feed_revoke, calendar_feed_url
from guanxi.engagement.models import Cadence, CadenceEnrollment, RelationshipPolicy
from guanxi.engagement.notifications import (
    notification_list,
    notification_mark_all_read,
    notification_mark_read,
    notification_unread_count,
)
from guanxi.engagement.policies import may_manage_policy, relationship_policy, relationship_policy_update
from guanxi.people.models import User

from ..auth import AuthedRequest
from ..conditional import expected_version, set_etag
from ..errors import register_conflict_renderer
from ..pagination import PageQuery, paginate
from ..references import contact_ref
from ..schemas.common import Page, error_responses
from ..schemas.engagement import TaskOut
from ..schemas.relationship import (
    CadenceOut,
    CalendarFeedOut,
    CareUpcomingQuery,
    CounterpartIn,
    CounterpartOut,
    EnrollmentIn,
    EnrollmentListQuery,
    EnrollmentOut,
    EnrollmentStopIn,
    MarkedCountOut,
    NotificationListQuery,
    NotificationOut,
    PolicyIn,
    PolicyOut,
    RelationshipMapOut,
    UnreadCountOut,
)

router = Router(tags=["relationship"])


def _policy_out(policy: RelationshipPolicy, user: User) -> dict:
    data = {name: getattr(policy, name) for name in PolicyOut.model_fields if name != "may_manage"}
    return PolicyOut(**data, may_manage=may_manage_policy(user)).model_dump(mode="json")


register_conflict_renderer(RelationshipPolicy, _policy_out)


# --- the contact-frequency policy --------------------------------------------------------------------


@router.get("/policies/relationship", response={200: PolicyOut, **error_responses()})
def relationship_policy_get_endpoint(request: AuthedRequest, response: HttpResponse) -> dict:
    """The company's contact intervals, greeting rule and reminder lead times."""
    policy = relationship_policy()
    set_etag(response, policy)
    return _policy_out(policy, request.auth)


@router.put("/policies/relationship", response={200: PolicyOut, **error_responses(400, 403, 412, 422, 428)})
def relationship_policy_update_endpoint(
    request: AuthedRequest, payload: PolicyIn, response: HttpResponse
) -> dict:
    """Replace the policy's settings (managers, the director and administrators). Requires ``If-Match``."""
    version = expected_version(request)
    policy = relationship_policy_update(
        actor=request.auth, data=payload.model_dump(), expected_version=version
    )
    set_etag(response, policy)
    return _policy_out(policy, request.auth)


# --- the day's list and care dates -------------------------------------------------------------------


@router.get("/agenda/today", response={200: Page[TaskOut], **error_responses(422)})
def agenda_today_endpoint(request: AuthedRequest, paging: Query[PageQuery]) -> dict:
    """Whom to contact today: your open tasks due by today, plus the care tasks already announced."""
    queryset = today_list(user=request.auth, day=timezone.localdate()).select_related("owner")
    return paginate(queryset, paging)


@router.get("/care/upcoming", response={200: Page[TaskOut], **error_responses(422)})
def care_upcoming_endpoint(
    request: AuthedRequest, filters: Query[CareUpcomingQuery], paging: Query[PageQuery]
) -> dict:
    """Open care tasks (birthdays, anniversaries, festivals) due in the next ``days`` days."""
    queryset = care_upcoming(
        user=request.auth, day=timezone.localdate(), days=filters.days, mine=filters.mine
    )
    return paginate(queryset, paging)


# --- the inbox ---------------------------------------------------------------------------------------


@router.get("/notifications", response={200: Page[NotificationOut], **error_responses(422)})
def notification_list_endpoint(
    request: AuthedRequest, filters: Query[NotificationListQuery], paging: Query[PageQuery]
) -> dict:
    """Your messages, newest first (``unread=true``: only those not read yet)."""
    return paginate(notification_list(user=request.auth, unread_only=filters.unread), paging)


@router.get("/notifications/unread-count", response={200: UnreadCountOut, **error_responses()})
def notification_unread_count_endpoint(request: AuthedRequest) -> dict:
    """How many of your messages are unread."""
    return {"unread": notification_unread_count(request.auth)}


@router.post("/notifications/read-all", response={200: MarkedCountOut, **error_responses()})
def notification_read_all_endpoint(request: AuthedRequest) -> dict:
    """Mark all your messages read."""
    return {"marked": notification_mark_all_read(actor=request.auth)}


@router.post(
    "/notifications/{int:notification_id}/read", response={200: NotificationOut, **error_responses(404)}
)
def notification_read_endpoint(request: AuthedRequest, notification_id: int) -> object:
    """Mark one of your messages read (somebody else's is not found)."""
    return notification_mark_read(actor=request.auth, notification_id=notification_id)


# --- cadences ----------------------------------------------------------------------------------------


@router.get("/cadences", response={200: list[CadenceOut], **error_responses()})
def cadence_list_endpoint(request: AuthedRequest) -> list[Cadence]:
    """The cadences in use, with their steps."""
    return list(cadences_available())


@router.get("/cadence-enrollments", response={200: Page[EnrollmentOut], **error_responses(422)})
def enrollment_list_endpoint(
    request: AuthedRequest, filters: Query[EnrollmentListQuery], paging: Query[PageQuery]
) -> dict:
    """The enrolments of the contacts you can see (``status`` active by default), most recent first."""
    queryset = enrollment_list(user=request.auth, contact_id=filters.contact_id, status=filters.status)
    return paginate(queryset, paging)


@router.post("/cadence-enrollments", response={201: EnrollmentOut, **error_responses(400, 422)})
def enrollment_create_endpoint(
    request: AuthedRequest, payload: EnrollmentIn, response: HttpResponse
) -> Status:
    """Start a cadence with a contact you can see; the first step's task goes to the customer's owner."""
    contact = contact_ref(request.auth, payload.contact_id)
    cadence = cadences_available().filter(pk=payload.cadence_id).first()
    if cadence is None:
        message = _("Choose a cadence in use.")
        raise ValidationFailed(message, details={"cadence_id": [message]})
    enrollment = cadence_enrol(
        actor=request.auth, contact=contact, cadence=cadence, intent=payload.intent, start_on=payload.start_on
    )
    set_etag(response, enrollment)
    return Status(201, _enrollment(request.auth, enrollment.pk))


@router.post(
    "/cadence-enrollments/{int:enrollment_id}/stop",
    response={200: EnrollmentOut, **error_responses(400, 403, 404, 422)},
)
def enrollment_stop_endpoint(
    request: AuthedRequest, enrollment_id: int, payload: EnrollmentStopIn, response: HttpResponse
) -> CadenceEnrollment:
    """Stop an active enrolment and cancel its open step task (its owner or their manager)."""
    enrollment = enrollment_get_for_user(user=request.auth, pk=enrollment_id)
    enrollment = cadence_stop(
        actor=request.auth, enrollment=enrollment, reason=payload.reason, note=payload.note
    )
    set_etag(response, enrollment)
    return _enrollment(request.auth, enrollment.pk)


def _enrollment(user: User, pk: int) -> CadenceEnrollment:
    return enrollment_list(user=user, status="").get(pk=pk)


# --- the key-person map ------------------------------------------------------------------------------


@router.get(
    "/customers/{int:customer_id}/relationship-map",
    response={200: RelationshipMapOut, **error_responses(404)},
)
def relationship_map_endpoint(request: AuthedRequest, customer_id: int) -> dict:
    """A customer's key people, reporting lines and our colleagues who hold each relationship."""
    return relationship_graph(user=request.auth, customer_id=customer_id).as_dict()


def _colleague(user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("User not found."))
    return user


@router.put(
    "/contacts/{int:contact_id}/counterparts/{int:user_id}",
    response={200: CounterpartOut, **error_responses(400, 404, 422)},
)
def counterpart_set_endpoint(
    request: AuthedRequest, contact_id: int, user_id: int, payload: CounterpartIn
) -> dict:
    """Record that a colleague holds the relationship with a key person, and how close it is."""
    contact = contact_get_for_user(user=request.auth, pk=contact_id)
    counterpart = counterpart_set(
        actor=request.auth, contact=contact, user=_colleague(user_id), closeness=payload.closeness
    )
    return {"contact_id": contact.pk, "user_id": counterpart.user_id, "closeness": counterpart.closeness}


@router.delete(
    "/contacts/{int:contact_id}/counterparts/{int:user_id}", response={204: None, **error_responses(404)}
)
def counterpart_remove_endpoint(request: AuthedRequest, contact_id: int, user_id: int) -> Status:
    """Forget that a colleague holds the relationship with a key person (404 when none was recorded)."""
    contact = contact_get_for_user(user=request.auth, pk=contact_id)
    if not counterpart_remove(actor=request.auth, contact=contact, user=_colleague(user_id)):
        raise NotFound(_("Counterpart not found."))
    return Status(204, None)


# --- the calendar feed -------------------------------------------------------------------------------


@router.post("/me/calendar-feed", response={201: CalendarFeedOut, **error_responses()})
def calendar_feed_create_endpoint(request: AuthedRequest) -> Status:
    """Create your secret calendar URL, or replace the one you have (shown once: store it now)."""
    feed, token = calendar_feed_create(actor=request.auth)
    return Status(201, {"url": calendar_feed_url(request, token), "created_at": feed.created_at})


@router.delete("/me/calendar-feed", response={204: None, **error_responses(404)})
def calendar_feed_revoke_endpoint(request: AuthedRequest) -> Status:
    """Stop your calendar URL from working (404 when you have none)."""
    if not calendar_feed_revoke(actor=request.auth):
        raise NotFound(_("Calendar not found."))
    return Status(204, None)
