"""Page-number pagination: ``?page=&page_size=`` in, ``{items, count, page, page_size}`` out.

``page_size`` is capped at ``GUANXI_MAX_PAGE_SIZE`` (SECURITY API-04): asking for more gets the cap, not
an error, so a client that asks for "everything" still gets a bounded answer.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from pydantic import Field

from .schemas.common import QuerySchema


class PageQuery(QuerySchema):
    page: int = Field(1, ge=1, le=1_000_000, description="1-based page number")
    page_size: int | None = Field(
        None, ge=1, description="rows per page; the default is 25 and anything above 100 is capped at 100"
    )


def paginate(
    queryset: QuerySet, query: PageQuery, present: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    """Return one page of ``queryset`` (already scoped and ordered) with the total count.

    ``present`` turns each row into what the caller may read (e.g. masked contacts).
    """
    size = min(query.page_size or settings.GUANXI_PAGE_SIZE, settings.GUANXI_MAX_PAGE_SIZE)
    offset = (query.page - 1) * size
    count = queryset.count()
    items = list(queryset[offset : offset + size]) if offset < count else []
    if present is not None:
        items = [present(item) for item in items]
    return {"items": items, "count": count, "page": query.page, "page_size": size}
