from datetime import date
from functools import lru_cache
from html import escape

from django.core.paginator import Page, Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from koinon.lib import cache_reads, person_counts
from koinon.lib.fragments import shared_key
from koinon.search.forms import SearchForm
from koinon.search.query import kept_keys, search

PER_PAGE = 20


class _Counted(list):
    """A page's worth of results that knows the total, for Django's Paginator."""

    def __init__(self, total):
        super().__init__()
        self.total = total

    def count(self):
        return self.total


def search_page(request):
    """The search form and a page of results; the header's figures, the filters' HTML
    and what a search reads first from the cache are read in one round trip."""
    keys = [
        *person_counts.keys_for(request.user),
        *kept_keys(request.user),
        shared_key("search-filters", ()),  # search.html's {% shared_fragment "search-filters" %}
    ]
    with cache_reads.together(keys):
        return _search_page(request)


def _search_page(request):
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


def _rendered(items) -> str:
    """The results' HTML. Written here, not in a template: a page of twenty took the
    template engine 1.4 ms, and caching it cost nearly as much (most searches are asked
    once, and the same result under another search has other marked words). Written
    with `escape` rather than `format_html`: that took 1.5 ms more, mostly in Django's
    lazy-string checks and in formatting dates."""
    answered = f" · {escape(_('Answered'))}"
    language = get_language()
    return mark_safe("".join(_result_html(item, answered, language) for item in items))  # noqa: S308 - escaped


def _result_html(result, answered: str, language: str) -> str:
    """One result; its title and snippet are HTML already (`query.highlighted`)."""
    created = timezone.localtime(result.created_at)
    author = f" · {escape(result.author_name)}" if result.author_name else ""
    return (
        f'<li><a href="{escape(result.url)}"><strong>{result.title_html}</strong></a>'
        f"<p>{result.snippet_html}</p>"
        f'<small class="muted"><span class="search-kind">{escape(str(result.kind))}</span>'
        f" · {escape(result.community_name)}{answered if result.is_answered else ''}{author}"
        f' · <time datetime="{created.isoformat()}">{_day(created.date(), language)}</time>'
        "</small></li>\n"
    )


@lru_cache(maxsize=4096)
def _day(day: date, language: str) -> str:
    """`day` as the language writes it ("7 dicembre 2026"), escaped."""
    return escape(date_format(day, "DATE_FORMAT"))


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 500))
    except ValueError:
        return 1
