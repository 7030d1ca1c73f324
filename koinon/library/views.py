"""Library pages: practices (list, page, edit, history, diff, status, adoption)."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.communities.policy import get_community_for
from koinon.core.models import ActivityEntry
from koinon.lib.errors import ActionError
from koinon.lib.http import is_htmx, paginate
from koinon.library import actions, discussion_links, policy
from koinon.library.diff import compare
from koinon.library.forms import (
    AdoptForm,
    CompareForm,
    DecisionForm,
    MaintainerForm,
    PracticeFilterForm,
    PracticeForm,
    StatusForm,
)
from koinon.library.models import Adoption, Practice, PracticeStatus, ProposalStatus

PER_PAGE = 30
ADOPTERS_SHOWN = 50
TIMELINE_LENGTH = 30


def _form_error(form, error: ActionError):
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _login_or_forbid(request):
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.get_full_path())


def _error(request, error: ActionError):
    """A refused HTMX or plain request: the reason, with the error's 4xx status."""
    template = "library/partials/error.html" if is_htmx(request) else "library/error.html"
    response = render(request, template, {"error": error}, status=error.status)
    if is_htmx(request):
        response["HX-Retarget"] = "#library-messages"
        response["HX-Reswap"] = "innerHTML"
    return response


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- Practices: list and create --------------------------------------------------------


def filter_practices(practices, filters: dict):
    if filters.get("status"):
        practices = practices.filter(status=filters["status"])
    if filters.get("tag"):
        practices = practices.filter(tags__name=filters["tag"])
    return practices


def practice_list(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        return _login_or_forbid(request)
    form = PracticeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    practices = filter_practices(Practice.objects.filter(community=community), filters)
    page = paginate(request, practices.prefetch_related("tags"), PER_PAGE)
    context = {
        "community": community,
        "access": access,
        "page": page,
        "form": form,
        "can_write": policy.can_write(access),
        "query": _without_page(request),
    }
    return render(request, "library/practice_list.html", context)


@login_required
def practice_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        raise Http404
    if not policy.can_write(access):
        raise PermissionDenied
    form = PracticeForm(request.POST or None)
    del form.fields["base_version"]
    if request.method == "POST" and form.is_valid():
        try:
            practice = actions.do_create_practice(request.user, community, **form.cleaned_data)
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(practice)
    context = {"community": community, "form": form}
    status = 400 if form.errors else 200
    return render(request, "library/practice_form.html", context, status=status)


# --- Practice page --------------------------------------------------------------------


def practice_timeline(practice, limit=TIMELINE_LENGTH) -> list[dict]:
    """Versions, status changes and the lessons that touched the practice, newest first."""
    events = []
    for version in practice.versions.select_related("author__profile")[:limit]:
        events.append({"kind": "version", "at": version.created_at, "version": version})
    entries = ActivityEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Practice),
        target_id=practice.pk,
        verb="practice.status_changed",
    ).select_related("actor__profile")[:limit]
    labels = dict(PracticeStatus.choices)
    for entry in entries:
        events.append(
            {
                "kind": "status",
                "at": entry.created_at,
                "actor": policy.person_label(entry.actor),
                "old": labels.get(entry.data.get("old"), entry.data.get("old")),
                "new": labels.get(entry.data.get("new"), entry.data.get("new")),
            }
        )
    events.extend(_lesson_events(practice, limit))
    events.sort(key=lambda e: e["at"], reverse=True)
    return events[:limit]


def _lesson_events(practice, limit) -> list[dict]:
    """Lessons linked to the practice, and the changes they proposed that were accepted."""
    events = [
        {"kind": "lesson", "at": lesson.created_at, "lesson": lesson}
        for lesson in practice.lessons.select_related("community").order_by("-created_at", "-id")[
            :limit
        ]
    ]
    accepted = (
        practice.proposals.filter(status=ProposalStatus.ACCEPTED)
        .select_related("lesson__community")
        .order_by("-decided_at")[:limit]
    )
    events.extend({"kind": "proposal", "at": p.decided_at, "lesson": p.lesson} for p in accepted)
    return events


