"""Every write on mentoring offers, requests and mentorships.

Capacity is guarded by the database: accepting (or pairing) locks the offer's row
with `select_for_update` and counts the places taken inside that lock, so two
mentees accepted at the same moment cannot both take the last place.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from koinon.accounts.fields import check_languages, check_time_zone
from koinon.accounts.models import ProfileSkill, Skill
from koinon.communities.models import Membership
from koinon.core.activity import log_activity
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.lib.markdown import render_markdown
from koinon.mentoring import policy
from koinon.mentoring.models import (
    TAKES_A_PLACE,
    Feedback,
    Format,
    Goal,
    GoalKind,
    MentoringOffer,
    MentoringRequest,
    Mentorship,
    OfferSkill,
    RequestSkill,
    RequestStatus,
    SessionNote,
    Status,
    Wish,
)

MAX_SKILLS = 20
MAX_CAPACITY = 50


# --- Checks shared by offers and requests ---------------------------------------------


def _text(value, field: str, max_length: int, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("This field is required."), field=field, code="required")
    if len(value) > max_length:
        raise ActionError(
            _("At most %(n)d characters, please.") % {"n": max_length},
            field=field,
            code="too_long",
        )
    return value


def _languages(codes) -> list[str]:
    try:
        return check_languages(list(codes or []))
    except ValidationError as exc:
        raise ActionError(exc.messages[0], field="languages", code="invalid") from exc


def _time_zone(name) -> str:
    try:
        return check_time_zone((name or "").strip())
    except ValidationError as exc:
        raise ActionError(exc.messages[0], field="time_zone", code="invalid") from exc


def _community(user, community):
    """Scoping to a community needs membership of it."""
    if (
        community is not None
        and not Membership.objects.filter(community=community, user=user).exists()
    ):
        raise Forbidden(_("You can only do this in a community you belong to."), field="community")
    return community


def _capacity(value) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= MAX_CAPACITY:
        raise ActionError(
            _("The capacity must be a whole number from 1 to %(n)d.") % {"n": MAX_CAPACITY},
            field="capacity",
            code="invalid",
        )
    return value


def _format(value) -> str:
    if value not in Format.values:
        raise ActionError(_("Choose online, in person or both."), field="format", code="invalid")
    return value


# --- Offers -------------------------------------------------------------------------------


def _offer_skills(mentor, names) -> list[ProfileSkill]:
    """The mentor's own profile skills with these names; each level comes from the profile."""
    names = [" ".join(str(n).split()) for n in names or [] if str(n).strip()]
    if len(names) > MAX_SKILLS:
        raise ActionError(
            _("At most %(n)d skills, please.") % {"n": MAX_SKILLS}, field="skills", code="too_many"
        )
    held = {
        ps.skill.name.lower(): ps
        for ps in ProfileSkill.objects.filter(user=mentor).select_related("skill")
    }
    missing = [n for n in names if n.lower() not in held]
    if missing:
        raise ActionError(
            _("Add these skills to your profile first, with your level: %(skills)s.")
            % {"skills": ", ".join(missing)},
            field="skills",
            code="skill_not_on_profile",
        )
    return list({held[n.lower()].skill_id: held[n.lower()] for n in names}.values())


def _set_offer_skills(offer, held: list[ProfileSkill]) -> None:
    OfferSkill.objects.filter(offer=offer).delete()
    OfferSkill.objects.bulk_create(
        OfferSkill(offer=offer, skill_id=ps.skill_id, level=ps.level) for ps in held
    )


@transaction.atomic
def do_create_offer(
    mentor,
    *,
    topics,
    skills=(),
    languages=(),
    format=Format.ONLINE,
    capacity=1,
    availability="",
    community=None,
) -> MentoringOffer:
    offer = MentoringOffer.objects.create(
        mentor=mentor,
        community=_community(mentor, community),
        topics=_text(topics, "topics", 2000),
        languages=_languages(languages),
        format=_format(format),
        capacity=_capacity(capacity),
        availability=_text(availability, "availability", 300, required=False),
    )
    _set_offer_skills(offer, _offer_skills(mentor, skills))
    log_activity(mentor, "mentoring.offered", community=offer.community, target=offer)
    return offer


