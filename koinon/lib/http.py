"""Small helpers for views: HTMX detection and pagination."""

from django.core.paginator import Paginator


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def paginate(request, queryset, per_page: int = 30):
    """The requested page of `queryset`; out-of-range pages give the last one."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
