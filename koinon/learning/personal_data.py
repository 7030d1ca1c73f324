"""Learning in a person's data export and erasure (hooks for koinon.lib.personal_data)."""

from koinon.learning.models import (
    CohortPost,
    Enrolment,
    EnrolmentStatus,
    HandIn,
    LearningGoal,
    PeerReview,
    SkillAssessment,
)


def _dt(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    enrolments = Enrolment.objects.filter(user=user).select_related("cohort__programme")
    hand_ins = HandIn.objects.filter(enrolment__user=user).select_related("module")
    reviews = PeerReview.objects.filter(reviewer=user, submitted_at__isnull=False)
    posts = CohortPost.objects.filter(author=user).select_related("thread__cohort")
    return {
        "enrolments": [
            {
                "programme": e.cohort.programme.title,
                "cohort": e.cohort.name,
                "status": e.status,
                "completed_at": _dt(e.completed_at),
            }
            for e in enrolments
        ],
        "hand_ins": [
            {
                "module": h.module.title,
                "text": h.text,
                "answers": h.answers,
                "submitted_at": _dt(h.submitted_at),
                "feedback": h.feedback,
            }
            for h in hand_ins
        ],
        "peer_reviews_written": [
            {"scores": r.scores, "comment": r.comment, "sent_at": _dt(r.submitted_at)}
            for r in reviews
        ],
        "skill_assessments": [
            {"skill": a.skill.name, "level": a.level, "on": a.assessed_on.isoformat()}
            for a in SkillAssessment.objects.filter(user=user).select_related("skill")
        ],
        "learning_goals": [
            {
                "skill": g.skill.name,
                "target_level": g.target_level,
                "target_date": g.target_date.isoformat(),
                "status": g.status,
            }
            for g in LearningGoal.objects.filter(user=user).select_related("skill")
        ],
        "cohort_messages": [
            {"cohort": p.thread.cohort.name, "conversation": p.thread.title, "body": p.body}
            for p in posts
        ],
    }


def erase(user) -> None:
    """Drop the person's own assessments, goals and unsent drafts; leave the cohorts they
    were still in. What they handed in, reviewed or wrote to others stays, unnamed."""
    SkillAssessment.objects.filter(user=user).delete()
    LearningGoal.objects.filter(user=user).delete()
    HandIn.objects.filter(enrolment__user=user, submitted_at__isnull=True).delete()
    PeerReview.objects.filter(reviewer=user, submitted_at__isnull=True).delete()
    Enrolment.objects.filter(
        user=user,
        status__in=[EnrolmentStatus.ACTIVE, EnrolmentStatus.REQUESTED, EnrolmentStatus.INVITED],
    ).update(status=EnrolmentStatus.WITHDRAWN)
