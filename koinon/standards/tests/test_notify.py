"""Eligible members hear when a ratification vote opens and when it closes."""

import pytest

from koinon.notifications.models import Notification
from koinon.standards import actions
from koinon.standards.tests.factories import make_standard, open_vote

pytestmark = pytest.mark.django_db


def _notified(verb):
    return set(Notification.objects.filter(verb=verb).values_list("recipient_id", flat=True))


def test_eligible_members_hear_of_the_vote_opening_and_closing(
    django_capture_on_commit_callbacks, community, owner, member, mentor, moderator, outsider
):
    standard = make_standard(member, community)
    with django_capture_on_commit_callbacks(execute=True):
        ballot = open_vote(member, standard)
    opened = _notified("standard.vote_opened")
    assert {owner.pk, mentor.pk, moderator.pk} <= opened
    assert member.pk not in opened  # the one who opened it
    assert outsider.pk not in opened
    actions.do_vote(mentor, ballot, choice="approve", reason="")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_close_vote(member, ballot)
    closed = _notified("standard.vote_closed")
    assert {owner.pk, mentor.pk, moderator.pk} <= closed and outsider.pk not in closed
    notice = Notification.objects.filter(verb="standard.vote_closed").first()
    assert notice.kind == "standard_vote" and notice.subject == standard.title
