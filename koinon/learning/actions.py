"""Every write in learning: atomic, checked against the policy, logged."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from koinon.accounts.models import Skill
from koinon.communities.actions import do_create_group
from koinon.communities.models import GroupKind, GroupMembership, GroupRole, Membership
from koinon.core.activity import log_activity
from koinon.learning import policy
from koinon.learning.models import (
    SEATED,
    ActivityKind,
    Cohort,
    Enrolment,
    EnrolmentPolicy,
    EnrolmentStatus,
    GoalStatus,
    HandIn,
    LatePolicy,
    LearningGoal,
    Module,
    ModuleProgress,
    PeerReview,
    Programme,
    QuizChoice,
    QuizQuestion,
    RubricCriterion,
    SkillAssessment,
    new_certificate_code,
)
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.lib.mail import absolute_url, send_templated_mail
from koinon.lib.markdown import render_markdown


def _require_facilitator(actor, programme):
    access = policy.access_for(actor, programme.community)
    if not policy.can_facilitate(access, programme):
        raise Forbidden(_("Only the programme's facilitators and moderators can do this."))
    return access


def _community_members(community, user_ids) -> set[int]:
    return set(
        Membership.objects.filter(community=community, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )


# --- Programmes and modules --------------------------------------------------------------


@transaction.atomic
def do_create_programme(
    actor,
    community,
    *,
    title: str,
    description: str,
    slug: str = "",
    outcomes: str = "",
    skills=(),
    facilitators=(),
    criteria=(),
) -> Programme:
    access = policy.access_for(actor, community)
    if not policy.can_create_programme(access):
        raise Forbidden(_("Only mentors, moderators and owners can create programmes."))
    title = (title or "").strip()
    if not title:
        raise ActionError(_("Give the programme a title."), field="title")
    slug = slugify(slug or title)[:80]
    if not slug:
        raise ActionError(_("Choose an address with letters or numbers."), field="slug")
    if Programme.objects.filter(community=community, slug=slug).exists():
        raise Conflict(
            _("A programme with this address already exists."), field="slug", code="slug_taken"
        )
    people = {u.pk for u in facilitators} | {actor.pk}
    if _community_members(community, people) != people:
        raise ActionError(_("Facilitators must be members of the community."), field="facilitators")
    programme = Programme.objects.create(
        community=community,
        title=title,
        slug=slug,
        description=description,
        description_html=render_markdown(description),
        outcomes=outcomes,
        created_by=actor,
    )
    programme.skills.set(skills)
    programme.facilitators.set(people)
    for order, text in enumerate([c.strip() for c in criteria if c.strip()], start=1):
        RubricCriterion.objects.create(programme=programme, order=order, title=text[:200])
    log_activity(actor, "programme.created", community=community, target=programme)
    return programme


@transaction.atomic
def do_add_module(
    actor,
    programme: Programme,
    *,
    title: str,
    content: str = "",
    activity: str = ActivityKind.NONE,
    activity_prompt: str = "",
    order: int | None = None,
    resources=(),
    practices=(),
    questions=(),
) -> Module:
    """Add a module; `questions` is a list of (text, [(choice, is_correct), ...])."""
    _require_facilitator(actor, programme)
    if activity not in ActivityKind.values:
        raise ActionError(_("Choose one of the activities offered."), field="activity")
    if not (title or "").strip():
        raise ActionError(_("Give the module a title."), field="title")
    if order is None:
        order = (programme.modules.aggregate(m=Max("order"))["m"] or 0) + 1
    if order < 1:
        raise ActionError(_("The order starts at 1."), field="order")
    if Module.objects.filter(programme=programme, order=order).exists():
        raise Conflict(
            _("Another module already has this place in the order."),
            field="order",
            code="order_taken",
        )
    for item in list(resources) + list(practices):
        if item.community_id != programme.community_id:
            raise ActionError(
                _("Link resources and practices of this community's library only."),
                field="resources",
            )
    if activity == ActivityKind.QUIZ:
        _check_questions(questions)
    module = Module.objects.create(
        programme=programme,
        order=order,
        title=title.strip(),
        content=content,
        content_html=render_markdown(content),
        activity=activity,
        activity_prompt=activity_prompt,
    )
    module.resources.set(resources)
    module.practices.set(practices)
    if activity == ActivityKind.QUIZ:
        for q_order, (text, choices) in enumerate(questions, start=1):
            question = QuizQuestion.objects.create(module=module, order=q_order, text=text.strip())
            QuizChoice.objects.bulk_create(
                QuizChoice(question=question, text=c.strip(), is_correct=ok) for c, ok in choices
            )
    log_activity(actor, "module.created", community=programme.community, target=module)
    return module


def _check_questions(questions):
    if not questions:
        raise ActionError(_("A quiz needs at least one question."), field="questions")
    for text, choices in questions:
        if not text.strip():
            raise ActionError(_("Every question needs a text."), field="questions")
        if len(choices) < 2:
            raise ActionError(_("Every question needs at least two answers."), field="questions")
        if not any(ok for _c, ok in choices):
            raise ActionError(_("Mark the correct answer of every question."), field="questions")


# --- Cohorts and enrolment ---------------------------------------------------------------


def _group_slug(programme, name) -> str:
    base = slugify(f"{programme.slug}-{name}")[:50] or "cohort"
    slug, n = base, 1
    from koinon.communities.models import Group

    while Group.objects.filter(community=programme.community, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def do_create_cohort(
    actor,
    programme: Programme,
    *,
    name: str,
    starts_on: date,
    ends_on: date,
    enrolment: str = EnrolmentPolicy.OPEN,
    capacity: int | None = None,
    handin_deadline=None,
    late_policy: str = LatePolicy.ALLOW,
    peer_reviewers: int = 2,
    sessions=(),
) -> Cohort:
    """A cohort and its own group (kind cohort, closed), the facilitators its leaders."""
    _require_facilitator(actor, programme)
    if not (name or "").strip():
        raise ActionError(_("Give the cohort a name."), field="name")
    if ends_on < starts_on:
        raise ActionError(_("The cohort cannot end before it starts."), field="ends_on")
    if enrolment not in EnrolmentPolicy.values:
        raise ActionError(_("Choose one of the enrolment options."), field="enrolment")
    if late_policy not in LatePolicy.values:
        raise ActionError(_("Choose what happens to late hand-ins."), field="late_policy")
    if capacity is not None and capacity < 1:
        raise ActionError(_("A cohort needs at least one place."), field="capacity")
    if not 0 <= peer_reviewers <= 10:
        raise ActionError(_("Between 0 and 10 peer reviewers."), field="peer_reviewers")
    for event in sessions:
        if event.community_id != programme.community_id:
            raise ActionError(_("Sessions must be events of this community."), field="sessions")
    group = do_create_group(
        actor,
        programme.community,
        name=name.strip()[:120],
        slug=_group_slug(programme, name),
        kind=GroupKind.COHORT,
        description=_("Cohort of the programme “%(title)s”.") % {"title": programme.title},
        is_open=False,
    )
    for user_id in programme.facilitators.exclude(pk=actor.pk).values_list("pk", flat=True):
        GroupMembership.objects.get_or_create(
            group=group, user_id=user_id, defaults={"role": GroupRole.LEADER}
        )
    cohort = Cohort.objects.create(
        programme=programme,
        group=group,
        name=name.strip()[:120],
        starts_on=starts_on,
        ends_on=ends_on,
        enrolment=enrolment,
        capacity=capacity,
        handin_deadline=handin_deadline,
        late_policy=late_policy,
        peer_reviewers=peer_reviewers,
    )
    cohort.sessions.set(sessions)
    log_activity(actor, "cohort.created", community=programme.community, target=cohort)
    return cohort


def _seat(cohort: Cohort, enrolment: Enrolment):
    """Give `enrolment` a place, with the cohort row locked by the caller."""
    if cohort.capacity is not None:
        seated = Enrolment.objects.filter(cohort=cohort, status__in=SEATED).count()
        if seated >= cohort.capacity:
            raise Conflict(_("This cohort is full."), code="cohort_full")
    enrolment.status = EnrolmentStatus.ACTIVE
    enrolment.save(update_fields=["status"])
    GroupMembership.objects.get_or_create(group_id=cohort.group_id, user_id=enrolment.user_id)


def _locked(cohort: Cohort) -> Cohort:
    return (
        Cohort.objects.select_for_update().select_related("programme__community").get(pk=cohort.pk)
    )


@transaction.atomic
def do_enrol(actor, cohort: Cohort) -> Enrolment:
    """Enrol (open), ask for a place (on request) or accept an invitation."""
    cohort = _locked(cohort)
    community = cohort.programme.community
    access = policy.access_for(actor, community)
    if not access.is_member:
        raise Forbidden(_("Join the community to enrol in its cohorts."), code="not_member")
    if cohort.ends_on < timezone.localdate():
        raise ActionError(_("This cohort has ended."), code="cohort_ended")
    enrolment = Enrolment.objects.filter(cohort=cohort, user=actor).first()
    if enrolment and enrolment.status in (*SEATED, EnrolmentStatus.REQUESTED):
        raise Conflict(_("You are already enrolled in this cohort."), code="already_enrolled")
    invited = enrolment is not None and enrolment.status == EnrolmentStatus.INVITED
    if cohort.enrolment == EnrolmentPolicy.INVITATION and not invited:
        raise Forbidden(
            _("This cohort is by invitation only: ask its facilitators."), code="cohort_closed"
        )
    if enrolment is None:
        enrolment = Enrolment(cohort=cohort, user=actor, status=EnrolmentStatus.REQUESTED)
    if cohort.enrolment == EnrolmentPolicy.REQUEST and not invited:
        enrolment.status = EnrolmentStatus.REQUESTED
        enrolment.save()
        log_activity(actor, "cohort.enrolment_requested", community=community, target=cohort)
        return enrolment
    if enrolment.pk is None:
        enrolment.save()  # rolled back with the rest if the cohort is full
    _seat(cohort, enrolment)
    log_activity(actor, "cohort.enrolled", community=community, target=cohort)
    return enrolment


@transaction.atomic
def do_withdraw(actor, cohort: Cohort) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().filter(cohort=cohort, user=actor).first()
    if enrolment is None or enrolment.status not in (
        EnrolmentStatus.ACTIVE,
        EnrolmentStatus.REQUESTED,
        EnrolmentStatus.INVITED,
    ):
        raise ActionError(_("You are not enrolled in this cohort."), code="not_enrolled")
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    GroupMembership.objects.filter(
        group_id=cohort.group_id, user=actor, role=GroupRole.MEMBER
    ).delete()
    log_activity(actor, "cohort.withdrew", community=cohort.programme.community, target=cohort)
    return enrolment


@transaction.atomic
def do_invite(actor, cohort: Cohort, user) -> Enrolment:
    _require_facilitator(actor, cohort.programme)
    community = cohort.programme.community
    if not _community_members(community, [user.pk]):
        raise ActionError(_("Only members of the community can be invited."), field="user")
    enrolment = Enrolment.objects.filter(cohort=cohort, user=user).first()
    if enrolment and enrolment.status in (*SEATED, EnrolmentStatus.INVITED):
        raise Conflict(_("This person is already invited or enrolled."), code="already_enrolled")
    if enrolment is None:
        enrolment = Enrolment(cohort=cohort, user=user)
    enrolment.status = EnrolmentStatus.INVITED
    enrolment.save()
    context = {
        "person": user,
        "cohort": cohort,
        "cohort_url": absolute_url(cohort.get_absolute_url()),
    }
    transaction.on_commit(
        lambda: send_templated_mail(
            user.email, "learning/email/invited", context, user.language or None
        )
    )
    log_activity(actor, "cohort.invited", community=community, target=cohort, user_id=user.pk)
    return enrolment


@transaction.atomic
def do_decide_enrolment(actor, enrolment: Enrolment, *, approve: bool) -> Enrolment:
    cohort = _locked(enrolment.cohort)
    _require_facilitator(actor, cohort.programme)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.REQUESTED:
        raise Conflict(_("This request has already been decided."), code="already_decided")
    if approve:
        _seat(cohort, enrolment)
    else:
        enrolment.status = EnrolmentStatus.DECLINED
        enrolment.save(update_fields=["status"])
    log_activity(
        actor,
        "cohort.enrolment_approved" if approve else "cohort.enrolment_declined",
        community=cohort.programme.community,
        target=cohort,
        user_id=enrolment.user_id,
    )
    return enrolment


# --- Progress and hand-ins -----------------------------------------------------------------


def _participant(actor, cohort: Cohort, module: Module) -> Enrolment:
    if module.programme_id != cohort.programme_id:
        raise ActionError(_("This module is not part of the cohort's programme."), field="module")
    enrolment = Enrolment.objects.filter(
        cohort=cohort, user=actor, status=EnrolmentStatus.ACTIVE
    ).first()
    if enrolment is None:
        raise Forbidden(_("You are not a participant of this cohort."), code="not_participant")
    return enrolment


@transaction.atomic
def do_mark_done(actor, cohort: Cohort, module: Module) -> ModuleProgress:
    enrolment = _participant(actor, cohort, module)
    if module.has_hand_in:
        raise ActionError(
            _("Hand in the module's activity to complete it."), code="activity_required"
        )
    progress, _created = ModuleProgress.objects.get_or_create(enrolment=enrolment, module=module)
    return progress


@transaction.atomic
def do_unmark_done(actor, cohort: Cohort, module: Module) -> None:
    enrolment = _participant(actor, cohort, module)
    if module.has_hand_in:
        raise ActionError(_("A hand-in cannot be taken back."), code="activity_required")
    ModuleProgress.objects.filter(enrolment=enrolment, module=module).delete()


def _hand_in_for(enrolment, module) -> HandIn:
    hand_in, _created = HandIn.objects.select_for_update().get_or_create(
        enrolment=enrolment, module=module
    )
    return hand_in


def _clean_answers(module: Module, answers) -> dict[int, int]:
    """{question id: choice id} checked against the module's quiz; anything else is 400."""
    if not isinstance(answers, dict):
        raise ActionError(_("Answers must map questions to answers."), field="answers")
    choices = dict(
        QuizChoice.objects.filter(question__module=module).values_list("pk", "question_id")
    )
    questions = set(QuizQuestion.objects.filter(module=module).values_list("pk", flat=True))
    clean = {}
    for raw_q, raw_c in answers.items():
        try:
            q, c = int(raw_q), int(raw_c)
        except (TypeError, ValueError):
            raise ActionError(_("Answers must be numbers."), field="answers") from None
        if q not in questions:
            raise ActionError(
                _("Question %(id)s is not part of this quiz.") % {"id": q},
                field="answers",
                code="unknown_question",
            )
        if choices.get(c) != q:
            raise ActionError(
                _("This answer does not belong to question %(id)s.") % {"id": q},
                field="answers",
                code="unknown_choice",
            )
        clean[q] = c
    return clean