OFFER_FIELDS = {
    "topics": lambda v: _text(v, "topics", 2000),
    "languages": _languages,
    "format": _format,
    "capacity": _capacity,
    "availability": lambda v: _text(v, "availability", 300, required=False),
    "is_active": bool,
}


@transaction.atomic
def do_update_offer(actor, offer: MentoringOffer, **changes) -> MentoringOffer:
    """Change an offer (its mentor only); lowering the capacity never ends a mentorship."""
    if actor.pk != offer.mentor_id:
        raise Forbidden(_("Only the mentor can change this offer."))
    skills = changes.pop("skills", None)
    for name, value in changes.items():
        setattr(offer, name, OFFER_FIELDS[name](value))
    offer.save()
    if skills is not None:
        _set_offer_skills(offer, _offer_skills(actor, skills))
    log_activity(actor, "mentoring.offer_changed", community=offer.community, target=offer)
    return offer


# --- Requests -----------------------------------------------------------------------------


def _skill_named(name: str) -> Skill:
    name = " ".join(str(name or "").split())
    if len(name) > Skill._meta.get_field("name").max_length:
        raise ActionError(_("This skill name is too long."), field="skills", code="too_long")
    return Skill.objects.filter(name__iexact=name).first() or Skill.objects.create(name=name)


def _wanted(skills) -> dict[str, int]:
    """{name: wish} from a {name: wish} mapping or a list of names (all "useful")."""
    if not isinstance(skills, dict):
        skills = dict.fromkeys(skills or [], Wish.USEFUL)
    wanted = {}
    for name, wish in skills.items():
        if not str(name).strip():
            continue
        if wish not in Wish.values:
            raise ActionError(_("Unknown wish for a skill."), field="skills", code="invalid")
        wanted.setdefault(" ".join(str(name).split()).lower(), (name, wish))
    if len(wanted) > MAX_SKILLS:
        raise ActionError(
            _("At most %(n)d skills, please.") % {"n": MAX_SKILLS}, field="skills", code="too_many"
        )
    return dict(wanted.values())


@transaction.atomic
def do_create_request(
    mentee, *, goals, skills=(), languages=(), time_zone=None, community=None
) -> MentoringRequest:
    """Ask for mentoring; `skills` is a list of names or {name: wish}."""
    if time_zone is None:
        time_zone = getattr(getattr(mentee, "profile", None), "time_zone", "")
    wanted = _wanted(skills)
    found = MentoringRequest.objects.create(
        mentee=mentee,
        community=_community(mentee, community),
        goals=_text(goals, "goals", 2000),
        languages=_languages(languages),
        time_zone=_time_zone(time_zone),
    )
    RequestSkill.objects.bulk_create(
        RequestSkill(request=found, skill=_skill_named(name), wish=wish)
        for name, wish in wanted.items()
    )
    log_activity(mentee, "mentoring.requested", community=found.community, target=found)
    return found


@transaction.atomic
def do_close_request(actor, found: MentoringRequest) -> MentoringRequest:
    if actor.pk != found.mentee_id:
        raise Forbidden(_("Only the person who asked can close this request."))
    found.status = RequestStatus.CLOSED
    found.save(update_fields=["status"])
    log_activity(actor, "mentoring.request_closed", community=found.community, target=found)
    return found


# --- Mentorships --------------------------------------------------------------------------


def places_taken(offer: MentoringOffer) -> int:
    return Mentorship.objects.filter(offer=offer, status__in=TAKES_A_PLACE).count()


def _lock_offer(offer: MentoringOffer) -> MentoringOffer:
    return MentoringOffer.objects.select_for_update().get(pk=offer.pk)


def _at_capacity(offer: MentoringOffer) -> Conflict:
    return Conflict(_("This mentor has no free place at the moment."), code="mentor_at_capacity")


def _check_not_self(mentor, mentee):
    if mentor.pk == mentee.pk:
        raise ActionError(_("You cannot mentor yourself."), code="self_mentoring")


