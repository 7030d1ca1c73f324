"""Small helpers for views: HTMX detection and pagination."""

from django.core.paginator import Paginator


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def paginate(request, queryset, per_page: int = 30, count: int | None = None):
    """The requested page of `queryset`; out-of-range pages give the last one.

    `count`, when known, saves counting the rows again.
    """
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    return paginator.get_page(request.GET.get("page"))