@transaction.atomic
def do_save_draft(actor, cohort: Cohort, module: Module, *, text: str = "", answers=None) -> HandIn:
    """Keep what is being written; a submitted hand-in cannot change (409)."""
    enrolment = _participant(actor, cohort, module)
    if not module.has_hand_in:
        raise ActionError(_("This module has nothing to hand in."), code="no_activity")
    hand_in = _hand_in_for(enrolment, module)
    if hand_in.is_submitted:
        raise Conflict(_("This has already been handed in."), code="already_submitted")
    hand_in.text = text or ""
    if answers is not None and module.activity == ActivityKind.QUIZ:
        hand_in.answers = {str(k): v for k, v in _clean_answers(module, answers).items()}
    hand_in.updated_at = timezone.now()
    hand_in.save()
    return hand_in


@transaction.atomic
def do_submit_hand_in(
    actor, cohort: Cohort, module: Module, *, text: str = "", answers=None
) -> HandIn:
    enrolment = _participant(actor, cohort, module)
    if not module.has_hand_in:
        raise ActionError(_("This module has nothing to hand in."), code="no_activity")
    now = timezone.now()
    late = cohort.handin_deadline is not None and now > cohort.handin_deadline
    if late and cohort.late_policy == LatePolicy.REFUSE:
        raise ActionError(
            _("The deadline for hand-ins has passed."), code="deadline_passed", status=400
        )
    hand_in = _hand_in_for(enrolment, module)
    if hand_in.is_submitted:
        raise Conflict(_("This has already been handed in."), code="already_submitted")
    if module.activity == ActivityKind.QUIZ:
        clean = _clean_answers(module, answers if answers is not None else hand_in.answers)
        total = module.questions.count()
        if len(clean) < total:
            raise ActionError(_("Answer every question."), field="answers", code="incomplete")
        correct = QuizChoice.objects.filter(pk__in=clean.values(), is_correct=True).count()
        hand_in.answers = {str(k): v for k, v in clean.items()}
        hand_in.score, hand_in.max_score = correct, total
    else:
        text = (text or "").strip()
        if not text:
            raise ActionError(_("Write something before handing it in."), field="text")
        hand_in.text = text
        hand_in.text_html = render_markdown(text)
    hand_in.submitted_at = now
    hand_in.updated_at = now
    hand_in.is_late = late
    hand_in.save()
    ModuleProgress.objects.get_or_create(
        enrolment=enrolment, module=module, defaults={"done_at": now}
    )
    log_activity(
        actor, "handin.submitted", community=cohort.programme.community, target=hand_in, late=late
    )
    return hand_in


