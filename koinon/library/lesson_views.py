"""Lesson pages: the log, the "learning from errors" view, writing, and change proposals."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from koinon.communities.policy import get_community_for
from koinon.lib.errors import ActionError
from koinon.lib.http import paginate
from koinon.library import actions, policy
from koinon.library.forms import DecisionForm, LessonFilterForm, LessonForm
from koinon.library.models import Lesson, Outcome
from koinon.library.views import (
    PER_PAGE,
    _error,
    _form_error,
    _login_or_forbid,
    _without_page,
)


def lesson_list(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        return _login_or_forbid(request)
    form = LessonFilterForm(request.GET or None)
    lessons = Lesson.objects.filter(community=community).select_related(
        "community", "author__profile"
    )
    if form.is_valid() and form.cleaned_data.get("outcome"):
        lessons = lessons.filter(outcome=form.cleaned_data["outcome"])
    page = paginate(request, lessons, PER_PAGE)
    for lesson in page:
        lesson.author_name = policy.author_label(lesson)
    context = {
        "community": community,
        "page": page,
        "form": form,
        "can_write": policy.can_write(access),
        "query": _without_page(request),
    }
    return render(request, "library/lesson_list.html", context)


def lesson_errors(request, slug):
    """Failed and partly failed experiments, shown without blame: no names at all."""
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        return _login_or_forbid(request)
    lessons = (
        Lesson.objects.filter(community=community, outcome__in=[Outcome.FAILED, Outcome.PARTLY])
        .select_related("community")
        .prefetch_related("practices")
    )
    page = paginate(request, lessons, PER_PAGE)
    context = {
        "community": community,
        "page": page,
        "can_write": policy.can_write(access),
        "query": _without_page(request),
    }
    return render(request, "library/lesson_errors.html", context)


def _lesson_form(request, community, access, **kwargs):
    return LessonForm(
        request.POST or None,
        community=community,
        allow_anonymous=policy.can_post_anonymously(access),
        **kwargs,
    )


@login_required
def lesson_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        raise Http404
    if not policy.can_write(access):
        raise PermissionDenied
    initial = {}
    chosen = community.practices.filter(slug=request.GET.get("practice", "")).first()
    if chosen:
        initial = {"practices": [chosen.pk], "proposal_practice": chosen.pk}
    form = _lesson_form(request, community, access, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = actions.do_create_lesson(request.user, community, **form.cleaned_data)
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(lesson)
    context = {"community": community, "form": form}
    status = 400 if form.errors else 200
    return render(request, "library/lesson_form.html", context, status=status)


def lesson_detail(request, slug, lesson_id):
    lesson, access = policy.get_lesson_for(request.user, slug, lesson_id)
    context = {
        "community": lesson.community,
        "lesson": lesson,
        "author_name": policy.author_label(lesson),
        "practices": list(lesson.practices.all()),
        "proposals": list(lesson.proposals.select_related("practice")),
        "can_edit": policy.can_edit_own(access, lesson),
    }
    return render(request, "library/lesson_detail.html", context)


@login_required
def lesson_edit(request, slug, lesson_id):
    lesson, access = policy.get_lesson_for(request.user, slug, lesson_id, "edit_own")
    initial = {
        "title": lesson.title,
        "context": lesson.context,
        "tried": lesson.tried,
        "outcome": lesson.outcome,
        "learned": lesson.learned,
        "recommend": lesson.recommend,
        "practices": [p.pk for p in lesson.practices.all()],
    }
    form = _lesson_form(request, lesson.community, access, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_edit_lesson(request.user, lesson, **form.cleaned_data)
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(lesson)
    context = {"community": lesson.community, "lesson": lesson, "form": form}
    status = 400 if form.errors else 200
    return render(request, "library/lesson_form.html", context, status=status)


@require_POST
def proposal_decide(request, proposal_id):
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    proposal, _access = policy.get_proposal_for(request.user, proposal_id, "maintain")
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ActionError(next(iter(form.errors.values()))[0], code="invalid")
        actions.do_decide_proposal(
            request.user,
            proposal,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
        )
    except ActionError as error:
        return _error(request, error)
    return redirect(proposal.practice.get_absolute_url() + "#proposals")