@transaction.atomic
def do_ask_mentor(mentee, offer: MentoringOffer, *, request=None, message="") -> Mentorship:
    """The mentee asks the mentor of `offer`; refused when the mentor has no free place."""
    _check_not_self(offer.mentor, mentee)
    if not policy.visible_offers_for(mentee).filter(pk=offer.pk).exists():
        raise ActionError(_("This offer does not exist."), code="not_found", status=404)
    offer = _lock_offer(offer)
    if not offer.is_active:
        raise Conflict(_("This offer is no longer active."), code="offer_inactive")
    if places_taken(offer) >= offer.capacity:
        raise _at_capacity(offer)
    if request is not None and request.mentee_id != mentee.pk:
        raise Forbidden(_("This is not your request."))
    try:
        with transaction.atomic():
            mentorship = Mentorship.objects.create(
                offer=offer,
                request=request,
                mentor_id=offer.mentor_id,
                mentee=mentee,
                message=_text(message, "message", 2000, required=False),
            )
    except IntegrityError as exc:
        raise Conflict(_("You have already asked this mentor."), code="already_asked") from exc
    log_activity(mentee, "mentoring.asked", community=offer.community, target=mentorship)
    return mentorship


def _transition(mentorship, actor, *, allowed_from, to, verb, by="either") -> Mentorship:
    """Move to `to` if the status is one of `allowed_from`; a conditional update decides."""
    if by == "mentor" and actor.pk != mentorship.mentor_id:
        raise Forbidden(_("Only the mentor can do this."))
    if not mentorship.is_party(actor):
        raise Forbidden(_("Only the mentor and the mentee can do this."))
    changed = Mentorship.objects.filter(pk=mentorship.pk, status__in=allowed_from).update(status=to)
    if not changed:
        raise Conflict(
            _("This step is not possible: the mentorship is now “%(status)s”.")
            % {"status": Status(_current(mentorship)).label},
            code="wrong_status",
        )
    mentorship.status = to
    log_activity(actor, verb, community=mentorship.offer.community, target=mentorship)
    return mentorship


def _current(mentorship) -> str:
    return Mentorship.objects.filter(pk=mentorship.pk).values_list("status", flat=True).first()


@transaction.atomic
def do_accept_mentorship(actor, mentorship: Mentorship) -> Mentorship:
    """The mentor accepts; refused (409) twice, and when every place is already taken."""
    if actor.pk != mentorship.mentor_id:
        raise Forbidden(_("Only the mentor can do this."))
    offer = _lock_offer(mentorship.offer)
    if _current(mentorship) == Status.REQUESTED and places_taken(offer) >= offer.capacity:
        raise _at_capacity(offer)
    _transition(
        mentorship,
        actor,
        allowed_from=[Status.REQUESTED],
        to=Status.ACCEPTED,
        verb="mentoring.accepted",
    )
    if mentorship.request_id:
        MentoringRequest.objects.filter(pk=mentorship.request_id, status=RequestStatus.OPEN).update(
            status=RequestStatus.MATCHED
        )
    return mentorship


@transaction.atomic
def do_decline_mentorship(actor, mentorship: Mentorship) -> Mentorship:
    return _transition(
        mentorship,
        actor,
        allowed_from=[Status.REQUESTED],
        to=Status.DECLINED,
        verb="mentoring.declined",
        by="mentor",
    )


@transaction.atomic
def do_start_mentorship(actor, mentorship: Mentorship) -> Mentorship:
    return _transition(
        mentorship,
        actor,
        allowed_from=[Status.ACCEPTED],
        to=Status.ACTIVE,
        verb="mentoring.started",
    )


@transaction.atomic
def do_finish_mentorship(actor, mentorship: Mentorship, *, completed=True) -> Mentorship:
    """Completed (the goals were reached) or ended early; either of the pair may do it."""
    return _transition(
        mentorship,
        actor,
        allowed_from=[Status.ACCEPTED, Status.ACTIVE],
        to=Status.COMPLETED if completed else Status.ENDED,
        verb="mentoring.completed" if completed else "mentoring.ended",
    )