@transaction.atomic
def do_give_feedback(actor, hand_in: HandIn, *, text: str) -> HandIn:
    programme = hand_in.module.programme
    _require_facilitator(actor, programme)
    if not hand_in.is_submitted:
        raise ActionError(_("This hand-in is still a draft."), code="draft")
    text = (text or "").strip()
    if not text:
        raise ActionError(_("Write your feedback."), field="text")
    hand_in.feedback = text
    hand_in.feedback_html = render_markdown(text)
    hand_in.feedback_by = actor
    hand_in.feedback_at = timezone.now()
    hand_in.save(update_fields=["feedback", "feedback_html", "feedback_by", "feedback_at"])
    log_activity(actor, "handin.feedback", community=programme.community, target=hand_in)
    return hand_in


@transaction.atomic
def do_mark_completion(actor, enrolment: Enrolment) -> Enrolment:
    cohort = enrolment.cohort
    _require_facilitator(actor, cohort.programme)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == EnrolmentStatus.COMPLETED:
        raise Conflict(_("This participant has already completed."), code="already_completed")
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise ActionError(_("Only participants can complete."), code="not_participant")
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.completed_at = timezone.now()
    enrolment.completed_by = actor
    enrolment.certificate_code = new_certificate_code()
    enrolment.save()
    person = enrolment.user
    context = {
        "person": person,
        "cohort": cohort,
        "record_url": absolute_url(reverse("learning-completion", args=[cohort.pk])),
        "verify_url": absolute_url(
            reverse("learning-certificate", args=[enrolment.certificate_code])
        ),
    }
    transaction.on_commit(
        lambda: send_templated_mail(
            person.email, "learning/email/completed", context, person.language or None
        )
    )
    log_activity(
        actor,
        "cohort.completed",
        community=cohort.programme.community,
        target=cohort,
        user_id=enrolment.user_id,
    )
    return enrolment


