"""Reputation from each source, kept per community and tag, idempotent and reversible."""

import pytest

from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.discussions import actions
from koinon.discussions.models import Post
from koinon.discussions.tests.factories import make_question, make_reply, make_topic
from koinon.reputation import ledger
from koinon.reputation.models import ReputationEvent, Source
from koinon.reputation.rules import POINTS
from koinon.reputation.tests.helpers import recompute, score, snapshot

pytestmark = pytest.mark.django_db
HELPFUL, ACCEPTED, ADOPTED, ENDORSED = (
    POINTS["helpful"],
    POINTS["accepted"],
    POINTS["adopted"],
    POINTS["endorsed"],
)


@pytest.fixture
def question(community, member):
    return make_question(member, community, tags="scrum, estimation")


@pytest.fixture
def answer(question, mentor):
    return make_reply(mentor, question, body="Planning poker, timeboxed.")


def test_a_helpful_reaction_earns_the_author_points(answer, member, mentor, community):
    actions.do_add_reaction(member, answer, "helpful")
    assert score(mentor) == HELPFUL
    assert score(mentor, community) == HELPFUL
    assert score(mentor, community, "scrum") == HELPFUL
    assert score(mentor, community, "estimation") == HELPFUL
    assert score(member) == 0


def test_other_reactions_earn_nothing(answer, member, mentor):
    actions.do_add_reaction(member, answer, "thanks")
    actions.do_add_reaction(member, answer, "insightful")
    assert score(mentor) == 0 and not ReputationEvent.objects.exists()


def test_removing_the_reaction_takes_the_points_back(answer, member, mentor, community):
    actions.do_add_reaction(member, answer, "helpful")
    actions.do_remove_reaction(member, answer, "helpful")
    assert score(mentor) == 0 and score(mentor, community, "scrum") == 0
    assert not ReputationEvent.objects.exists()


def test_an_accepted_answer_earns_points_and_unaccepting_removes_them(
    question, answer, member, mentor, community
):
    actions.do_accept_answer(member, answer)
    assert score(mentor, community) == ACCEPTED
    assert score(mentor, community, "estimation") == ACCEPTED
    actions.do_unaccept_answer(member, question)
    assert score(mentor) == 0


def test_accepting_another_answer_moves_the_points(question, answer, member, mentor, owner):
    other = make_reply(owner, question, body="T-shirt sizes.")
    actions.do_accept_answer(member, answer)
    actions.do_accept_answer(member, other)
    assert score(mentor) == 0 and score(owner) == ACCEPTED


def test_accepting_ones_own_answer_earns_nothing(question, member):
    own = make_reply(member, question, body="Answering myself.")
    actions.do_accept_answer(member, own)
    assert score(member) == 0


def test_deleting_a_post_removes_what_it_earned(question, answer, member, mentor):
    actions.do_add_reaction(member, answer, "helpful")
    actions.do_accept_answer(member, answer)
    assert score(mentor) == HELPFUL + ACCEPTED
    actions.do_delete_post(mentor, answer)
    assert score(mentor) == 0


def test_hidden_posts_earn_nothing_until_restored(answer, member, mentor, moderator):
    from koinon.moderation import actions as moderation

    actions.do_add_reaction(member, answer, "helpful")
    moderation.do_hide_post(moderator, answer, reason="check")
    assert score(mentor) == 0
    moderation.do_restore_post(moderator, Post.objects.get(pk=answer.pk), reason="fine")
    assert score(mentor) == HELPFUL


def test_anonymous_posts_earn_nobody_reputation(community, member, mentor):
    community.allow_anonymous = True
    community.save()
    topic = make_question(mentor, community, tags="scrum")
    secret = make_reply(member, topic, body="Asked to stay unnamed.", is_anonymous=True)
    actions.do_add_reaction(mentor, secret, "helpful")
    actions.do_accept_answer(mentor, secret)
    assert score(member) == 0 and not ReputationEvent.objects.filter(user=member).exists()
    recompute()
    assert score(member) == 0 and not ReputationEvent.objects.filter(user=member).exists()


def test_points_are_kept_per_community(community, member, mentor):
    other = CommunityFactory(slug="devs", name="Developers")
    MembershipFactory(community=other, user=member)
    MembershipFactory(community=other, user=mentor)
    here = make_reply(mentor, make_topic(member, community, tags="scrum"))
    there = make_reply(mentor, make_topic(member, other, tags="python"))
    actions.do_add_reaction(member, here, "helpful")
    actions.do_add_reaction(member, there, "helpful")
    assert score(mentor) == 2 * HELPFUL
    assert score(mentor, community) == HELPFUL and score(mentor, other) == HELPFUL
    assert score(mentor, community, "scrum") == HELPFUL
    assert score(mentor, community, "python") == 0
    assert score(mentor, other, "python") == HELPFUL