@transaction.atomic
def do_pair_by_hand(actor, community, *, mentor, mentee) -> Mentorship:
    """A community mentor or moderator pairs two members; recorded in the activity log."""
    if not policy.can_pair_in(actor, community):
        raise Forbidden(_("Only the community's mentors and moderators can pair people."))
    _check_not_self(mentor, mentee)
    members = set(
        Membership.objects.filter(community=community, user__in=[mentor, mentee]).values_list(
            "user_id", flat=True
        )
    )
    if members != {mentor.pk, mentee.pk}:
        raise ActionError(_("Both people must be members of this community."), code="not_members")
    offer = (
        MentoringOffer.objects.filter(mentor=mentor, is_active=True)
        .filter(Q(community=community) | Q(community__isnull=True))
        .order_by(F("community_id").asc(nulls_last=True), "pk")
        .first()
    )
    if offer is None:
        raise ActionError(
            _("This person has no active mentoring offer."), field="mentor", code="no_offer"
        )
    offer = _lock_offer(offer)
    if places_taken(offer) >= offer.capacity:
        raise _at_capacity(offer)
    try:
        with transaction.atomic():
            mentorship = Mentorship.objects.create(
                offer=offer,
                mentor=mentor,
                mentee=mentee,
                status=Status.ACCEPTED,
                paired_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict(_("These two are already paired."), code="already_paired") from exc
    log_activity(
        actor,
        "mentoring.paired",
        community=community,
        target=mentorship,
        mentor=mentor.pk,
        mentee=mentee.pk,
        is_private=True,
    )
    return mentorship


# --- Inside a mentorship: goals, notes, feedback -----------------------------------------


def _check_party(actor, mentorship):
    if not mentorship.is_party(actor):
        raise ActionError(_("This mentorship does not exist."), code="not_found", status=404)


def _check_running(mentorship):
    if mentorship.status not in (Status.ACCEPTED, Status.ACTIVE):
        raise Conflict(
            _("Goals and notes can be added only while the mentorship runs."),
            code="not_running",
        )


def _progress(kind, progress) -> int:
    if kind == GoalKind.DONE and isinstance(progress, bool):
        return 100 if progress else 0
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        progress = -1
    if not 0 <= progress <= 100:
        raise ActionError(
            _("Progress is a whole number from 0 to 100."), field="progress", code="invalid"
        )
    if kind == GoalKind.DONE:
        return 100 if progress >= 100 else 0
    return progress


@transaction.atomic
def do_add_goal(actor, mentorship, *, title, kind=GoalKind.PERCENT) -> Goal:
    _check_party(actor, mentorship)
    _check_running(mentorship)
    if kind not in GoalKind.values:
        raise ActionError(_("Unknown kind of goal."), field="kind", code="invalid")
    goal = Goal.objects.create(mentorship=mentorship, title=_text(title, "title", 200), kind=kind)
    log_activity(actor, "mentoring.goal_set", target=goal, is_private=True)
    return goal


@transaction.atomic
def do_set_goal_progress(actor, goal: Goal, progress) -> Goal:
    """Per cent (0–100), or for a done/not-done goal True/False (or 100/0)."""
    _check_party(actor, goal.mentorship)
    goal.progress = _progress(goal.kind, progress)
    goal.save(update_fields=["progress"])
    return goal


@transaction.atomic
def do_add_note(actor, mentorship, *, body) -> SessionNote:
    _check_party(actor, mentorship)
    _check_running(mentorship)
    body = _text(body, "body", 10000)
    return SessionNote.objects.create(
        mentorship=mentorship, author=actor, body=body, body_html=render_markdown(body)
    )


def _rating(value) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ActionError(_("Rate from 1 to 5."), field="rating", code="invalid")
    return value


@transaction.atomic
def do_leave_feedback(actor, mentorship, *, rating, comment="") -> Feedback:
    """Once each, at the end (completed or ended)."""
    _check_party(actor, mentorship)
    if not mentorship.is_finished:
        raise Conflict(_("Feedback is given when the mentorship has ended."), code="not_finished")
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                mentorship=mentorship,
                author=actor,
                rating=_rating(rating),
                comment=_text(comment, "comment", 2000, required=False),
            )
    except IntegrityError as exc:
        raise Conflict(_("You have already given your feedback."), code="already_given") from exc
    log_activity(actor, "mentoring.feedback", target=mentorship, is_private=True)
    return feedback