# --- Peer review ---------------------------------------------------------------------------


@transaction.atomic
def do_assign_peer_reviews(actor, cohort: Cohort, module: Module) -> list[PeerReview]:
    """Each submitted hand-in gets N reviewers, never its author, the load balanced.

    The first time, with more hand-ins than N, round-robin over the hand-ins in order:
    the author of hand-in i + k reviews hand-in i (k = 1..N), so everyone who handed in
    reviews exactly N. Hand-ins still short of reviewers (submitted later, or too few
    hand-ins) go to the least-loaded peers: those who handed in first, then the other
    participants.
    """
    _require_facilitator(actor, cohort.programme)
    _locked(cohort)
    if module.programme_id != cohort.programme_id or module.activity not in (
        ActivityKind.REFLECTION,
        ActivityKind.TASK,
    ):
        raise ActionError(_("This module has nothing to review."), field="module")
    hand_ins = list(
        HandIn.objects.filter(enrolment__cohort=cohort, module=module, submitted_at__isnull=False)
        .select_related("enrolment")
        .order_by("submitted_at", "pk")
    )
    authors = [h.enrolment.user_id for h in hand_ins]
    others = [
        user_id
        for user_id in Enrolment.objects.filter(cohort=cohort, status__in=SEATED)
        .order_by("pk")
        .values_list("user_id", flat=True)
        if user_id not in authors
    ]
    pool = authors + others
    n = min(cohort.peer_reviewers, len(pool) - 1)
    if not hand_ins or n < 1:
        raise ActionError(
            _("Peer review needs a hand-in and at least two participants."),
            code="too_few_hand_ins",
        )
    existing = set(
        PeerReview.objects.filter(hand_in__in=hand_ins).values_list("hand_in_id", "reviewer_id")
    )
    new = []
    if not existing and len(authors) > n:
        for i, hand_in in enumerate(hand_ins):
            for k in range(1, n + 1):
                reviewer = authors[(i + k) % len(authors)]
                new.append(PeerReview(hand_in=hand_in, reviewer_id=reviewer))
                existing.add((hand_in.pk, reviewer))
    load = dict.fromkeys(pool, 0)
    have = {h.pk: 0 for h in hand_ins}
    for hand_in_id, reviewer_id in existing:
        have[hand_in_id] += 1
        if reviewer_id in load:
            load[reviewer_id] += 1
    position = {user_id: index for index, user_id in enumerate(pool)}
    for i, hand_in in enumerate(hand_ins):
        author = authors[i]
        while have[hand_in.pk] < n:
            candidates = [a for a in pool if a != author and (hand_in.pk, a) not in existing]
            if not candidates:
                break
            reviewer = min(
                candidates,
                key=lambda a: (load[a], a not in authors, (position[a] - i) % len(pool)),
            )
            new.append(PeerReview(hand_in=hand_in, reviewer_id=reviewer))
            existing.add((hand_in.pk, reviewer))
            load[reviewer] += 1
            have[hand_in.pk] += 1
    PeerReview.objects.bulk_create(new)
    log_activity(
        actor,
        "peerreview.assigned",
        community=cohort.programme.community,
        target=module,
        count=len(new),
    )
    return new


