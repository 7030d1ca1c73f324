"""`kept_reverse`: Django's `reverse`, each address reversed once per process.

Django reverses an address anew at each call: 10 to 50 µs, and a page of twenty
search results or a template with twenty `{% url %}` asks for many. An address depends
only on the view's name, its arguments, the URL configuration, the script prefix and
the language, so those make the key.
"""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


@lru_cache(maxsize=10_000)
def _reversed(view_name, args, kwargs, current_app, urlconf, prefix, language) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def kept_reverse(view_name, args=(), kwargs=None, current_app=None) -> str:
    kwargs = kwargs or {}
    where = (get_urlconf(), get_script_prefix(), get_language())
    try:
        return _reversed(view_name, tuple(args), tuple(sorted(kwargs.items())), current_app, *where)
    except TypeError:  # an argument that cannot be a key
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