def _adoption_context(practice, access) -> dict:
    adopters = list(
        Adoption.objects.filter(practice=practice)
        .select_related("user__profile")
        .order_by("-created_at", "-id")[:ADOPTERS_SHOWN]
    )
    mine = None
    if access.is_member:
        mine = next((a for a in adopters if a.user_id == access.user.pk), None)
        if mine is None and practice.adoption_count > len(adopters):
            mine = Adoption.objects.filter(practice=practice, user=access.user).first()
    return {
        "practice": practice,
        "community": practice.community,
        "adopters": adopters,
        "adoption_count": practice.adoption_count,
        "my_adoption": mine,
        "can_adopt": policy.can_adopt(access, practice),
        "adopt_form": AdoptForm(initial={"note": mine.note if mine else ""}),
    }


def _open_proposals(practice) -> list:
    proposals = list(
        practice.proposals.filter(status=ProposalStatus.OPEN).select_related(
            "lesson__author__profile", "lesson__community"
        )[:50]
    )
    for proposal in proposals:
        proposal.author_name = policy.author_label(proposal.lesson)
    return proposals


def _practice_context(request, practice, access) -> dict:
    can_maintain = policy.can_maintain(access, practice)
    return {
        "community": practice.community,
        "practice": practice,
        "access": access,
        "tags": list(practice.tags.all()),
        "maintainers": list(practice.maintainers.select_related("profile")),
        "can_write": policy.can_write(access, practice),
        "can_maintain": can_maintain,
        "status_form": StatusForm(initial={"status": practice.status}) if can_maintain else None,
        "maintainer_form": MaintainerForm() if can_maintain else None,
        "timeline": practice_timeline(practice),
        "proposals": _open_proposals(practice),
        "decision_form": DecisionForm() if can_maintain else None,
        "can_post_lesson": policy.can_write(access),
        "discussions": discussion_links.discussions_of(practice, request.user),
        "standards": list(practice.standards.select_related("community")[:20]),
        **_adoption_context(practice, access),
    }


def practice_detail(request, slug, practice_slug):
    practice, access = policy.get_practice_for(request.user, slug, practice_slug)
    context = _practice_context(request, practice, access)
    return render(request, "library/practice_detail.html", context)


@login_required
def practice_edit(request, slug, practice_slug):
    practice, access = policy.get_practice_for(request.user, slug, practice_slug, "write")
    initial = {
        "title": practice.title,
        "summary": practice.summary,
        "when_to_use": practice.when_to_use,
        "body": practice.body,
        "tags": ", ".join(t.name for t in practice.tags.all()),
        "base_version": practice.version,
    }
    form = PracticeForm(request.POST or None, initial=initial)
    conflict = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["base_version"] = data.get("base_version") or practice.version
        try:
            actions.do_edit_practice(request.user, practice, **data)
        except actions.EditConflict as error:
            conflict = error.current
            _form_error(form, error)
            # The next save is deliberate: it builds on the version now shown.
            form.data = form.data.copy()
            form.data["base_version"] = str(conflict.number)
            status = 409
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(practice)
    if form.errors and status == 200:
        status = 400
    context = {
        "community": practice.community,
        "practice": practice,
        "form": form,
        "conflict": conflict,
        "conflict_changes": _conflict_changes(conflict, form) if conflict else [],
    }
    return render(request, "library/practice_form.html", context, status=status)


class _Draft:
    """The text being edited, shaped like a version so it can be compared."""

    def __init__(self, data, number):
        self.number = number
        for name in ("title", "summary", "when_to_use", "body"):
            setattr(self, name, (data.get(name) or "").replace("\r\n", "\n").strip())


def _conflict_changes(current, form):
    return compare(current, _Draft(form.cleaned_data, current.number + 1))


# --- History and comparison -------------------------------------------------------------