@transaction.atomic
def do_submit_peer_review(actor, hand_in: HandIn, *, scores, comment: str = "") -> PeerReview:
    if hand_in.enrolment.user_id == actor.pk:
        raise Forbidden(_("You cannot review your own hand-in."), code="own_hand_in")
    review = PeerReview.objects.select_for_update().filter(hand_in=hand_in, reviewer=actor).first()
    if review is None:
        raise Forbidden(_("You have not been asked to review this hand-in."), code="not_assigned")
    if review.submitted_at:
        raise Conflict(_("You have already sent this review."), code="already_reviewed")
    criteria = {
        c.pk: c for c in RubricCriterion.objects.filter(programme_id=hand_in.module.programme_id)
    }
    if not isinstance(scores, dict):
        raise ActionError(_("Scores must map criteria to a score."), field="scores")
    clean = {}
    for raw_id, raw_score in scores.items():
        try:
            cid, score = int(raw_id), int(raw_score)
        except (TypeError, ValueError):
            raise ActionError(_("Scores must be numbers from 1 to 5."), field="scores") from None
        if cid not in criteria:
            raise ActionError(
                _("Criterion %(id)s is not part of this rubric.") % {"id": cid}, field="scores"
            )
        if not 1 <= score <= 5:
            raise ActionError(_("Each score is from 1 to 5."), field="scores", code="out_of_range")
        clean[str(cid)] = score
    if len(clean) < len(criteria):
        raise ActionError(_("Score every criterion of the rubric."), field="scores")
    comment = (comment or "").strip()
    if not criteria and not comment:
        raise ActionError(_("Write your review."), field="comment")
    review.scores = clean
    review.comment = comment
    review.comment_html = render_markdown(comment)
    review.submitted_at = timezone.now()
    review.save()
    log_activity(
        actor,
        "peerreview.submitted",
        community=hand_in.module.programme.community,
        target=hand_in,
        is_private=True,
    )
    return review


