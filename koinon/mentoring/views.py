"""Mentoring pages: offers, requests with proposed mentors, mentorships, pairing by hand."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.communities.policy import get_community_for
from koinon.lib.errors import ActionError, Forbidden
from koinon.lib.http import is_htmx, paginate
from koinon.mentoring import actions, policy
from koinon.mentoring.forms import (
    AskForm,
    FeedbackForm,
    GoalForm,
    NoteForm,
    OfferForm,
    PairForm,
    ProgressForm,
    RequestForm,
)
from koinon.mentoring.matching import match_offers, with_offers
from koinon.mentoring.models import Goal, MentoringRequest, OfferSkill, RequestSkill, Status

OFFERS_PER_PAGE = 20
MATCHES_SHOWN = 10


def _form_error(form, error: ActionError):
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _with_skills(offers):
    return offers.select_related("mentor__profile", "community").prefetch_related(
        Prefetch("offer_skills", queryset=OfferSkill.objects.select_related("skill"))
    )


@login_required
def home(request):
    user = request.user
    mentorships = (
        policy.mentorships_for(user)
        .select_related("mentor__profile", "mentee__profile")
        .order_by("-updated_at")[:50]
    )
    context = {
        "offers": _with_skills(user.mentoring_offers.all()),
        "requests": user.mentoring_requests.exclude(status="closed")[:20],
        "mentorships": mentorships,
    }
    return render(request, "mentoring/home.html", context)


@login_required
def offer_list(request):
    offers = _with_skills(policy.visible_offers_for(request.user).filter(is_active=True))
    offers = offers.exclude(mentor=request.user)
    query = request.GET.get("skill", "").strip()[:80]
    if query:
        offers = offers.filter(
            Q(offer_skills__skill__name__iexact=query) | Q(topics__icontains=query)
        ).distinct()
    page = paginate(request, offers, OFFERS_PER_PAGE)
    return render(request, "mentoring/offer_list.html", {"page": page, "query": query})


@login_required
def offer_create(request):
    form = OfferForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            offer = actions.do_create_offer(request.user, **form.cleaned_data)
        except ActionError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your mentoring offer is published."))
            return redirect(offer)
    status = 400 if form.errors else 200
    return render(request, "mentoring/offer_form.html", {"form": form}, status=status)


@login_required
def offer_detail(request, offer_id):
    offer = policy.get_offer_for(request.user, offer_id)
    open_requests = request.user.mentoring_requests.filter(status="open")
    context = {
        "offer": offer,
        "skills": offer.offer_skills.select_related("skill"),
        "free_places": offer.capacity - actions.places_taken(offer),
        "ask_form": AskForm(initial={"request": getattr(open_requests.first(), "pk", None)}),
        "is_mine": offer.mentor_id == request.user.pk,
    }
    return render(request, "mentoring/offer_detail.html", context)


@login_required
@require_POST
def offer_toggle(request, offer_id):
    offer = policy.get_offer_for(request.user, offer_id)
    try:
        actions.do_update_offer(request.user, offer, is_active=not offer.is_active)
    except Forbidden as error:
        messages.error(request, error.message)
    return redirect(offer)


@login_required
@require_POST
def offer_ask(request, offer_id):
    """ "Ask this mentor": from a request page (with the request) or from the offer page."""
    offer = policy.get_offer_for(request.user, offer_id)
    form = AskForm(request.POST)
    found = None
    if form.is_valid() and form.cleaned_data["request"]:
        found = get_object_or_404(
            MentoringRequest, pk=form.cleaned_data["request"], mentee=request.user
        )
    try:
        mentorship = actions.do_ask_mentor(
            request.user, offer, request=found, message=form.cleaned_data.get("message", "")
        )
    except ActionError as error:
        messages.error(request, error.message)
        return redirect(found or offer)
    messages.success(request, _("Your request was sent to %(name)s.") % {"name": offer.mentor})
    return redirect(mentorship)


@login_required
def request_create(request):
    form = RequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            found = actions.do_create_request(
                request.user,
                goals=data["goals"],
                skills=form.skills(),
                languages=data["languages"],
                time_zone=data["time_zone"],
                community=data["community"],
            )
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(found)
    status = 400 if form.errors else 200
    return render(request, "mentoring/request_form.html", {"form": form}, status=status)


@login_required
def request_detail(request, request_id):
    """The request; its author also sees the proposed mentors with their reasons."""
    found = policy.get_request_for(request.user, request_id)
    is_mine = found.mentee_id == request.user.pk
    matches = []
    if is_mine and found.status == "open":
        matches = with_offers(match_offers(found, limit=MATCHES_SHOWN))
    context = {
        "found": found,
        "is_mine": is_mine,
        "skills": RequestSkill.objects.filter(request=found).select_related("skill"),
        "matches": matches,
        "asked": set(
            found.mentorships.filter(status__in=["requested", "accepted", "active"]).values_list(
                "offer_id", flat=True
            )
        ),
    }
    return render(request, "mentoring/request_detail.html", context)


@login_required
@require_POST
def request_close(request, request_id):
    found = policy.get_request_for(request.user, request_id)
    try:
        actions.do_close_request(request.user, found)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(found)


# --- Mentorships ---------------------------------------------------------------------


def _mentorship_context(request, mentorship, **forms):
    user = request.user
    feedback = list(mentorship.feedback.all())
    context = {
        "m": mentorship,
        "is_mentor": mentorship.mentor_id == user.pk,
        "other": mentorship.mentee if mentorship.mentor_id == user.pk else mentorship.mentor,
        "goals": mentorship.goals.all(),
        "notes": mentorship.notes.select_related("author__profile"),
        "feedback": feedback,
        "gave_feedback": any(f.author_id == user.pk for f in feedback),
        "running": mentorship.status in (Status.ACCEPTED, Status.ACTIVE),
        "goal_form": forms.get("goal_form") or GoalForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "feedback_form": forms.get("feedback_form") or FeedbackForm(),
    }
    return context


@login_required
def mentorship_detail(request, mentorship_id):
    mentorship = policy.get_mentorship_for(request.user, mentorship_id)
    return render(
        request, "mentoring/mentorship_detail.html", _mentorship_context(request, mentorship)
    )


TRANSITIONS = {
    "accept": (actions.do_accept_mentorship, {}),
    "decline": (actions.do_decline_mentorship, {}),
    "start": (actions.do_start_mentorship, {}),
    "complete": (actions.do_finish_mentorship, {"completed": True}),
    "end": (actions.do_finish_mentorship, {"completed": False}),
}


@login_required
@require_POST
def mentorship_transition(request, mentorship_id, step):
    mentorship_id = int(mentorship_id)
    mentorship = policy.get_mentorship_for(request.user, mentorship_id)
    action, kwargs = TRANSITIONS[step]
    try:
        action(request.user, mentorship, **kwargs)
    except ActionError as error:
        messages.error(request, error.message)
        context = _mentorship_context(request, mentorship)
        return render(request, "mentoring/mentorship_detail.html", context, status=error.status)
    return redirect(mentorship)


def _post_form(request, mentorship, form_class, key, write):
    """Validate, write, and redirect; or show the page again with the reasons (400, 409)."""
    form = form_class(request.POST)
    status = 400
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except ActionError as error:
            status = error.status
            if error.field in form.fields:
                form.add_error(error.field, str(error.message))
            else:
                messages.error(request, error.message)
        else:
            return redirect(mentorship)
    context = _mentorship_context(request, mentorship, **{key: form})
    return render(request, "mentoring/mentorship_detail.html", context, status=status)


@login_required
@require_POST
def goal_add(request, mentorship_id):
    m = policy.get_mentorship_for(request.user, mentorship_id)
    return _post_form(
        request, m, GoalForm, "goal_form", lambda d: actions.do_add_goal(request.user, m, **d)
    )


@login_required
@require_POST
def note_add(request, mentorship_id):
    m = policy.get_mentorship_for(request.user, mentorship_id)
    return _post_form(
        request, m, NoteForm, "note_form", lambda d: actions.do_add_note(request.user, m, **d)
    )


@login_required
@require_POST
def feedback_add(request, mentorship_id):
    m = policy.get_mentorship_for(request.user, mentorship_id)
    return _post_form(
        request,
        m,
        FeedbackForm,
        "feedback_form",
        lambda d: actions.do_leave_feedback(request.user, m, **d),
    )


@login_required
@require_POST
def goal_progress(request, goal_id):
    """Set a goal's progress; an HTMX request gets the goal's row back."""
    goal = get_object_or_404(
        Goal.objects.select_related("mentorship").filter(
            Q(mentorship__mentor=request.user) | Q(mentorship__mentee=request.user)
        ),
        pk=goal_id,
    )
    error = None
    if goal.kind == "done":
        value = request.POST.get("done") == "1"
    else:
        form = ProgressForm(request.POST)
        value = form.cleaned_data["progress"] if form.is_valid() else request.POST.get("progress")
    try:
        actions.do_set_goal_progress(request.user, goal, value)
    except ActionError as exc:
        error = exc.message
        goal.refresh_from_db()
    status = 400 if error else 200
    if is_htmx(request):
        context = {"goal": goal, "error": error, "running": True}
        return render(request, "mentoring/partials/goal.html", context, status=status)
    if error:
        messages.error(request, error)
    return redirect(goal.mentorship)


@login_required
def pair(request, slug):
    community, _access = get_community_for(request.user, slug)
    if not policy.can_pair_in(request.user, community):
        raise PermissionDenied
    form = PairForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            mentorship = actions.do_pair_by_hand(request.user, community, **form.cleaned_data)
        except ActionError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("%(mentee)s and %(mentor)s are now paired.")
                % {"mentee": mentorship.mentee, "mentor": mentorship.mentor},
            )
            return redirect("mentoring-pair", slug=community.slug)
    status = 400 if form.errors else 200
    context = {"community": community, "form": form}
    return render(request, "mentoring/pair_form.html", context, status=status)
