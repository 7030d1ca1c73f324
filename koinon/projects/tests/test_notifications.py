import pytest

from koinon.notifications.models import Notification
from koinon.projects import actions

pytestmark = pytest.mark.django_db


def test_the_author_and_supporters_hear_when_an_idea_changes_status(
    owner, member, mentor, moderator, django_capture_on_commit_callbacks
):
    idea = actions.do_propose_idea(
        member,
        member.memberships.get().community,
        title="Pair reviews",
        problem="Reviews are late.",
        proposal="Review in pairs.",
        benefit="Faster feedback.",
    )
    actions.do_support_idea(mentor, idea)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_change_idea_status(moderator, idea, "planned")
    told = set(Notification.objects.filter(kind="idea_status").values_list("recipient", flat=True))
    assert told == {member.pk, mentor.pk}