# --- Skills and goals --------------------------------------------------------------------


def _level(value, field="level") -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise ActionError(_("The level is a number from 1 to 5."), field=field) from None
    if not 1 <= level <= 5:
        raise ActionError(
            _("The level is a number from 1 to 5."), field=field, code="level_out_of_range"
        )
    return level


def skill_named(name: str) -> Skill:
    name = (name or "").strip()[:80]
    if not name:
        raise ActionError(_("Name the skill."), field="skill")
    skill = Skill.objects.filter(name__iexact=name).first()
    if skill is None:
        try:
            with transaction.atomic():
                skill = Skill.objects.create(name=name)
        except IntegrityError:
            skill = Skill.objects.get(name__iexact=name)
    return skill


@transaction.atomic
def do_assess_skill(actor, *, skill: Skill, level, assessed_on: date | None = None, note=""):
    level = _level(level)
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on > timezone.localdate():
        raise ActionError(_("An assessment cannot be in the future."), field="assessed_on")
    assessment = SkillAssessment.objects.create(
        user=actor, skill=skill, level=level, assessed_on=assessed_on, note=(note or "")[:500]
    )
    return assessment


@transaction.atomic
def do_set_goal(actor, *, skill: Skill, target_level, target_date: date, note="") -> LearningGoal:
    target_level = _level(target_level, "target_level")
    if target_date is None:
        raise ActionError(_("Choose a target date."), field="target_date")
    return LearningGoal.objects.create(
        user=actor,
        skill=skill,
        target_level=target_level,
        target_date=target_date,
        note=(note or "")[:500],
    )


@transaction.atomic
def do_update_goal(actor, goal: LearningGoal, *, status: str) -> LearningGoal:
    if goal.user_id != actor.pk:
        raise Forbidden(_("This is not your goal."))
    if status not in GoalStatus.values:
        raise ActionError(_("Choose one of the statuses offered."), field="status")
    goal.status = status
    goal.save(update_fields=["status"])
    return goal


def skills_map(community) -> list[dict]:
    """How many members hold each skill at each level (profile skills), in one query."""
    from koinon.accounts.models import ProfileSkill

    rows = (
        ProfileSkill.objects.filter(user__memberships__community=community, user__is_active=True)
        .values("skill_id", "skill__name", "level")
        .annotate(people=Count("user", distinct=True))
        .order_by("skill__name", "level")
    )
    skills: dict[int, dict] = {}
    for row in rows:
        entry = skills.setdefault(
            row["skill_id"],
            {"id": row["skill_id"], "name": row["skill__name"], "levels": [0] * 5, "total": 0},
        )
        entry["levels"][row["level"] - 1] = row["people"]
        entry["total"] += row["people"]
    return sorted(skills.values(), key=lambda s: (-s["total"], s["name"].lower()))


# --- Study groups: agenda and meeting notes ------------------------------------------------


def _require_study_member(actor, group):
    from koinon.communities.models import GroupKind as Kind

    if group.kind != Kind.STUDY:
        raise ActionError(_("Only study groups have an agenda."), code="not_study_group")
    access = policy.access_for(actor, group.community)
    if not (access.is_moderator or access.group_role(group)):
        raise Forbidden(_("Only members of the study group can do this."))
    return access


@transaction.atomic
def do_add_agenda_item(actor, group, *, title: str = "", resource=None, practice=None):
    _require_study_member(actor, group)
    for item in (resource, practice):
        if item is not None and item.community_id != group.community_id:
            raise ActionError(
                _("Link resources and practices of this community's library only."),
                field="resource",
            )
    title = (
        (title or "").strip()
        or (resource.title if resource else "")
        or (practice.title if practice else "")
    )
    if not title:
        raise ActionError(_("Name a topic or choose something from the library."), field="title")
    from koinon.learning.models import AgendaItem

    order = (AgendaItem.objects.filter(group=group).aggregate(m=Max("order"))["m"] or 0) + 1
    item = AgendaItem.objects.create(
        group=group,
        order=order,
        title=title[:200],
        resource=resource,
        practice=practice,
        added_by=actor,
    )
    log_activity(actor, "agenda.added", community=group.community, target=group)
    return item


