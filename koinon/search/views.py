from dataclasses import fields
from operator import attrgetter

from django.core.paginator import Page, Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from koinon.lib import fragments
from koinon.search.forms import SearchForm
from koinon.search.query import Result, search

PER_PAGE = 20


class _Counted(list):
    """A page's worth of results that knows the total, for Django's Paginator."""

    def __init__(self, total):
        super().__init__()
        self.total = total

    def count(self):
        return self.total


def search_page(request):
    form = SearchForm(request.GET or None)
    results, page = None, None
    if form.is_valid() and form.cleaned_data["q"]:
        number = _page_number(request)
        results = search(
            request.user,
            form.cleaned_data["q"],
            form.filters(),
            limit=PER_PAGE,
            offset=(number - 1) * PER_PAGE,
        )
        paginator = Paginator(_Counted(results.total), PER_PAGE)
        page = Page(results.items, min(number, paginator.num_pages), paginator)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "results": results,
        "page": page,
        "query": params.urlencode(),
        "filtered": bool(form.errors) or any(params.get(name) for name in FILTERS),
        "results_html": _rendered(results.items) if results else "",
    }
    return render(request, "search/search.html", context)


FILTERS = [name for name in SearchForm.base_fields if name != "q"]
RESULTS_TEMPLATE = "search/partials/results.html"


def _rendered(items) -> str:
    """The results' HTML, kept by all they show: a page of results shown before is not
    rendered again; one whose title or author changed since is another fragment. A
    single fragment, rendered in one pass: most searches are asked once, and the same
    result under another search has other marked words."""
    html = fragments.shared(
        RESULTS_TEMPLATE,
        tuple(_shown(item) for item in items),
        lambda: render_to_string(RESULTS_TEMPLATE, {"results": items}),
    )
    return mark_safe(html)  # noqa: S308 - our own render


# All a result shows, as a tuple (dataclasses.astuple deep-copies every value: 1 ms a page).
_shown = attrgetter(*(field.name for field in fields(Result)))


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 500))
    except ValueError:
        return 1