def test_retagging_a_topic_moves_its_points(question, answer, member, mentor, community):
    actions.do_add_reaction(member, answer, "helpful")
    actions.do_edit_topic(member, question, tags="kanban")
    assert score(mentor, community, "scrum") == 0
    assert score(mentor, community, "kanban") == HELPFUL
    assert score(mentor, community) == HELPFUL


def test_replaying_a_sync_changes_nothing(answer, question, member, mentor, owner):
    actions.do_add_reaction(member, answer, "helpful")
    actions.do_add_reaction(owner, answer, "helpful")
    actions.do_accept_answer(member, answer)
    before = snapshot()
    ledger.sync_post(answer.pk)
    ledger.sync_topic(question.pk)
    ledger.sync_post(answer.pk)
    assert snapshot() == before
    assert score(mentor) == 2 * HELPFUL + ACCEPTED


def test_the_command_rebuilds_the_same_ledger_and_is_idempotent(
    answer, question, member, mentor, owner, community
):
    from koinon.library import actions as library
    from koinon.library.tests.factories import make_practice

    actions.do_add_reaction(member, answer, "helpful")
    actions.do_accept_answer(member, answer)
    practice = make_practice(mentor, community, tags="scrum")
    library.do_adopt(member, practice)
    incremental = snapshot()
    ReputationEvent.objects.all().delete()
    recompute()
    assert snapshot() == incremental
    recompute()
    assert snapshot() == incremental


def test_the_command_repairs_a_ledger_gone_wrong(answer, member, mentor):
    actions.do_add_reaction(member, answer, "helpful")
    right = snapshot()
    ReputationEvent.objects.update(points=999)
    ReputationEvent.objects.create(user=member, source=Source.HELPFUL, source_id=424242, points=5)
    ledger.aggregate([member.pk, mentor.pk])
    recompute()
    assert snapshot() == right


def test_an_adopted_practice_credits_its_maintainers(community, member, mentor, owner):
    from koinon.library import actions as library
    from koinon.library.tests.factories import make_practice

    practice = make_practice(mentor, community, tags="retrospectives")
    library.do_add_maintainer(mentor, practice, owner.email)
    library.do_adopt(member, practice)
    assert score(mentor, community) == ADOPTED
    assert score(owner, community, "retrospectives") == ADOPTED
    library.do_adopt(mentor, practice)  # a maintainer adopting their own practice
    assert score(owner) == 2 * ADOPTED and score(mentor) == ADOPTED
    library.do_unadopt(member, practice)
    assert score(mentor) == 0 and score(owner) == ADOPTED


def test_endorsements_count_overall_only(community, member, mentor):
    from koinon.accounts.actions import do_set_skill
    from koinon.accounts.models import Skill
    from koinon.network import actions as network

    do_set_skill(mentor, name="Scrum", level=4)
    skill = Skill.objects.get(name__iexact="scrum")
    network.do_endorse_skill(member, mentor, skill)
    assert score(mentor) == ENDORSED and score(mentor, community) == 0


def test_withdrawing_an_endorsement_takes_the_points_back(
    community, member, mentor, django_capture_on_commit_callbacks
):
    from koinon.accounts.actions import do_set_skill
    from koinon.accounts.models import Skill
    from koinon.network import actions as network

    do_set_skill(mentor, name="Scrum", level=4)
    skill = Skill.objects.get(name__iexact="scrum")
    network.do_endorse_skill(member, mentor, skill)
    with django_capture_on_commit_callbacks(execute=True):
        network.do_withdraw_endorsement(member, mentor, skill)
    assert score(mentor) == 0


def test_settings_change_the_points(settings, answer, member, mentor):
    settings.REPUTATION_POINTS = {"helpful": 7}
    actions.do_add_reaction(member, answer, "helpful")
    assert score(mentor) == 7


def test_the_demo_hook_is_idempotent(answer, member, mentor):
    from koinon.core.demo import Report
    from koinon.reputation import demo

    actions.do_add_reaction(member, answer, "helpful")
    ReputationEvent.objects.all().delete()
    first = Report()
    demo.populate({}, first)
    assert score(mentor) == HELPFUL and first.created == {"reputation events": 1}
    again = Report()
    demo.populate({}, again)
    assert again.created == {} and score(mentor) == HELPFUL