@transaction.atomic
def do_mark_agenda_item(actor, item, *, covered: bool):
    _require_study_member(actor, item.group)
    item.covered_at = timezone.now() if covered else None
    item.save(update_fields=["covered_at"])
    return item


@transaction.atomic
def do_add_meeting_note(actor, group, *, body: str, met_on: date | None = None, event=None):
    _require_study_member(actor, group)
    body = (body or "").strip()
    if not body:
        raise ActionError(_("Write the notes of the meeting."), field="body")
    if event is not None and event.group_id != group.pk:
        raise ActionError(_("Choose one of this group's meetings."), field="event")
    from koinon.learning.models import MeetingNote

    met_on = met_on or (timezone.localdate(event.starts_at) if event else timezone.localdate())
    note = MeetingNote.objects.create(
        group=group,
        event=event,
        met_on=met_on,
        body=body,
        body_html=render_markdown(body),
        author=actor,
    )
    log_activity(actor, "meeting_notes.added", community=group.community, target=group)
    return note


@transaction.atomic
def do_add_facilitator(actor, programme: Programme, user) -> None:
    """A member becomes a facilitator of the programme and a leader of its cohorts' groups."""
    _require_facilitator(actor, programme)
    if not _community_members(programme.community, [user.pk]):
        raise ActionError(_("Facilitators must be members of the community."), field="email")
    if programme.facilitators.filter(pk=user.pk).exists():
        raise Conflict(_("This person already facilitates the programme."), code="already")
    programme.facilitators.add(user)
    for group_id in programme.cohorts.values_list("group_id", flat=True):
        GroupMembership.objects.update_or_create(
            group_id=group_id, user=user, defaults={"role": GroupRole.LEADER}
        )
    log_activity(
        actor, "programme.facilitator_added", community=programme.community, target=programme
    )


@transaction.atomic
def do_edit_module(
    actor,
    module: Module,
    *,
    title: str,
    content: str = "",
    activity_prompt: str = "",
    resources=(),
    practices=(),
) -> Module:
    """Change a module's text and library links; its activity and quiz stay as they are."""
    programme = module.programme
    _require_facilitator(actor, programme)
    if not (title or "").strip():
        raise ActionError(_("Give the module a title."), field="title")
    for item in list(resources) + list(practices):
        if item.community_id != programme.community_id:
            raise ActionError(
                _("Link resources and practices of this community's library only."),
                field="resources",
            )
    module.title = title.strip()
    module.content = content
    module.content_html = render_markdown(content)
    module.activity_prompt = activity_prompt
    module.save()
    module.resources.set(resources)
    module.practices.set(practices)
    log_activity(actor, "module.edited", community=programme.community, target=module)
    return module


# --- Editing after creation ----------------------------------------------------------------


@transaction.atomic
def do_edit_programme(
    actor,
    programme: Programme,
    *,
    title: str,
    description: str,
    outcomes: str = "",
    skills=(),
    criteria=None,
) -> Programme:
    """Change a programme's text, outcomes, skills and (while no review is sent) rubric.

    The address stays, so links keep working. Once a peer review has been sent its scores
    refer to the rubric's criteria: they may then be renamed, not added or removed.
    """
    _require_facilitator(actor, programme)
    title = (title or "").strip()
    if not title:
        raise ActionError(_("Give the programme a title."), field="title")
    if not (description or "").strip():
        raise ActionError(_("Describe the programme."), field="description")
    programme.title = title[:200]
    programme.description = description
    programme.description_html = render_markdown(description)
    programme.outcomes = outcomes or ""
    programme.save()
    programme.skills.set(skills)
    if criteria is not None:
        _edit_rubric(programme, [c.strip()[:200] for c in criteria if c.strip()])
    log_activity(actor, "programme.edited", community=programme.community, target=programme)
    return programme


def _edit_rubric(programme: Programme, titles: list[str]):
    current = list(programme.criteria.order_by("order", "pk"))
    if [c.title for c in current] == titles:
        return
    reviewed = PeerReview.objects.filter(
        hand_in__module__programme=programme, submitted_at__isnull=False
    ).exists()
    if reviewed and len(titles) != len(current):
        raise Conflict(
            _(
                "Peer reviews already score this rubric: its criteria can be renamed, "
                "not added or removed."
            ),
            field="criteria",
            code="rubric_in_use",
        )
    for order, (criterion, text) in enumerate(zip(current, titles, strict=False), start=1):
        criterion.title, criterion.order = text, order
        criterion.save(update_fields=["title", "order"])
    for criterion in current[len(titles) :]:
        criterion.delete()
    for order, text in enumerate(titles[len(current) :], start=len(current) + 1):
        RubricCriterion.objects.create(programme=programme, order=order, title=text)


