"""Learning pages: programmes, modules and cohorts; a participant's progress and
hand-ins (drafts autosaved with HTMX); the facilitators' progress grid, feedback,
peer-review assignment and completion; certificates and their public verification;
a person's skills and goals with a chart; a community's skills map."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.accounts.models import Skill, User
from koinon.communities.models import GroupKind
from koinon.communities.policy import get_community_for
from koinon.communities.views import error_page, form_error
from koinon.learning import actions, charts, pdf, policy
from koinon.learning.forms import (
    AssessmentForm,
    CohortForm,
    FeedbackForm,
    GoalForm,
    GoalStatusForm,
    HandInForm,
    InviteForm,
    ModuleForm,
    PeerReviewForm,
    ProgrammeForm,
    ReplyForm,
    ThreadForm,
)
from koinon.learning.models import (
    SEATED,
    ActivityKind,
    CohortThread,
    Enrolment,
    EnrolmentStatus,
    HandIn,
    LearningGoal,
    Module,
    ModuleProgress,
    PeerReview,
    Programme,
    SkillAssessment,
)
from koinon.lib.errors import ActionError
from koinon.lib.http import is_htmx, paginate
from koinon.lib.mail import absolute_url
from koinon.network.models import Endorsement

PROGRAMMES_PER_PAGE = 20


def _readable_community(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        if not request.user.is_authenticated:
            raise _LoginNeeded
        raise Http404
    return community, access


class _LoginNeeded(Exception):
    pass


def _guard(view):
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LoginNeeded:
            return redirect_to_login(request.get_full_path())

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _programme(request, slug, programme_slug):
    try:
        return policy.get_programme_for(request.user, slug, programme_slug)
    except Http404:
        if not request.user.is_authenticated:
            raise _LoginNeeded from None
        raise


def _cohort(request, pk, facilitate=False):
    try:
        return policy.get_cohort_for(request.user, pk, facilitate=facilitate)
    except Http404:
        if not request.user.is_authenticated:
            raise _LoginNeeded from None
        raise


# --- Programmes ----------------------------------------------------------------------------


@_guard
def programme_list(request, slug):
    community, access = _readable_community(request, slug)
    programmes = (
        Programme.objects.filter(community=community)
        .select_related("community")
        .annotate(module_count=Count("modules", distinct=True))
        .order_by("title")
    )
    page = paginate(request, programmes, PROGRAMMES_PER_PAGE)
    context = {
        "community": community,
        "access": access,
        "page": page,
        "can_create": policy.can_create_programme(access),
        "study_groups": list(community.groups.filter(kind=GroupKind.STUDY).order_by("name")[:50]),
    }
    return render(request, "learning/programme_list.html", context)


@login_required
def programme_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_create_programme(access):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = actions.do_create_programme(
                request.user,
                community,
                title=data["title"],
                slug=data["slug"],
                description=data["description"],
                outcomes=data["outcomes"],
                skills=[actions.skill_named(n) for n in form.skill_names()],
                criteria=data["criteria"].splitlines(),
            )
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Programme created. Now add its modules."))
            return redirect(programme.get_absolute_url())
    return render(
        request,
        "learning/programme_form.html",
        {"community": community, "form": form},
        status=400 if form.errors else 200,
    )


@_guard
def programme_detail(request, slug, programme_slug):
    programme, access = _programme(request, slug, programme_slug)
    modules = list(programme.modules.all())
    cohorts = list(
        programme.cohorts.annotate(
            seated=Count("enrolments", filter=Q(enrolments__status__in=SEATED))
        )
    )
    mine = {}
    if request.user.is_authenticated:
        mine = dict(
            Enrolment.objects.filter(user=request.user, cohort__in=cohorts).values_list(
                "cohort_id", "status"
            )
        )
    for cohort in cohorts:
        cohort.my_status = mine.get(cohort.pk)
        cohort.my_status_label = EnrolmentStatus(cohort.my_status).label if cohort.my_status else ""
    context = {
        "community": programme.community,
        "access": access,
        "programme": programme,
        "modules": modules,
        "cohorts": cohorts,
        "skills": list(programme.skills.all()),
        "facilitators": list(programme.facilitators.select_related("profile")),
        "can_facilitate": policy.can_facilitate(access, programme),
    }
    return render(request, "learning/programme_detail.html", context)


@login_required
def module_create(request, slug, programme_slug):
    programme, access = policy.get_programme_for(request.user, slug, programme_slug)
    if not policy.can_facilitate(access, programme):
        raise PermissionDenied
    form = ModuleForm(request.POST or None, community=programme.community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_add_module(
                request.user,
                programme,
                title=data["title"],
                content=data["content"],
                activity=data["activity"] or "",
                activity_prompt=data["activity_prompt"],
                resources=data.get("resources") or [],
                practices=data.get("practices") or [],
                questions=data["questions"],
            )
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Module added."))
            return redirect(programme.get_absolute_url())
    return render(
        request,
        "learning/module_form.html",
        {"community": programme.community, "programme": programme, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def cohort_create(request, slug, programme_slug):
    programme, access = policy.get_programme_for(request.user, slug, programme_slug)
    if not policy.can_facilitate(access, programme):
        raise PermissionDenied
    form = CohortForm(
        request.POST or None,
        initial={"enrolment": "open", "late_policy": "allow"},
        community=programme.community,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = actions.do_create_cohort(request.user, programme, **data)
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Cohort created with its own group."))
            return redirect(cohort.get_absolute_url())
    return render(
        request,
        "learning/cohort_form.html",
        {"community": programme.community, "programme": programme, "form": form},
        status=400 if form.errors else 200,
    )


# --- Cohorts ---------------------------------------------------------------------------------


def _my_progress(enrolment, modules):
    done = set()
    hand_ins = {}
    if enrolment is not None:
        done = set(
            ModuleProgress.objects.filter(enrolment=enrolment).values_list("module_id", flat=True)
        )
        hand_ins = {h.module_id: h for h in HandIn.objects.filter(enrolment=enrolment)}
    for module in modules:
        module.is_done = module.pk in done
        module.hand_in = hand_ins.get(module.pk)
    return len(done)


@_guard
def cohort_detail(request, pk):
    cohort, access = _cohort(request, pk)
    programme = cohort.programme
    enrolment = policy.enrolment_of(request.user, cohort)
    modules = list(programme.modules.all())
    done_count = _my_progress(enrolment if enrolment and enrolment.is_seated else None, modules)
    can_facilitate = policy.can_facilitate(access, programme)
    requests = []
    if can_facilitate:
        requests = list(
            cohort.enrolments.filter(status=EnrolmentStatus.REQUESTED).select_related(
                "user__profile"
            )
        )
    seated = cohort.enrolments.filter(status__in=SEATED).count()
    to_review = []
    if request.user.is_authenticated:
        to_review = list(
            PeerReview.objects.filter(
                reviewer=request.user, hand_in__enrolment__cohort=cohort, submitted_at__isnull=True
            ).select_related("hand_in__module")
        )
    context = {
        "community": programme.community,
        "access": access,
        "programme": programme,
        "cohort": cohort,
        "enrolment": enrolment,
        "modules": modules,
        "done_count": done_count,
        "seated": seated,
        "is_full": cohort.capacity is not None and seated >= cohort.capacity,
        "can_facilitate": can_facilitate,
        "requests": requests,
        "to_review": to_review,
        "invite_form": InviteForm() if can_facilitate else None,
        "sessions": list(cohort.sessions.order_by("starts_at")),
        "can_discuss": policy.can_discuss(access, cohort),
    }
    return render(request, "learning/cohort_detail.html", context)


def _back_to(cohort):
    return redirect(cohort.get_absolute_url())


@require_POST
@login_required
def cohort_enrol(request, pk):
    cohort, _access = policy.get_cohort_for(request.user, pk)
    try:
        enrolment = actions.do_enrol(request.user, cohort)
    except ActionError as error:
        return error_page(request, error, cohort.get_absolute_url())
    if enrolment.status == EnrolmentStatus.REQUESTED:
        messages.success(request, _("Request sent: a facilitator will answer."))
    else:
        messages.success(request, _("You are enrolled. Welcome!"))
    return _back_to(cohort)


@require_POST
@login_required
def cohort_withdraw(request, pk):
    cohort, _access = policy.get_cohort_for(request.user, pk)
    try:
        actions.do_withdraw(request.user, cohort)
    except ActionError as error:
        return error_page(request, error, cohort.get_absolute_url())
    messages.success(request, _("You have left the cohort."))
    return _back_to(cohort)


@require_POST
@login_required
def cohort_invite(request, pk):
    cohort, _access = policy.get_cohort_for(request.user, pk, facilitate=True)
    form = InviteForm(request.POST)
    user = None
    if form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
    if user is None:
        error = ActionError(_("No member has this e-mail address."), field="email")
        return error_page(request, error, cohort.get_absolute_url())
    try:
        actions.do_invite(request.user, cohort, user)
    except ActionError as error:
        return error_page(request, error, cohort.get_absolute_url())
    messages.success(request, _("Invitation recorded: they can now enrol."))
    return _back_to(cohort)


@require_POST
@login_required
def enrolment_decide(request, pk, enrolment_id):
    cohort, _access = policy.get_cohort_for(request.user, pk, facilitate=True)
    enrolment = Enrolment.objects.filter(cohort=cohort, pk=enrolment_id).first()
    if enrolment is None:
        raise Http404
    approve = request.POST.get("decision") == "approve"
    try:
        actions.do_decide_enrolment(request.user, enrolment, approve=approve)
    except ActionError as error:
        return error_page(request, error, cohort.get_absolute_url())
    return _back_to(cohort)


# --- Modules inside a cohort: content, mark done, hand in -------------------------------------


def _module_of(cohort, module_id) -> Module:
    module = Module.objects.filter(programme=cohort.programme, pk=module_id).first()
    if module is None:
        raise Http404
    return module


def _answers_from(post, module) -> dict:
    return {
        key[2:]: value
        for key, value in post.items()
        if key.startswith("q_") and key[2:].isdigit() and value
    }


@_guard
def cohort_module(request, pk, module_id):
    cohort, access = _cohort(request, pk)
    module = _module_of(cohort, module_id)
    enrolment = policy.enrolment_of(request.user, cohort)
    is_participant = enrolment is not None and enrolment.status == EnrolmentStatus.ACTIVE
    hand_in = (
        HandIn.objects.filter(enrolment=enrolment, module=module).first() if enrolment else None
    )
    is_done = bool(
        enrolment and ModuleProgress.objects.filter(enrolment=enrolment, module=module).exists()
    )
    questions = []
    if module.activity == ActivityKind.QUIZ:
        chosen = {int(k): v for k, v in (hand_in.answers if hand_in else {}).items()}
        questions = list(module.questions.prefetch_related("choices"))
        for question in questions:
            question.chosen = chosen.get(question.pk)
    context = {
        "community": cohort.programme.community,
        "access": access,
        "cohort": cohort,
        "programme": cohort.programme,
        "module": module,
        "enrolment": enrolment,
        "is_participant": is_participant,
        "is_done": is_done,
        "hand_in": hand_in,
        "form": HandInForm(initial={"text": hand_in.text if hand_in else ""}),
        "questions": questions,
        "resources": list(module.resources.all()),
        "practices": list(module.practices.all()),
        "deadline_passed": cohort.handin_deadline is not None
        and timezone.now() > cohort.handin_deadline,
        "can_facilitate": policy.can_facilitate(access, cohort.programme),
    }
    return render(request, "learning/cohort_module.html", context)


@require_POST
@login_required
def module_done(request, pk, module_id):
    cohort, _access = policy.get_cohort_for(request.user, pk)
    module = _module_of(cohort, module_id)
    try:
        if request.POST.get("undo"):
            actions.do_unmark_done(request.user, cohort, module)
        else:
            actions.do_mark_done(request.user, cohort, module)
    except ActionError as error:
        return error_page(request, error, cohort.get_absolute_url())
    return redirect(reverse("learning-cohort-module", args=[cohort.pk, module.pk]))


@require_POST
@login_required
def hand_in_draft(request, pk, module_id):
    """Autosave (HTMX): answers with a short status line for the aria-live region."""
    cohort, _access = policy.get_cohort_for(request.user, pk)
    module = _module_of(cohort, module_id)
    try:
        answers = (
            _answers_from(request.POST, module) if module.activity == ActivityKind.QUIZ else None
        )
        hand_in = actions.do_save_draft(
            request.user, cohort, module, text=request.POST.get("text", ""), answers=answers
        )
    except ActionError as error:
        if is_htmx(request):
            return render(
                request,
                "learning/partials/draft_status.html",
                {"error": error},
                status=error.status,
            )
        return error_page(request, error, cohort.get_absolute_url())
    if is_htmx(request):
        return render(request, "learning/partials/draft_status.html", {"hand_in": hand_in})
    messages.success(request, _("Draft saved."))
    return redirect(reverse("learning-cohort-module", args=[cohort.pk, module.pk]))


@require_POST
@login_required
def hand_in_submit(request, pk, module_id):
    cohort, _access = policy.get_cohort_for(request.user, pk)
    module = _module_of(cohort, module_id)
    answers = _answers_from(request.POST, module) if module.activity == ActivityKind.QUIZ else None
    try:
        hand_in = actions.do_submit_hand_in(
            request.user, cohort, module, text=request.POST.get("text", ""), answers=answers
        )
    except ActionError as error:
        back = reverse("learning-cohort-module", args=[cohort.pk, module.pk])
        return error_page(request, error, back)
    if hand_in.is_late:
        messages.warning(request, _("Handed in after the deadline: it is marked late."))
    else:
        messages.success(request, _("Handed in."))
    return redirect(reverse("learning-cohort-module", args=[cohort.pk, module.pk]))


# --- Facilitators: progress grid, peer review, completion ------------------------------------


def progress_grid(cohort):
    """Participants × modules in four queries, whatever the size of the cohort."""
    modules = list(cohort.programme.modules.all())
    enrolments = list(
        cohort.enrolments.filter(status__in=SEATED)
        .select_related("user__profile")
        .order_by("user__profile__display_name", "pk")
    )
    done = set(
        ModuleProgress.objects.filter(
            enrolment__cohort=cohort, enrolment__in=enrolments
        ).values_list("enrolment_id", "module_id")
    )
    hand_ins = {
        (h["enrolment_id"], h["module_id"]): h
        for h in HandIn.objects.filter(enrolment__cohort=cohort).values(
            "pk", "enrolment_id", "module_id", "submitted_at", "is_late", "score", "max_score"
        )
    }
    rows = []
    for enrolment in enrolments:
        cells = []
        for module in modules:
            key = (enrolment.pk, module.pk)
            hand_in = hand_ins.get(key)
            cells.append(
                {
                    "module": module,
                    "done": key in done,
                    "hand_in": hand_in if hand_in and hand_in["submitted_at"] else None,
                    "draft": bool(hand_in and not hand_in["submitted_at"]),
                }
            )
        rows.append({"enrolment": enrolment, "cells": cells, "done": sum(c["done"] for c in cells)})
    return modules, rows


@_guard
def cohort_progress(request, pk):
    cohort, access = _cohort(request, pk, facilitate=True)
    modules, rows = progress_grid(cohort)
    context = {
        "community": cohort.programme.community,
        "access": access,
        "cohort": cohort,
        "programme": cohort.programme,
        "modules": modules,
        "rows": rows,
    }
    return render(request, "learning/cohort_progress.html", context)


@require_POST
@login_required
def enrolment_complete(request, pk, enrolment_id):
    cohort, _access = policy.get_cohort_for(request.user, pk, facilitate=True)
    enrolment = Enrolment.objects.filter(cohort=cohort, pk=enrolment_id).first()
    if enrolment is None:
        raise Http404
    try:
        actions.do_mark_completion(request.user, enrolment)
    except ActionError as error:
        return error_page(request, error, reverse("learning-cohort-progress", args=[cohort.pk]))
    messages.success(request, _("Completion recorded; the certificate is ready."))
    return redirect(reverse("learning-cohort-progress", args=[cohort.pk]))


@require_POST
@login_required
def assign_reviews(request, pk, module_id):
    cohort, _access = policy.get_cohort_for(request.user, pk, facilitate=True)
    module = _module_of(cohort, module_id)
    try:
        created = actions.do_assign_peer_reviews(request.user, cohort, module)
    except ActionError as error:
        return error_page(request, error, reverse("learning-cohort-progress", args=[cohort.pk]))
    messages.success(request, _("%(count)d peer reviews assigned.") % {"count": len(created)})
    return redirect(reverse("learning-cohort-progress", args=[cohort.pk]))


def _hand_in_for(request, pk, hand_in_id):
    cohort, access = _cohort(request, pk)
    hand_in = (
        HandIn.objects.select_related("module", "enrolment__user__profile")
        .filter(pk=hand_in_id, enrolment__cohort=cohort, submitted_at__isnull=False)
        .first()
    )
    if hand_in is None or not policy.can_see_hand_in(access, hand_in, cohort.programme):
        raise Http404
    return cohort, access, hand_in


@_guard
def hand_in_detail(request, pk, hand_in_id, feedback_form=None, review_form=None, status=200):
    cohort, access, hand_in = _hand_in_for(request, pk, hand_in_id)
    programme = cohort.programme
    can_facilitate = policy.can_facilitate(access, programme)
    is_author = hand_in.enrolment.user_id == request.user.pk
    my_review = PeerReview.objects.filter(hand_in=hand_in, reviewer=request.user).first()
    criteria = list(programme.criteria.all())
    reviews = []
    if can_facilitate or is_author:
        reviews = list(hand_in.reviews.filter(submitted_at__isnull=False))
        names = {c.pk: c.title for c in criteria}
        for review in reviews:
            review.score_list = [(names.get(int(k), k), v) for k, v in review.scores.items()]
    context = {
        "community": programme.community,
        "cohort": cohort,
        "programme": programme,
        "hand_in": hand_in,
        "is_author": is_author,
        "can_facilitate": can_facilitate,
        "feedback_form": feedback_form
        or (FeedbackForm(initial={"text": hand_in.feedback}) if can_facilitate else None),
        "my_review": my_review,
        "review_form": review_form
        or (
            PeerReviewForm(criteria=criteria) if my_review and not my_review.submitted_at else None
        ),
        "reviews": reviews,
    }
    return render(request, "learning/hand_in_detail.html", context, status=status)


@require_POST
@login_required
def hand_in_feedback(request, pk, hand_in_id):
    cohort, access, hand_in = _hand_in_for(request, pk, hand_in_id)
    if not policy.can_facilitate(access, cohort.programme):
        raise PermissionDenied
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            actions.do_give_feedback(request.user, hand_in, text=form.cleaned_data["text"])
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Feedback saved."))
            return redirect(reverse("learning-hand-in", args=[cohort.pk, hand_in.pk]))
    return hand_in_detail(request, pk, hand_in_id, feedback_form=form, status=400)


@require_POST
@login_required
def hand_in_review(request, pk, hand_in_id):
    cohort, access = policy.get_cohort_for(request.user, pk)
    hand_in = (
        HandIn.objects.filter(pk=hand_in_id, enrolment__cohort=cohort, submitted_at__isnull=False)
        .select_related("enrolment", "module")
        .first()
    )
    if hand_in is None:
        raise Http404
    if hand_in.enrolment.user_id == request.user.pk:
        raise PermissionDenied
    if not policy.can_see_hand_in(access, hand_in, cohort.programme):
        raise Http404
    form = PeerReviewForm(request.POST, criteria=cohort.programme.criteria.all())
    if form.is_valid():
        try:
            actions.do_submit_peer_review(
                request.user,
                hand_in,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except ActionError as error:
            if error.status == 403:
                raise PermissionDenied from error
            form_error(form, error)
        else:
            messages.success(request, _("Thank you: your review has been sent."))
            return redirect(cohort.get_absolute_url())
    return hand_in_detail(request, pk, hand_in_id, review_form=form, status=400)


# --- Completion and certificates ---------------------------------------------------------------


@login_required
def completion(request, pk):
    cohort, access = policy.get_cohort_for(request.user, pk)
    enrolment = Enrolment.objects.filter(
        cohort=cohort, user=request.user, status=EnrolmentStatus.COMPLETED
    ).first()
    if enrolment is None:
        raise Http404
    return render(
        request,
        "learning/completion.html",
        {
            "community": cohort.programme.community,
            "cohort": cohort,
            "programme": cohort.programme,
            "enrolment": enrolment,
            "verify_url": absolute_url(
                reverse("learning-certificate", args=[enrolment.certificate_code])
            ),
        },
    )


def _certificate(code):
    enrolment = (
        Enrolment.objects.select_related("user__profile", "cohort__programme__community")
        .filter(certificate_code=code, status=EnrolmentStatus.COMPLETED)
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment


def certificate_verify(request, code):
    """Public: anyone holding the code may confirm the name, programme and date."""
    enrolment = _certificate(code)
    return render(request, "learning/certificate_verify.html", {"enrolment": enrolment})


def certificate_pdf(request, code):
    enrolment = _certificate(code)
    programme = enrolment.cohort.programme
    verify_url = absolute_url(reverse("learning-certificate", args=[code]))
    lines = [
        (24, _("Certificate of completion")),
        (14, _("This certifies that")),
        (20, enrolment.user.display_name),
        (14, _("completed the programme")),
        (18, programme.title),
        (12, _("Cohort: %(name)s") % {"name": enrolment.cohort.name}),
        (12, _("Community: %(name)s") % {"name": programme.community.name}),
        (
            12,
            _("Date: %(date)s") % {"date": timezone.localdate(enrolment.completed_at).isoformat()},
        ),
        (10, _("Verify at: %(url)s") % {"url": verify_url}),
    ]
    response = HttpResponse(
        pdf.simple_pdf(lines, title=programme.title), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{code}.pdf"'
    return response


# --- Skills and goals ----------------------------------------------------------------------


@login_required
def my_skills(request):
    assessment_form = AssessmentForm(
        request.POST if request.POST.get("form") == "assessment" else None
    )
    goal_form = GoalForm(request.POST if request.POST.get("form") == "goal" else None)
    if request.method == "POST":
        form = assessment_form if request.POST.get("form") == "assessment" else goal_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                skill = actions.skill_named(data["skill"])
                if form is assessment_form:
                    actions.do_assess_skill(
                        request.user,
                        skill=skill,
                        level=data["level"],
                        assessed_on=data["assessed_on"],
                        note=data["note"],
                    )
                    messages.success(request, _("Assessment saved."))
                else:
                    actions.do_set_goal(
                        request.user,
                        skill=skill,
                        target_level=data["target_level"],
                        target_date=data["target_date"],
                        note=data["note"],
                    )
                    messages.success(request, _("Goal set."))
            except ActionError as error:
                form_error(form, error)
            else:
                return redirect("learning-my-skills")
    latest = {}
    for a in SkillAssessment.objects.filter(user=request.user).select_related("skill"):
        latest[a.skill_id] = a  # ordered by date: the last one wins
    goals = list(LearningGoal.objects.filter(user=request.user).select_related("skill"))
    status = 400 if (assessment_form.errors or goal_form.errors) else 200
    return render(
        request,
        "learning/my_skills.html",
        {
            "assessments": sorted(latest.values(), key=lambda a: a.skill.name.lower()),
            "goals": goals,
            "assessment_form": assessment_form,
            "goal_form": goal_form,
            "status_form": GoalStatusForm(),
        },
        status=status,
    )


@require_POST
@login_required
def goal_status(request, goal_id):
    goal = LearningGoal.objects.filter(pk=goal_id, user=request.user).first()
    if goal is None:
        raise Http404
    try:
        actions.do_update_goal(request.user, goal, status=request.POST.get("status", ""))
    except ActionError as error:
        return error_page(request, error, reverse("learning-my-skills"))
    return redirect("learning-my-skills")


def skill_evidence(user, skill):
    """What backs a skill up, next to it: completed programmes and modules that develop
    it, accepted answers and adopted practices tagged with it (or, for practices, linked
    from such a programme's modules), and endorsements. Only what the person may still
    read (communities they left privately drop out). A handful of queries, each bounded."""
    from django.utils.text import slugify

    from koinon.communities.policy import content_communities_for
    from koinon.discussions.models import Topic
    from koinon.library.models import Adoption

    readable = content_communities_for(user)
    tag = slugify(skill.name, allow_unicode=True)
    completed = list(
        Enrolment.objects.filter(
            user=user, status=EnrolmentStatus.COMPLETED, cohort__programme__skills=skill
        ).select_related("cohort__programme")
    )
    modules = list(
        ModuleProgress.objects.filter(enrolment__user=user, module__programme__skills=skill)
        .select_related("module__programme__community", "enrolment__cohort")
        .order_by("-done_at")[:20]
    )
    answers = list(
        Topic.objects.filter(
            accepted_answer__author=user,
            accepted_answer__is_anonymous=False,
            accepted_answer__deleted_at__isnull=True,
            accepted_answer__hidden_at__isnull=True,  # hidden pending review
            hidden_at__isnull=True,
            tags__name=tag,
            community__in=readable,
        )
        .select_related("community")
        .distinct()
        .order_by("-pk")[:20]
    )
    adoptions = list(
        Adoption.objects.filter(user=user, practice__community__in=readable)
        .filter(Q(practice__tags__name=tag) | Q(practice__modules__programme__skills=skill))
        .select_related("practice__community")
        .distinct()
        .order_by("-created_at")[:20]
    )
    endorsements = Endorsement.objects.filter(person=user, skill=skill).count()
    return {
        "completed": completed,
        "modules": modules,
        "answers": answers,
        "adoptions": adoptions,
        "endorsements": endorsements,
    }


@login_required
def skill_history(request, skill_id):
    skill = Skill.objects.filter(pk=skill_id).first()
    if skill is None:
        raise Http404
    history = list(SkillAssessment.objects.filter(user=request.user, skill=skill))
    if not history:
        raise Http404
    chart = charts.level_chart([(a.assessed_on, a.level) for a in history])
    goals = list(LearningGoal.objects.filter(user=request.user, skill=skill))
    return render(
        request,
        "learning/skill_history.html",
        {
            "skill": skill,
            "history": history,
            "chart": chart,
            "goals": goals,
            "evidence": skill_evidence(request.user, skill),
        },
    )


@_guard
def community_skills(request, slug):
    community, access = _readable_community(request, slug)
    if not access.can("view_members"):
        raise Http404
    skills = actions.skills_map(community)
    return render(
        request,
        "learning/skills_map.html",
        {"community": community, "access": access, "skills": skills, "levels": range(1, 6)},
    )


# --- Study groups -------------------------------------------------------------------------------


def _study_group(request, slug, group_slug):
    from koinon.communities.policy import get_group_for

    try:
        group, access = get_group_for(request.user, slug, group_slug)
    except Http404:
        if not request.user.is_authenticated:
            raise _LoginNeeded from None
        raise
    if group.kind != GroupKind.STUDY:
        raise Http404
    group.community = access.community
    return group, access


@_guard
def study_group(request, slug, group_slug):
    from koinon.events.models import Event
    from koinon.learning.forms import AgendaItemForm, MeetingNoteForm
    from koinon.learning.models import AgendaItem, MeetingNote

    group, access = _study_group(request, slug, group_slug)
    can_write = access.is_moderator or bool(access.group_role(group))
    agenda_form = AgendaItemForm(community=group.community)
    note_form = MeetingNoteForm()
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        which = request.POST.get("form")
        try:
            if which == "agenda":
                agenda_form = AgendaItemForm(request.POST, community=group.community)
                if agenda_form.is_valid():
                    actions.do_add_agenda_item(request.user, group, **agenda_form.cleaned_data)
                    return redirect("learning-study-group", slug, group_slug)
            elif which == "covered":
                item = AgendaItem.objects.filter(group=group, pk=request.POST.get("item")).first()
                if item is None:
                    raise Http404
                actions.do_mark_agenda_item(
                    request.user, item, covered=request.POST.get("covered") == "1"
                )
                return redirect("learning-study-group", slug, group_slug)
            elif which == "note":
                note_form = MeetingNoteForm(request.POST)
                if note_form.is_valid():
                    actions.do_add_meeting_note(
                        request.user,
                        group,
                        body=note_form.cleaned_data["body"],
                        met_on=note_form.cleaned_data["met_on"],
                    )
                    return redirect("learning-study-group", slug, group_slug)
        except ActionError as error:
            form_error(note_form if which == "note" else agenda_form, error)
        status = 400
    agenda = list(AgendaItem.objects.filter(group=group).select_related("resource", "practice"))
    notes = paginate(
        request, MeetingNote.objects.filter(group=group).select_related("author__profile"), 10
    )
    meetings = list(
        Event.objects.filter(group=group, ends_at__gte=timezone.now()).order_by("starts_at")[:5]
    )
    context = {
        "community": group.community,
        "group": group,
        "access": access,
        "can_write": can_write,
        "agenda": agenda,
        "notes": notes,
        "meetings": meetings,
        "agenda_form": agenda_form,
        "note_form": note_form,
    }
    return render(request, "learning/study_group.html", context, status=status)


@require_POST
@login_required
def facilitator_add(request, slug, programme_slug):
    programme, _access = policy.get_programme_for(request.user, slug, programme_slug)
    form = InviteForm(request.POST)
    user = None
    if form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
    try:
        if user is None:
            raise ActionError(_("No member has this e-mail address."), field="email")
        actions.do_add_facilitator(request.user, programme, user)
    except ActionError as error:
        return error_page(request, error, programme.get_absolute_url())
    messages.success(request, _("Facilitator added."))
    return redirect(programme.get_absolute_url())


@login_required
def module_edit(request, slug, programme_slug, module_id):
    programme, access = policy.get_programme_for(request.user, slug, programme_slug)
    if not policy.can_facilitate(access, programme):
        raise PermissionDenied
    module = Module.objects.filter(programme=programme, pk=module_id).first()
    if module is None:
        raise Http404
    initial = {
        "title": module.title,
        "content": module.content,
        "activity_prompt": module.activity_prompt,
        "resources": list(module.resources.all()),
        "practices": list(module.practices.all()),
    }
    form = ModuleForm(request.POST or None, initial=initial, community=programme.community)
    for name in ("activity", "questions"):
        del form.fields[name]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_edit_module(
                request.user,
                module,
                title=data["title"],
                content=data["content"],
                activity_prompt=data["activity_prompt"],
                resources=data.get("resources") or [],
                practices=data.get("practices") or [],
            )
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Module saved."))
            return redirect(programme.get_absolute_url())
    return render(
        request,
        "learning/module_form.html",
        {"community": programme.community, "programme": programme, "form": form, "module": module},
        status=400 if form.errors else 200,
    )


# --- Editing programmes and cohorts -----------------------------------------------------------


@login_required
def programme_edit(request, slug, programme_slug):
    programme, access = policy.get_programme_for(request.user, slug, programme_slug)
    if not policy.can_facilitate(access, programme):
        raise PermissionDenied
    initial = {
        "title": programme.title,
        "slug": programme.slug,
        "description": programme.description,
        "outcomes": programme.outcomes,
        "skills": ", ".join(s.name for s in programme.skills.all()),
        "criteria": "\n".join(c.title for c in programme.criteria.all()),
    }
    form = ProgrammeForm(request.POST or None, initial=initial)
    del form.fields["slug"]  # the address stays: links keep working
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_edit_programme(
                request.user,
                programme,
                title=data["title"],
                description=data["description"],
                outcomes=data["outcomes"],
                skills=[actions.skill_named(n) for n in form.skill_names()],
                criteria=data["criteria"].splitlines(),
            )
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Programme saved."))
            return redirect(programme.get_absolute_url())
    return render(
        request,
        "learning/programme_form.html",
        {"community": programme.community, "form": form, "programme": programme},
        status=400 if form.errors else 200,
    )


@login_required
def cohort_edit(request, pk):
    cohort, access = policy.get_cohort_for(request.user, pk, facilitate=True)
    programme = cohort.programme
    initial = {
        "name": cohort.name,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "enrolment": cohort.enrolment,
        "capacity": cohort.capacity,
        "handin_deadline": timezone.localtime(cohort.handin_deadline)
        if cohort.handin_deadline
        else None,
        "late_policy": cohort.late_policy,
        "peer_reviewers": cohort.peer_reviewers,
        "sessions": list(cohort.sessions.all()),
    }
    form = CohortForm(
        request.POST or None,
        initial=initial,
        community=programme.community,
        include=cohort.sessions.all(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data.setdefault("sessions", [])
        try:
            actions.do_edit_cohort(request.user, cohort, **data)
        except ActionError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Cohort saved."))
            return redirect(cohort.get_absolute_url())
    return render(
        request,
        "learning/cohort_form.html",
        {"community": programme.community, "programme": programme, "form": form, "cohort": cohort},
        status=400 if form.errors else 200,
    )


# --- The cohort's discussion space --------------------------------------------------------------

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 50


def _discussion_cohort(request, pk):
    cohort, access = policy.get_cohort_for(request.user, pk)
    if not policy.can_discuss(access, cohort):
        raise PermissionDenied(
            _("Only the cohort's participants and facilitators take part in its discussions.")
        )
    return cohort, access


@login_required
def cohort_discussion(request, pk):
    cohort, access = _discussion_cohort(request, pk)
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = actions.do_start_thread(request.user, cohort, **form.cleaned_data)
        except ActionError as error:
            form_error(form, error)
        else:
            return redirect(thread.get_absolute_url())
    threads = CohortThread.objects.filter(cohort=cohort).select_related("author__profile")
    page = paginate(request, threads, THREADS_PER_PAGE)
    return render(
        request,
        "learning/cohort_discussion.html",
        {
            "community": cohort.programme.community,
            "programme": cohort.programme,
            "cohort": cohort,
            "access": access,
            "page": page,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def cohort_thread(request, pk, thread_id):
    cohort, access = _discussion_cohort(request, pk)
    thread = (
        CohortThread.objects.filter(cohort=cohort, pk=thread_id)
        .select_related("author__profile")
        .first()
    )
    if thread is None:
        raise Http404
    thread.cohort = cohort
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_reply(request.user, thread, body=form.cleaned_data["body"])
        except ActionError as error:
            form_error(form, error)
        else:
            url = thread.get_absolute_url()
            last = (thread.post_count + 1 + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE
            return redirect(f"{url}?page={last}#reply" if last > 1 else f"{url}#reply")
    posts = thread.posts.select_related("author__profile")
    page = paginate(request, posts, POSTS_PER_PAGE)
    return render(
        request,
        "learning/cohort_thread.html",
        {
            "community": cohort.programme.community,
            "programme": cohort.programme,
            "cohort": cohort,
            "thread": thread,
            "page": page,
            "form": form,
        },
        status=400 if form.errors else 200,
    )
