"""Mentoring in a person's data export and erasure (hooks for koinon.lib.personal_data).

Session notes are private to the pair: the export holds the person's own notes only.
"""

from django.db.models import Q

from koinon.mentoring.models import (
    MentoringOffer,
    MentoringRequest,
    Mentorship,
    RequestStatus,
    SessionNote,
    Status,
)

OPEN_MENTORSHIPS = (Status.REQUESTED, Status.ACCEPTED, Status.ACTIVE)


def export(user) -> dict:
    mentorships = Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user))
    return {
        "offers": list(
            MentoringOffer.objects.filter(mentor=user).values("topics", "capacity", "format")
        ),
        "requests": list(MentoringRequest.objects.filter(mentee=user).values("goals", "status")),
        "mentorships": [
            {"id": m.pk, "as": "mentor" if m.mentor_id == user.pk else "mentee", "status": m.status}
            for m in mentorships
        ],
        "my_session_notes": list(
            SessionNote.objects.filter(author=user).values("mentorship_id", "body")
        ),
    }


def erase(user) -> None:
    """Withdraw offers and requests and end open mentorships; the other person keeps
    the mentorship's history, signed "Former member"."""
    MentoringOffer.objects.filter(mentor=user).update(is_active=False)
    MentoringRequest.objects.filter(mentee=user).update(status=RequestStatus.CLOSED)
    Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user), status__in=OPEN_MENTORSHIPS).update(
        status=Status.ENDED
    )
