"""The kinds of content the one search knows, for its "kind" filter.

Each kind is a filter value, the model it indexes and a label. Only kinds whose app
and model are installed are offered. "discussion" and "question" narrow the
discussions to one kind of topic.
"""

from dataclasses import dataclass

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from koinon.search.index import POST_KIND


@dataclass(frozen=True)
class Kind:
    value: str
    model: str  # "<app_label>.<model_name>"
    label: str


KINDS = [
    Kind("discussions", POST_KIND, _("Discussions and questions")),
    Kind("practices", "library.practice", _("Practices")),
    Kind("resources", "library.resource", _("Resources")),
    Kind("lessons", "library.lesson", _("Lessons learned")),
    Kind("standards", "standards.standard", _("Standards")),
    Kind("ideas", "projects.idea", _("Ideas")),
    Kind("experiments", "projects.experiment", _("Experiments")),
    Kind("projects", "projects.project", _("Projects")),
    Kind("events", "events.event", _("Events")),
    Kind("opportunities", "opportunities.opportunity", _("Opportunities")),
]
TOPIC_KINDS = {"discussion": _("Discussions only"), "question": _("Questions only")}


def _installed(model: str) -> bool:
    try:
        apps.get_model(model)
    except (LookupError, ValueError):
        return False
    return True


def available() -> list[Kind]:
    return [kind for kind in KINDS if _installed(kind.model)]


def by_value(value: str) -> Kind | None:
    return next((kind for kind in available() if kind.value == value), None)


def by_model(model: str) -> Kind | None:
    return next((kind for kind in KINDS if kind.model == model), None)


def choices() -> list[tuple[str, str]]:
    """The filter's choices: every installed kind, the topic kinds after discussions."""
    result = []
    for kind in available():
        result.append((kind.value, kind.label))
        if kind.model == POST_KIND:
            result += list(TOPIC_KINDS.items())
    return result


def is_valid(value: str) -> bool:
    return value in TOPIC_KINDS or by_value(value) is not None


def singular_label(model: str) -> str:
    """The model's own name for one of its objects: "Practice", "Event"."""
    try:
        return str(capfirst(apps.get_model(model)._meta.verbose_name))
    except (LookupError, ValueError):
        return model


def filter_values() -> list[str]:
    """Every value the filter accepts (kinds of apps not installed find nothing)."""
    return [kind.value for kind in KINDS] + list(TOPIC_KINDS)
