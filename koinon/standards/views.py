"""Standards pages: list, draft, text by sections with comments and amendments,
history and comparison, review period, ratification vote, published text."""

import datetime

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.communities.policy import get_community_for
from koinon.discussions import policy as discussions_policy
from koinon.lib.errors import ActionError
from koinon.lib.http import paginate
from koinon.lib.markdown import render_markdown
from koinon.library import policy as library_policy
from koinon.standards import actions, policy, sections
from koinon.standards.diff import compare
from koinon.standards.forms import (
    AmendmentForm,
    CommentForm,
    CompareForm,
    DecisionForm,
    DrafterForm,
    FilterForm,
    OpenVoteForm,
    ReviewForm,
    StandardForm,
    VoteForm,
)
from koinon.standards.models import (
    Amendment,
    AmendmentStatus,
    Ballot,
    Standard,
    StandardStatus,
    Vote,
)

PER_PAGE = 30


def _form_error(form, error: ActionError):
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _login_or_forbid(request):
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.get_full_path())


def _error(request, error: ActionError, standard=None):
    context = {"error": error, "standard": standard}
    if standard is not None:
        context["community"] = standard.community
    return render(request, "standards/error.html", context, status=error.status)


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- List and draft ----------------------------------------------------------------------


def standard_list(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        return _login_or_forbid(request)
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    standards = Standard.objects.filter(community=community).select_related("community", "group")
    if filters.get("kind"):
        standards = standards.filter(kind=filters["kind"])
    if filters.get("status"):
        standards = standards.filter(status=filters["status"])
    context = {
        "community": community,
        "page": paginate(request, standards, PER_PAGE),
        "form": form,
        "can_draft": policy.can_draft(access),
        "query": _without_page(request),
    }
    return render(request, "standards/standard_list.html", context)


def _origin(request, community, data):
    """The discussion or practice a draft starts from (only one the drafter may read)."""
    topic_id, practice_id = data.get("topic"), data.get("practice")
    topic = practice = None
    if topic_id:
        try:
            topic, _access = discussions_policy.get_topic_by_id_for(request.user, int(topic_id))
        except (TypeError, ValueError):
            raise Http404 from None
        if topic.community_id != community.pk:
            raise Http404
    elif practice_id:
        try:
            practice, _access = library_policy.get_practice_by_id_for(
                request.user, int(practice_id)
            )
        except (TypeError, ValueError):
            raise Http404 from None
        if practice.community_id != community.pk:
            raise Http404
    return topic, practice


@login_required
def standard_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        raise Http404
    if not policy.can_draft(access):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    topic, practice = _origin(request, community, source)
    initial = {}
    if topic is not None:
        initial = {**actions.draft_from_topic(topic), "topic": topic.pk}
    elif practice is not None:
        initial = {**actions.draft_from_practice(practice), "practice": practice.pk}
    form = StandardForm(request.POST or None, initial=initial, community=community)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("topic", None)
        data.pop("practice", None)
        try:
            standard = actions.do_create_standard(
                request.user, community, origin_topic=topic, origin_practice=practice, **data
            )
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(standard)
    context = {"community": community, "form": form, "topic": topic, "practice": practice}
    status = 400 if form.errors else 200
    return render(request, "standards/standard_form.html", context, status=status)


# --- The standard's page ---------------------------------------------------------------


def _sections(standard, comments, amendments) -> tuple[list[dict], list]:
    by_section, open_by_section = {}, {}
    for comment in comments:
        by_section.setdefault(comment.section, []).append(comment)
    for amendment in amendments:
        open_by_section.setdefault(amendment.section, []).append(amendment)
    result = []
    for section in sections.split(standard.body):
        result.append(
            {
                "key": section.key,
                "label": sections.label(section),
                "html": render_markdown(section.text),
                "comments": by_section.pop(section.key, []),
                "amendments": open_by_section.get(section.key, []),
            }
        )
    return result, [c for rest in by_section.values() for c in rest]


def _ballot_context(standard, access) -> dict:
    ballots = list(
        Ballot.objects.filter(standard=standard).select_related("group").order_by("-opens_at")[:20]
    )
    current = next((b for b in ballots if not b.is_closed), None)
    my_vote = None
    eligible = False
    now = timezone.now()
    if current is not None and access.is_member:
        my_vote = Vote.objects.filter(ballot=current, voter=access.user).first()
        eligible = (
            actions.eligible_ids(standard, current.group, current.opens_at)
            .filter(user_id=access.user.pk)
            .exists()
        )
    votes_cast = current.votes.count() if current else 0
    return {
        "ballot": current,
        "past_ballots": [b for b in ballots if b.is_closed],
        "my_vote": my_vote,
        "can_vote": bool(
            current and eligible and my_vote is None and current.opens_at <= now < current.closes_at
        ),
        "votes_cast": votes_cast,
        "vote_form": VoteForm(),
    }


def _detail_context(request, standard, access) -> dict:
    comments = standard.comments.select_related("author__profile")
    amendments = list(
        standard.amendments.filter(status=AmendmentStatus.OPEN).select_related("author__profile")
    )
    section_list, orphan_comments = _sections(standard, comments, amendments)
    can_edit = policy.can_edit(access, standard)
    can_amend = policy.is_eligible(access, standard) and standard.status in (
        StandardStatus.DRAFT,
        StandardStatus.REVIEW,
    )
    now = timezone.now()
    review_open = (
        standard.status == StandardStatus.REVIEW
        and standard.review_opens_at <= now < standard.review_closes_at
    )
    decided = standard.amendments.exclude(status=AmendmentStatus.OPEN).select_related(
        "author__profile", "decided_by__profile"
    )[:50]
    return {
        "community": standard.community,
        "standard": standard,
        "access": access,
        "sections": section_list,
        "orphan_comments": orphan_comments,
        "open_amendments": amendments,
        "decided_amendments": list(decided),
        "drafters": list(standard.drafters.select_related("profile")),
        "can_edit": can_edit,
        "can_comment": policy.can_comment(access, standard),
        "can_amend": can_amend and (standard.status == StandardStatus.DRAFT or review_open),
        "review_open": review_open,
        "comment_form": CommentForm(),
        "decision_form": DecisionForm(),
        "review_form": ReviewForm() if can_edit else None,
        "open_vote_form": OpenVoteForm(community=standard.community) if can_edit else None,
        "drafter_form": DrafterForm() if can_edit else None,
        **_ballot_context(standard, access),
    }


def standard_detail(request, slug, standard_slug):
    standard, access = policy.get_standard_for(request.user, slug, standard_slug)
    actions.close_if_due(standard)
    context = _detail_context(request, standard, access)
    return render(request, "standards/standard_detail.html", context)


@login_required
def standard_edit(request, slug, standard_slug):
    standard, access = policy.get_standard_for(request.user, slug, standard_slug, "edit")
    actions.close_if_due(standard)
    if standard.is_frozen:
        return _error(request, actions.frozen_error(), standard)
    initial = {
        "kind": standard.kind,
        "title": standard.title,
        "summary": standard.summary,
        "body": standard.body,
        "base_version": standard.version,
    }
    form = StandardForm(
        request.POST or None, initial=initial, community=standard.community, editing=True
    )
    conflict, status = None, 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["base_version"] = data.get("base_version") or standard.version
        try:
            actions.do_edit_standard(request.user, standard, **data)
        except actions.EditConflict as error:
            conflict = error.current
            _form_error(form, error)
            form.data = form.data.copy()
            form.data["base_version"] = str(conflict.number)
            status = 409
        except ActionError as error:
            _form_error(form, error)
            status = error.status
        else:
            return redirect(standard)
    if form.errors and status == 200:
        status = 400
    changes = []
    if conflict is not None:
        mine = _Draft(form.cleaned_data, conflict.number + 1)
        changes = compare(conflict, mine)
    context = {
        "community": standard.community,
        "standard": standard,
        "form": form,
        "conflict": conflict,
        "conflict_changes": changes,
    }
    return render(request, "standards/standard_form.html", context, status=status)


class _Draft:
    def __init__(self, data, number):
        self.number = number
        for name in ("title", "summary", "body"):
            setattr(self, name, (data.get(name) or "").replace("\r\n", "\n").strip())


# --- History, versions, published text -------------------------------------------------


def standard_history(request, slug, standard_slug):
    standard, access = policy.get_standard_for(request.user, slug, standard_slug)
    versions = standard.versions.select_related("author__profile")
    page = paginate(request, versions, PER_PAGE)
    latest = standard.version
    initial = {"a": max(1, latest - 1), "b": latest}
    form = CompareForm(request.GET if "a" in request.GET else None, initial=initial)
    changes, old, new, status = None, None, None, 200
    if form.is_bound:
        if form.is_valid():
            numbers = [form.cleaned_data["a"], form.cleaned_data["b"]]
            found = {v.number: v for v in standard.versions.filter(number__in=numbers)}
            old, new = found.get(numbers[0]), found.get(numbers[1])
            if old is None or new is None:
                form.add_error(None, _("There is no such version."))
                status = 404
            else:
                changes = compare(old, new)
        else:
            status = 400
    context = {
        "community": standard.community,
        "standard": standard,
        "page": page,
        "form": form,
        "changes": changes,
        "old": old,
        "new": new,
        "ratified_numbers": _ratified_numbers(standard),
    }
    return render(request, "standards/standard_history.html", context, status=status)


def _ratified_numbers(standard) -> set:
    return set(
        Ballot.objects.filter(standard=standard, result="ratified").values_list(
            "version", flat=True
        )
    )


def standard_version(request, slug, standard_slug, number):
    standard, access = policy.get_standard_for(request.user, slug, standard_slug)
    version = standard.versions.select_related("author__profile").filter(number=number).first()
    if version is None:
        raise Http404
    ratified = _ratified_numbers(standard)
    context = {
        "community": standard.community,
        "standard": standard,
        "version": version,
        "body_html": render_markdown(version.body),
        "was_ratified": number in ratified,
        "superseded": number in ratified and number != standard.ratified_version,
        "can_restore": policy.can_edit(access, standard)
        and number != standard.version
        and not standard.is_frozen,
    }
    return render(request, "standards/standard_version.html", context)


def standard_published(request, slug, standard_slug):
    """The ratified text, with its change log and the votes that ratified it."""
    standard, access = policy.get_standard_for(request.user, slug, standard_slug)
    actions.close_if_due(standard)
    if not standard.ratified_version:
        raise Http404
    version = standard.versions.get(number=standard.ratified_version)
    change_log = list(
        standard.versions.filter(number__lte=standard.ratified_version)
        .select_related("author__profile", "amendment__author__profile")
        .order_by("-number")[:200]
    )
    ratifications = list(
        Ballot.objects.filter(standard=standard, result="ratified").order_by("-closed_at")
    )
    context = {
        "community": standard.community,
        "standard": standard,
        "version": version,
        "body_html": render_markdown(version.body),
        "change_log": change_log,
        "ratifications": ratifications,
        "ballot": ratifications[0] if ratifications else None,
    }
    return render(request, "standards/standard_published.html", context)


# --- Writes from the page ---------------------------------------------------------------


def _post_view(action="read"):
    """A POST-only view on one standard: sign-in first, then policy, then the action."""

    def decorator(func):
        @require_POST
        def view(request, slug, standard_slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return _login_or_forbid(request)
            standard, access = policy.get_standard_for(request.user, slug, standard_slug, action)
            actions.close_if_due(standard)
            try:
                return func(request, standard, access, *args, **kwargs)
            except ActionError as error:
                return _error(request, error, standard)

        view.__name__ = func.__name__
        return view

    return decorator


def _at(standard, anchor: str) -> str:
    return f"{standard.get_absolute_url()}#{anchor}"


@_post_view()
def standard_restore(request, standard, access, number):
    actions.do_restore_version(request.user, standard, number)
    return redirect(standard)


@_post_view()
def section_comment(request, standard, access, key):
    form = CommentForm(request.POST)
    if not form.is_valid():
        raise ActionError(form.errors["body"][0], field="body")
    actions.do_comment(request.user, standard, section=key, body=form.cleaned_data["body"])
    return redirect(_at(standard, f"section-{key}"))


@login_required
def amendment_create(request, slug, standard_slug, key):
    standard, access = policy.get_standard_for(request.user, slug, standard_slug)
    actions.close_if_due(standard)
    section = sections.find(standard.body, key)
    if section is None:
        raise Http404
    form = AmendmentForm(request.POST or None, initial={"text": section.text.strip()})
    status = 200
    if not policy.is_eligible(access, standard):
        return _error(
            request,
            ActionError(
                _("Only the members eligible to ratify this text can propose amendments."),
                code="forbidden",
                status=403,
            ),
            standard,
        )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_propose_amendment(request.user, standard, section=key, **form.cleaned_data)
        except ActionError as error:
            _form_error(form, error)
            status = error.status
        else:
            return redirect(_at(standard, f"section-{key}"))
    if form.errors and status == 200:
        status = 400
    context = {
        "community": standard.community,
        "standard": standard,
        "section": section,
        "section_label": sections.label(section),
        "form": form,
    }
    return render(request, "standards/amendment_form.html", context, status=status)


@_post_view()
def amendment_decide(request, standard, access, amendment_id):
    amendment = Amendment.objects.filter(standard=standard, pk=amendment_id).first()
    if amendment is None:
        raise Http404
    amendment.standard = standard
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise ActionError(_("Please choose accept or reject."), field="decision")
    accept = form.cleaned_data["decision"] == "accept"
    actions.do_decide_amendment(
        request.user, amendment, accept=accept, reason=form.cleaned_data["reason"]
    )
    return redirect(_at(standard, "amendments"))


def _day_start(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@_post_view()
def review_open(request, standard, access):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        field = next(iter(form.errors))
        raise ActionError(form.errors[field][0], field=field)
    opens = _day_start(form.cleaned_data["opens_at"])
    closes = _day_start(form.cleaned_data["closes_at"] + datetime.timedelta(days=1))
    actions.do_open_review(request.user, standard, opens_at=opens, closes_at=closes)
    return redirect(standard)


@_post_view()
def vote_open(request, standard, access):
    form = OpenVoteForm(request.POST, community=standard.community)
    if not form.is_valid():
        field = next(iter(form.errors))
        raise ActionError(form.errors[field][0], field=field)
    actions.do_open_vote(request.user, standard, **form.cleaned_data)
    return redirect(_at(standard, "vote"))


@_post_view()
def vote_cast(request, standard, access):
    ballot = actions.open_ballot(standard)
    if ballot is None:
        raise ActionError(_("There is no open vote on this text."), code="no_vote")
    form = VoteForm(request.POST)
    if not form.is_valid():
        field = next(iter(form.errors))
        raise ActionError(form.errors[field][0], field=field)
    ballot.standard = standard
    actions.do_vote(request.user, ballot, **form.cleaned_data)
    return redirect(_at(standard, "vote"))


@_post_view()
def vote_close(request, standard, access):
    ballot = actions.open_ballot(standard)
    if ballot is None:
        raise ActionError(_("There is no open vote on this text."), code="no_vote")
    ballot.standard = standard
    actions.do_close_vote(request.user, ballot)
    if standard.status == StandardStatus.RATIFIED:
        return redirect(
            reverse("standard-published", args=[standard.community.slug, standard.slug])
        )
    return redirect(_at(standard, "vote"))


@_post_view()
def drafter_add(request, standard, access):
    actions.do_add_drafter(request.user, standard, request.POST.get("email", ""))
    return redirect(_at(standard, "drafters"))
