"""Global search: customers and contacts by name, pinyin initials or phone number."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from guanxi.customers.selectors import MAX_QUERY_LENGTH, CustomerFilters, contact_list, customer_list
from guanxi.governance.disclosure import sees_full_archive

from ..decorators import member_view
from ..http import MemberRequest

RESULTS_PER_KIND = 20


@require_GET
@member_view
def search_page(request: MemberRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    customers, contacts = [], []
    if query:
        customers = list(
            customer_list(user=request.user, filters=CustomerFilters(q=query))[:RESULTS_PER_KIND]
        )
        contacts = list(contact_list(user=request.user, q=query)[:RESULTS_PER_KIND])
    context = {
        "query": query,
        "customers": customers,
        "contacts": contacts,
        "limit": RESULTS_PER_KIND,
        "full_access": sees_full_archive(request.user),
    }
    return render(request, "web/search.html", context)
