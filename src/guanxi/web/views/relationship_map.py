"""The key-person relationship map of a customer, with the small edits it invites."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.core.errors import ValidationFailed, VersionConflict
from guanxi.customers.relationship_map.graph import relationship_graph
from guanxi.customers.relationship_map.services import counterpart_remove, counterpart_set
from guanxi.customers.relationship_map.svg import map_svg_markup
from guanxi.customers.selectors import contact_get_for_user, contact_list
from guanxi.customers.services import contact_update
from guanxi.people.models import Role, User

from ..decorators import member_view
from ..forms.relationships import CounterpartForm, RelationshipStatusForm
from ..http import MemberRequest


def _colleagues() -> list[tuple[int, str]]:
    users = User.objects.filter(is_active=True).exclude(role=Role.ADMIN).order_by("team__path", "username")
    return [(u.pk, str(u)) for u in users]


def _back(customer_pk: int, anchor: str = "") -> HttpResponse:
    return redirect(reverse("web:relationship_map", kwargs={"pk": customer_pk}) + anchor)


def _report(request: MemberRequest, error: ValidationFailed) -> None:
    texts = [str(m) for found in error.details.values() for m in found] or [str(error.message)]
    messages.error(request, " ".join(texts))


@require_GET
@member_view
def relationship_map_page(request: MemberRequest, pk: int) -> HttpResponse:
    graph = relationship_graph(user=request.user, customer_id=pk)
    contacts = list(contact_list(user=request.user, customer_id=graph.customer_id).order_by("pk"))
    nodes = {node.id: node for node in graph.nodes}
    people = [
        {
            "contact": contact,
            "node": nodes.get(contact.pk),
            "form": RelationshipStatusForm(
                prefix=f"rel-{contact.pk}",
                initial={"relationship_status": contact.relationship_status, "version": contact.version},
            ),
        }
        for contact in contacts
    ]
    counterpart_form = CounterpartForm(contacts=[(c.pk, c.name) for c in contacts], colleagues=_colleagues())
    context = {
        "graph": graph,
        "svg": map_svg_markup(graph),
        "people": people,
        "counterpart_form": counterpart_form,
    }
    return render(request, "web/relationship_map/page.html", context)


@require_POST
@member_view
def relationship_status_action(request: MemberRequest, pk: int) -> HttpResponse:
    contact = contact_get_for_user(user=request.user, pk=pk)
    form = RelationshipStatusForm(request.POST, prefix=f"rel-{contact.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(contact.customer_id)
    try:
        contact_update(
            actor=request.user,
            contact=contact,
            data={"relationship_status": form.cleaned_data["relationship_status"]},
            expected_version=form.cleaned_data["version"],
        )
    except VersionConflict:
        messages.error(
            request, _("Someone changed this contact after you opened the page. Check it and try again.")
        )
    except ValidationFailed as error:
        _report(request, error)
    else:
        messages.success(request, _("Relationship with %(name)s updated.") % {"name": contact.name})
    return _back(contact.customer_id, f"#person-{contact.pk}")


@require_POST
@member_view
def counterpart_set_action(request: MemberRequest, pk: int) -> HttpResponse:
    """Add a colleague as a counterpart of one of the customer's key people (or change the closeness)."""
    graph = relationship_graph(user=request.user, customer_id=pk)
    form = CounterpartForm(
        request.POST,
        contacts=[(node.id, node.name) for node in graph.nodes],
        colleagues=_colleagues(),
    )
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(graph.customer_id)
    contact = contact_get_for_user(user=request.user, pk=form.cleaned_data["contact"])
    colleague = User.objects.get(pk=form.cleaned_data["user"])  # one of the form's choices
    try:
        counterpart_set(
            actor=request.user, contact=contact, user=colleague, closeness=form.cleaned_data["closeness"]
        )
    except ValidationFailed as error:
        _report(request, error)
    else:
        messages.success(request, _("Counterpart saved for %(name)s.") % {"name": contact.name})
    return _back(graph.customer_id, f"#person-{contact.pk}")


@require_POST
@member_view
def counterpart_remove_action(request: MemberRequest, pk: int, user_pk: int) -> HttpResponse:
    contact = contact_get_for_user(user=request.user, pk=pk)
    colleague = User.objects.filter(pk=user_pk).first()
    if colleague is not None and counterpart_remove(actor=request.user, contact=contact, user=colleague):
        messages.success(request, _("Counterpart removed from %(name)s.") % {"name": contact.name})
    return _back(contact.customer_id, f"#person-{contact.pk}")