def practice_history(request, slug, practice_slug):
    practice, access = policy.get_practice_for(request.user, slug, practice_slug)
    versions = practice.versions.select_related("author__profile")
    page = paginate(request, versions, PER_PAGE)
    latest = practice.version
    initial = {"a": max(1, latest - 1), "b": latest}
    form = CompareForm(request.GET if "a" in request.GET else None, initial=initial)
    changes, old, new, status = None, None, None, 200
    if form.is_bound:
        if form.is_valid():
            numbers = [form.cleaned_data["a"], form.cleaned_data["b"]]
            found = {v.number: v for v in practice.versions.filter(number__in=numbers)}
            old, new = found.get(numbers[0]), found.get(numbers[1])
            if old is None or new is None:
                form.add_error(None, _("There is no such version."))
                status = 404
            else:
                changes = compare(old, new)
        else:
            status = 400
    context = {
        "community": practice.community,
        "practice": practice,
        "page": page,
        "form": form,
        "changes": changes,
        "old": old,
        "new": new,
        "can_write": policy.can_write(access, practice),
    }
    return render(request, "library/practice_history.html", context, status=status)


def practice_version(request, slug, practice_slug, number):
    practice, access = policy.get_practice_for(request.user, slug, practice_slug)
    version = practice.versions.select_related("author__profile").filter(number=number).first()
    if version is None:
        raise Http404
    from koinon.lib.markdown import render_markdown

    context = {
        "community": practice.community,
        "practice": practice,
        "version": version,
        "body_html": render_markdown(version.body),
        "can_restore": policy.can_write(access, practice) and number != practice.version,
    }
    return render(request, "library/practice_version.html", context)


@require_POST
def practice_restore(request, slug, practice_slug, number):
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    practice, _access = policy.get_practice_for(request.user, slug, practice_slug, "write")
    try:
        actions.do_restore_version(request.user, practice, number)
    except ActionError as error:
        return _error(request, error)
    return redirect(practice)


# --- Status, maintainers, adoption ------------------------------------------------------


@require_POST
def practice_status(request, slug, practice_slug):
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    practice, _access = policy.get_practice_for(request.user, slug, practice_slug, "maintain")
    try:
        actions.do_change_status(request.user, practice, request.POST.get("status", ""))
    except ActionError as error:
        return _error(request, error)
    return redirect(practice)


@require_POST
def practice_maintainers(request, slug, practice_slug):
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    practice, _access = policy.get_practice_for(request.user, slug, practice_slug, "maintain")
    try:
        remove = request.POST.get("remove", "")
        if remove:
            user = practice.maintainers.filter(pk=int(remove) if remove.isdigit() else 0).first()
            if user is None:
                raise ActionError(_("This person is not a maintainer."), code="not_maintainer")
            actions.do_remove_maintainer(request.user, practice, user)
        else:
            actions.do_add_maintainer(request.user, practice, request.POST.get("email", ""))
    except ActionError as error:
        return _error(request, error)
    return redirect(practice)


@require_POST
def practice_adopt(request, slug, practice_slug):
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    practice, access = policy.get_practice_for(request.user, slug, practice_slug, "adopt")
    form = AdoptForm(request.POST)
    try:
        if request.POST.get("undo") == "1":
            actions.do_unadopt(request.user, practice)
        elif form.is_valid():
            actions.do_adopt(request.user, practice, form.cleaned_data["note"])
        else:
            raise ActionError(form.errors["note"][0], field="note")
    except ActionError as error:
        return _error(request, error)
    if not is_htmx(request):
        return redirect(practice)
    practice.refresh_from_db(fields=["adoption_count"])
    context = {**_adoption_context(practice, access), "saved": True}
    return render(request, "library/partials/adoption.html", context)


@login_required
def practice_discuss(request, slug, practice_slug):
    """ "Discuss this practice": open a topic linked back to it."""
    practice, access = policy.get_practice_for(request.user, slug, practice_slug, "write")
    form_class = discussion_links.discuss_form_class()
    initial = {
        "title": _("About the practice: %(title)s") % {"title": practice.title},
        "body": discussion_links.opening_text(practice) + "\n\n",
    }
    form = form_class(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            topic = discussion_links.do_discuss_practice(
                request.user, practice, **form.cleaned_data
            )
        except ActionError as error:
            _form_error(form, error)
            status = error.status
        else:
            return redirect(topic)
    if form.errors and status == 200:
        status = 400
    context = {"community": practice.community, "practice": practice, "form": form}
    return render(request, "library/practice_discuss.html", context, status=status)
