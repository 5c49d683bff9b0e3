"""Files people take away: a customer's PDF dossier, and the secret calendar feed of one's open tasks."""

import re
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from guanxi.core.errors import NotFound
from guanxi.customers.selectors import customer_get_for_user
from guanxi.engagement.dossier import dossier_pdf
from guanxi.engagement.feeds import calendar_feed_ics

from ..decorators import member_view
from ..http import MemberRequest


def attachment_disposition(stem: str, suffix: str, fallback: str) -> str:
    """Return ``attachment`` with an ASCII ``filename`` and the real name as RFC 5987 ``filename*``.

    The ASCII name keeps the letters and digits of ``stem`` that are ASCII, or is ``fallback`` + ``suffix``
    when none are (a Chinese company name, typically).
    """
    ascii_stem = re.sub(r"[^A-Za-z0-9]+", "-", stem.encode("ascii", "ignore").decode()).strip("-")
    ascii_name = f"{ascii_stem or fallback}{suffix}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(stem + suffix, safe='')}"


@require_GET
@member_view
def dossier_download(request: MemberRequest, pk: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, pk=pk)
    pdf = dossier_pdf(user=request.user, customer_id=customer.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = attachment_disposition(
        customer.name, "-dossier.pdf", fallback=f"customer-{customer.pk}"
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The public iCalendar feed: the secret token in the URL is the only credential."""
    try:
        body = calendar_feed_ics(token)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Referrer-Policy"] = "no-referrer"
    return response
