"""Indexing the content of other apps: one `sync` per object, and the backfill.

`sync(obj)` indexes the object as it is in the database when every member of its
community may see it, and drops it from the index otherwise (a members-only project,
a cancelled event, a deleted row). The apps' actions call it after each write;
`rebuild` backfills every existing row (`python -m koinon search_reindex`).

Each builder returns the keyword arguments of `index_item`, or None when the object
must not be found. Events of a series are one result: the series' next meeting (or
its last one, once they are all past), so a weekly meeting does not fill a page.
"""

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from koinon.search.index import index_item, kind_of, unindex_item
from koinon.search.models import Document

BUILDERS = {}


def builder(kind):
    def register(function):
        BUILDERS[kind] = function
        return function

    return register


def language_of(community) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    for language in community.languages or []:
        if language in codes:
            return language
    return settings.LANGUAGE_CODE


def _text(*parts) -> str:
    return "\n".join(str(part) for part in parts if part)


def _common(obj, title, body, author, created_at=None, group=None) -> dict:
    return {
        "community": obj.community,
        "title": title,
        "body_html_or_text": body,
        "url": obj.get_absolute_url(),
        "language": language_of(obj.community),
        "author": author,
        "group": group,
        "created_at": created_at if created_at is not None else obj.created_at,
    }


@builder("library.practice")
def _practice(practice):
    body = _text(practice.summary, practice.when_to_use, practice.body_html)
    return _common(practice, practice.title, body, practice.created_by)


@builder("library.resource")
def _resource(resource):
    body = _text(
        resource.authors, resource.publisher, resource.year, resource.description, resource.doi
    )
    return _common(resource, resource.title, body, resource.added_by)


@builder("library.lesson")
def _lesson(lesson):
    body = _text(lesson.context, lesson.tried, lesson.learned, lesson.recommend)
    author = None if lesson.is_anonymous else lesson.author
    return _common(lesson, lesson.title, body, author)


@builder("projects.idea")
def _idea(idea):
    body = _text(idea.problem, idea.proposal, idea.benefit)
    return _common(idea, idea.title, body, idea.author)


@builder("projects.experiment")
def _experiment(experiment):
    body = _text(experiment.hypothesis, experiment.tried, experiment.measure, experiment.learned)
    return _common(experiment, experiment.title, body, experiment.author)


@builder("projects.project")
def _project(project):
    if project.visibility != "community":
        return None  # seen by the project's members only
    return _common(project, project.title, project.purpose, project.created_by)


@builder("events.event")
def _event(event):
    if event.cancelled_at is not None:
        return None
    body = _text(event.description_html, event.venue, event.speaker_names, event.materials_html)
    return _common(
        event, event.title, body, event.created_by, created_at=event.starts_at, group=event.group
    )


SELECT_RELATED = {"events.event": ["community", "group"]}


def _fresh(model, pk):
    related = SELECT_RELATED.get(f"{model._meta.app_label}.{model._meta.model_name}", ["community"])
    return model._default_manager.select_related(*related).filter(pk=pk).first()


def sync(obj) -> None:
    """Index `obj` as the database has it now, or drop it when it must not be found."""
    kind = kind_of(obj)
    current = _fresh(type(obj), obj.pk)
    if kind == "events.event" and current is not None and current.series_id:
        _sync_series(current.series_id)
        return
    fields = BUILDERS[kind](current) if current is not None else None
    if fields is None:
        unindex_item(obj)
    else:
        index_item(current, **fields)


def _series_representative(occurrences, now):
    """The next meeting not cancelled, else the last one held."""
    live = [o for o in occurrences if o.cancelled_at is None]
    coming = [o for o in live if o.ends_at >= now]
    if coming:
        return coming[0]
    return live[-1] if live else None


def _sync_series(series_id) -> None:
    Event = apps.get_model("events", "Event")
    occurrences = list(
        Event.objects.select_related("community", "group")
        .filter(series_id=series_id)
        .order_by("starts_at", "pk")
    )
    chosen = _series_representative(occurrences, timezone.now())
    others = [o.pk for o in occurrences if chosen is None or o.pk != chosen.pk]
    Document.objects.filter(kind="events.event", object_id__in=others).delete()
    if chosen is not None:
        index_item(chosen, **_event(chosen))


def _installed(kind) -> bool:
    try:
        apps.get_model(kind)
    except LookupError:
        return False
    return True


def rebuild(batch_size: int = 500) -> int:
    """Index again every object of every kind known here; returns how many are indexed."""
    count = 0
    for kind in BUILDERS:
        if not _installed(kind):
            continue
        Document.objects.filter(kind=kind).delete()
        count += _backfill(kind, batch_size)
    return count


def _backfill(kind, batch_size) -> int:
    model = apps.get_model(kind)
    rows = model._default_manager.select_related(*SELECT_RELATED.get(kind, ["community"]))
    series_done, count, last = set(), 0, 0
    while True:
        batch = list(rows.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return count
        last = batch[-1].pk
        with transaction.atomic():
            for obj in batch:
                if kind == "events.event" and obj.series_id:
                    if obj.series_id not in series_done:
                        series_done.add(obj.series_id)
                        _sync_series(obj.series_id)
                        count += 1
                    continue
                fields = BUILDERS[kind](obj)
                if fields is not None:
                    index_item(obj, **fields)
                    count += 1


def unindex_deleted(sender, instance, **kwargs) -> None:
    """post_delete: whatever is deleted leaves the index (any path, bulk deletes too)."""
    unindex_item(instance)