@transaction.atomic
def do_edit_cohort(
    actor,
    cohort: Cohort,
    *,
    name: str,
    starts_on: date,
    ends_on: date,
    enrolment: str,
    capacity: int | None = None,
    handin_deadline=None,
    late_policy: str = LatePolicy.ALLOW,
    peer_reviewers: int = 2,
    sessions=None,
) -> Cohort:
    """Change a cohort's dates, enrolment, places, deadline and sessions; its group follows
    the new name. Places cannot drop below the people already seated."""
    _require_facilitator(actor, cohort.programme)
    cohort = _locked(cohort)
    if not (name or "").strip():
        raise ActionError(_("Give the cohort a name."), field="name")
    if starts_on is None or ends_on is None:
        raise ActionError(_("Choose the dates of the cohort."), field="starts_on")
    if ends_on < starts_on:
        raise ActionError(_("The cohort cannot end before it starts."), field="ends_on")
    if enrolment not in EnrolmentPolicy.values:
        raise ActionError(_("Choose one of the enrolment options."), field="enrolment")
    if late_policy not in LatePolicy.values:
        raise ActionError(_("Choose what happens to late hand-ins."), field="late_policy")
    if capacity is not None and capacity < 1:
        raise ActionError(_("A cohort needs at least one place."), field="capacity")
    if not 0 <= peer_reviewers <= 10:
        raise ActionError(_("Between 0 and 10 peer reviewers."), field="peer_reviewers")
    seated = Enrolment.objects.filter(cohort=cohort, status__in=SEATED).count()
    if capacity is not None and capacity < seated:
        raise Conflict(
            _("%(count)d people already have a place: keep at least as many places.")
            % {"count": seated},
            field="capacity",
            code="capacity_below_seated",
        )
    community = cohort.programme.community
    for event in sessions or ():
        if event.community_id != community.pk:
            raise ActionError(_("Sessions must be events of this community."), field="sessions")
    cohort.name = name.strip()[:120]
    cohort.starts_on, cohort.ends_on = starts_on, ends_on
    cohort.enrolment, cohort.capacity = enrolment, capacity
    cohort.handin_deadline, cohort.late_policy = handin_deadline, late_policy
    cohort.peer_reviewers = peer_reviewers
    cohort.save()
    if cohort.group.name != cohort.name:
        cohort.group.name = cohort.name
        cohort.group.save(update_fields=["name"])
    if sessions is not None:
        cohort.sessions.set(sessions)
    log_activity(actor, "cohort.edited", community=community, target=cohort)
    return cohort


# --- The cohort's own discussion space -------------------------------------------------------


def _require_discussant(actor, cohort: Cohort):
    access = policy.access_for(actor, cohort.programme.community)
    if not policy.can_discuss(access, cohort):
        raise Forbidden(
            _("Only the cohort's participants and facilitators take part in its discussions."),
            code="not_participant",
        )
    return access


def _clean_body(body: str) -> str:
    from koinon.learning.models import TEXT_MAX_LENGTH

    body = (body or "").strip()
    if not body:
        raise ActionError(_("Write your message."), field="body")
    if len(body) > TEXT_MAX_LENGTH:
        raise ActionError(
            _("The message is too long (at most %(max)d characters).") % {"max": TEXT_MAX_LENGTH},
            field="body",
        )
    return body


@transaction.atomic
def do_start_thread(actor, cohort: Cohort, *, title: str, body: str):
    from koinon.learning.models import CohortPost, CohortThread

    _require_discussant(actor, cohort)
    title = (title or "").strip()
    if not title:
        raise ActionError(_("Give the conversation a title."), field="title")
    if len(title) > 200:
        raise ActionError(_("The title is too long (at most 200 characters)."), field="title")
    body = _clean_body(body)
    now = timezone.now()
    thread = CohortThread.objects.create(
        cohort=cohort, title=title, author=actor, created_at=now, last_post_at=now, post_count=1
    )
    CohortPost.objects.create(
        thread=thread, author=actor, body=body, body_html=render_markdown(body), created_at=now
    )
    # Private to the cohort: kept out of the community's public activity.
    log_activity(
        actor,
        "cohort.thread_started",
        community=cohort.programme.community,
        target=cohort,
        is_private=True,
    )
    return thread


@transaction.atomic
def do_reply(actor, thread, *, body: str):
    from koinon.learning.models import CohortPost, CohortThread

    _require_discussant(actor, thread.cohort)
    body = _clean_body(body)
    thread = CohortThread.objects.select_for_update().get(pk=thread.pk)
    now = timezone.now()
    post = CohortPost.objects.create(
        thread=thread, author=actor, body=body, body_html=render_markdown(body), created_at=now
    )
    thread.last_post_at = now
    thread.post_count += 1
    thread.save(update_fields=["last_post_at", "post_count"])
    log_activity(
        actor,
        "cohort.replied",
        community=thread.cohort.programme.community,
        target=thread.cohort,
        is_private=True,
    )
    return post
