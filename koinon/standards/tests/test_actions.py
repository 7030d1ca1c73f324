from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from koinon.communities.models import GroupMembership
from koinon.communities.tests.factories import GroupFactory, MembershipFactory
from koinon.core.models import ActivityEntry
from koinon.lib.errors import ActionError, Conflict, Forbidden
from koinon.standards import actions
from koinon.standards.models import Ballot, StandardStatus, Vote
from koinon.standards.tests.factories import make_standard, open_vote, revise


def verbs(standard):
    return list(
        ActivityEntry.objects.filter(target_id=standard.pk, verb__startswith="standard.")
        .order_by("id")
        .values_list("verb", flat=True)
    )


def test_draft_revise_and_versions(community, member, mentor):
    standard = make_standard(member, community)
    assert standard.version == 1 and standard.status == StandardStatus.DRAFT
    assert standard.versions.count() == 1
    revise(member, standard, body=standard.body + "\n\n## Gifts\n\nRefuse gifts.", note="gifts")
    assert standard.version == 2
    assert standard.versions.get(number=2).note == "gifts"
    assert verbs(standard) == ["standard.created", "standard.revised"]


def test_only_members_draft_and_only_drafters_edit(community, member, mentor, outsider):
    with pytest.raises(Forbidden):
        make_standard(outsider, community)
    standard = make_standard(member, community)
    with pytest.raises(Forbidden):
        revise(mentor, standard, body="Other text")
    actions.do_add_drafter(member, standard, mentor.email)
    revise(mentor, standard, body="## A\n\nOther text")
    assert standard.version == 2


def test_moderators_may_edit(community, member, moderator):
    standard = make_standard(member, community)
    revise(moderator, standard, body="## A\n\nModerated")
    assert standard.version == 2


def test_group_members_are_drafters(community, member, mentor):
    group = GroupFactory(community=community)
    GroupMembership.objects.create(group=group, user=mentor)
    standard = make_standard(member, community, group=group)
    revise(mentor, standard, body="## A\n\nby the group")
    assert standard.version == 2


def test_conflicting_save_is_refused(community, member):
    standard = make_standard(member, community)
    revise(member, standard, body="## A\n\nfirst")
    with pytest.raises(actions.EditConflict) as caught:
        actions.do_edit_standard(
            member, standard, base_version=1, title=standard.title, body="## A\n\nmine"
        )
    assert caught.value.status == 409 and caught.value.current.number == 2


def test_unchanged_and_bad_input(community, member):
    standard = make_standard(member, community)
    with pytest.raises(ActionError):
        revise(member, standard)
    with pytest.raises(ActionError) as caught:
        revise(member, standard, body="   ")
    assert caught.value.field == "body"
    with pytest.raises(ActionError):
        make_standard(member, community, kind="manifesto")
    with pytest.raises(ActionError):
        make_standard(member, community, title="x" * 201)


def test_restore_makes_a_new_version(community, member):
    standard = make_standard(member, community)
    original = standard.body
    revise(member, standard, body="## Other\n\ntext")
    actions.do_restore_version(member, standard, 1)
    assert standard.version == 3 and standard.body == original
    assert standard.versions.get(number=3).restored_from == 1


def test_comment_anchored_to_a_section(community, member, mentor, outsider):
    standard = make_standard(member, community)
    comment = actions.do_comment(mentor, standard, section="confidentiality", body="Which data?")
    assert comment.section == "confidentiality" and comment.section_title == "Confidentiality"
    assert comment.version == 1
    with pytest.raises(ActionError):
        actions.do_comment(mentor, standard, section="nowhere", body="?")
    with pytest.raises(Forbidden):
        actions.do_comment(outsider, standard, section="confidentiality", body="?")
    assert "standard.commented" in verbs(standard)


def test_amendment_accepted_becomes_a_version(community, member, mentor):
    standard = make_standard(member, community)
    amendment = actions.do_propose_amendment(
        mentor,
        standard,
        section="confidentiality",
        text="## Confidentiality\n\nKeep client data private, even after the engagement.",
        rationale="Duties outlive contracts.",
    )
    assert amendment.status == "open" and amendment.base_version == 1
    actions.do_decide_amendment(member, amendment, accept=True)
    standard.refresh_from_db()
    assert standard.version == 2
    assert "even after the engagement" in standard.body
    assert "Declare them before you start." in standard.body
    assert amendment.applied_version == 2
    assert standard.versions.get(number=2).amendment_id == amendment.pk
    with pytest.raises(Conflict):
        actions.do_decide_amendment(member, amendment, accept=False, reason="late")


def test_amendment_rejected_needs_a_reason(community, member, mentor):
    standard = make_standard(member, community)
    amendment = actions.do_propose_amendment(
        mentor, standard, section="preamble", text="Better intro.", rationale="Clearer."
    )
    with pytest.raises(ActionError) as caught:
        actions.do_decide_amendment(member, amendment, accept=False, reason="")
    assert caught.value.field == "reason"
    actions.do_decide_amendment(member, amendment, accept=False, reason="Out of scope")
    assert amendment.status == "rejected" and amendment.reason == "Out of scope"
    with pytest.raises(Forbidden):
        other = actions.do_propose_amendment(
            mentor, standard, section="preamble", text="Again.", rationale="r"
        )
        actions.do_decide_amendment(mentor, other, accept=True)


def test_amendment_on_a_changed_section_is_a_conflict(community, member, mentor):
    standard = make_standard(member, community)
    amendment = actions.do_propose_amendment(
        mentor, standard, section="confidentiality", text="## Confidentiality\n\nX", rationale="r"
    )
    revise(member, standard, body=standard.body.replace("Keep client", "Keep all client"))
    with pytest.raises(Conflict):
        actions.do_decide_amendment(member, amendment, accept=True)


def test_amendment_by_non_eligible_is_refused(community, member, mentor, outsider):
    group = GroupFactory(community=community)
    GroupMembership.objects.create(group=group, user=member)
    standard = make_standard(member, community, eligible_group=group)
    for person in (mentor, outsider):
        with pytest.raises(Forbidden):
            actions.do_propose_amendment(
                person, standard, section="preamble", text="t", rationale="r"
            )


def test_amendments_only_during_the_review_period(community, member, mentor):
    standard = make_standard(member, community)
    now = timezone.now()
    actions.do_open_review(
        member, standard, opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8)
    )
    assert standard.status == StandardStatus.REVIEW
    with pytest.raises(ActionError):
        actions.do_propose_amendment(mentor, standard, section="preamble", text="t", rationale="r")
    actions.do_open_review(
        member, standard, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=8)
    )
    actions.do_propose_amendment(mentor, standard, section="preamble", text="t", rationale="r")
    with pytest.raises(ActionError):
        actions.do_open_review(
            member, standard, opens_at=now + timedelta(days=3), closes_at=now + timedelta(days=2)
        )


def test_vote_full_cycle_ratifies_and_never_changes(community, owner, member, mentor, moderator):
    standard = make_standard(member, community)
    ballot = open_vote(member, standard, quorum=50, threshold=66)
    assert standard.status == StandardStatus.VOTING and ballot.eligible_count == 4
    for person, choice in ((member, "approve"), (mentor, "approve"), (owner, "abstain")):
        actions.do_vote(person, ballot, choice=choice, reason="")
    closed = actions.do_close_vote(member, ballot)
    assert closed.result == "ratified" and closed.quorum_reached
    assert (closed.approve_count, closed.abstain_count, closed.object_count) == (2, 1, 0)
    standard.refresh_from_db()
    assert standard.status == StandardStatus.RATIFIED and standard.ratified_version == 1
    with pytest.raises(ActionError):
        actions.do_vote(moderator, closed, choice="object")
    with pytest.raises(Conflict):
        actions.do_close_vote(member, closed)
    again = actions._close(closed)
    assert again.result == "ratified" and again.closed_at == closed.closed_at
    assert "standard.ratified" in verbs(standard)


def test_vote_fails_on_quorum_or_threshold(community, owner, member, mentor, moderator):
    standard = make_standard(member, community)
    ballot = open_vote(member, standard, quorum=75, threshold=50)
    actions.do_vote(member, ballot, choice="approve")
    closed = actions.do_close_vote(member, ballot)
    assert closed.result == "not_ratified" and closed.quorum_reached is False
    standard.refresh_from_db()
    assert standard.status == StandardStatus.DRAFT and standard.ratified_version is None
    ballot = open_vote(member, standard, quorum=50, threshold=67)
    actions.do_vote(member, ballot, choice="approve")
    actions.do_vote(mentor, ballot, choice="object")
    actions.do_vote(owner, ballot, choice="approve")
    closed = actions.do_close_vote(member, ballot)
    assert closed.quorum_reached and closed.result == "not_ratified"  # 2/3 < 67 %


def test_threshold_counts_only_non_abstaining(community, owner, member, mentor, moderator):
    standard = make_standard(member, community)
    ballot = open_vote(member, standard, quorum=50, threshold=100)
    actions.do_vote(member, ballot, choice="approve")
    actions.do_vote(mentor, ballot, choice="abstain")
    actions.do_vote(owner, ballot, choice="abstain")
    assert actions.do_close_vote(member, ballot).result == "ratified"


def test_vote_twice_is_refused_and_constrained(community, member, mentor):
    standard = make_standard(member, community)
    ballot = open_vote(member, standard)
    actions.do_vote(mentor, ballot, choice="approve")
    with pytest.raises(Conflict):
        actions.do_vote(mentor, ballot, choice="object")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(ballot=ballot, voter=mentor, choice="object")


def test_vote_outside_the_window(community, member, mentor):
    standard = make_standard(member, community)
    ballot = open_vote(member, standard)
    Ballot.objects.filter(pk=ballot.pk).update(
        opens_at=timezone.now() + timedelta(hours=1), closes_at=timezone.now() + timedelta(days=1)
    )
    ballot.refresh_from_db()
    with pytest.raises(ActionError) as caught:
        actions.do_vote(mentor, ballot, choice="approve")
    assert caught.value.code == "vote_not_open"
    Ballot.objects.filter(pk=ballot.pk).update(
        opens_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() - timedelta(days=1)
    )
    ballot.refresh_from_db()
    with pytest.raises(ActionError) as caught:
        actions.do_vote(mentor, ballot, choice="approve")
    assert caught.value.code == "vote_closed"
    assert "20" in str(caught.value.message)  # says when it closed


@pytest.mark.parametrize(
    ("quorum", "threshold", "field"),
    [(101, 50, "quorum"), (0, 50, "quorum"), (50, 150, "threshold"), ("abc", 50, "quorum")],
)
def test_bad_percentages_are_refused(community, member, quorum, threshold, field):
    standard = make_standard(member, community)
    with pytest.raises(ActionError) as caught:
        open_vote(member, standard, quorum=quorum, threshold=threshold)
    assert caught.value.field == field
    assert not Ballot.objects.exists()


def test_quorum_over_100_is_refused_by_the_database_too(community, member):
    standard = make_standard(member, community)
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(
            standard=standard,
            version=1,
            eligible_count=1,
            quorum=120,
            threshold=50,
            opens_at=now,
            closes_at=now + timedelta(days=1),
        )


def test_bad_vote_dates(community, member):
    standard = make_standard(member, community)
    with pytest.raises(ActionError):
        open_vote(member, standard, days=-1)
    with pytest.raises(ActionError):
        open_vote(member, standard, days=400)


def test_text_is_frozen_while_voting(community, member, mentor):
    standard = make_standard(member, community)
    amendment = actions.do_propose_amendment(
        mentor, standard, section="preamble", text="Changed.", rationale="r"
    )
    open_vote(member, standard)
    attempts = [
        lambda: revise(member, standard, body="## New\n\ntext"),
        lambda: actions.do_restore_version(member, standard, 1),
        lambda: actions.do_decide_amendment(member, amendment, accept=True),
        lambda: actions.do_propose_amendment(
            mentor, standard, section="preamble", text="x", rationale="r"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict) as caught:
            attempt()
        assert caught.value.code == "frozen"
    with pytest.raises(Conflict):
        open_vote(member, standard)
    # Comments are still welcome.
    actions.do_comment(mentor, standard, section="preamble", body="Still thinking.")


def test_group_electorate_and_late_joiners(community, member, mentor, moderator):
    group = GroupFactory(community=community)
    GroupMembership.objects.create(
        group=group, user=mentor, joined_at=timezone.now() - timedelta(days=1)
    )
    standard = make_standard(member, community)
    ballot = open_vote(member, standard, group=group)
    assert ballot.eligible_count == 1
    with pytest.raises(Forbidden):
        actions.do_vote(moderator, ballot, choice="approve")
    late = MembershipFactory(community=community).user
    GroupMembership.objects.create(group=group, user=late)
    with pytest.raises(Forbidden):
        actions.do_vote(late, ballot, choice="approve")
    actions.do_vote(mentor, ballot, choice="approve")
    assert actions.do_close_vote(member, ballot).result == "ratified"


def test_lazy_and_scheduled_close(community, member, mentor):
    from django.core.management import call_command

    standard = make_standard(member, community)
    ballot = open_vote(member, standard, quorum=10, threshold=50)
    actions.do_vote(mentor, ballot, choice="approve")
    end = timezone.now() - timedelta(minutes=1)
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=end - timedelta(days=1), closes_at=end)
    assert actions.close_if_due(standard)
    assert standard.status == StandardStatus.RATIFIED
    ballot.refresh_from_db()
    assert ballot.closed_at == end and ballot.closed_by is None
    other = make_standard(member, community, title="Second")
    ballot = open_vote(member, other)
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=end - timedelta(days=1), closes_at=end)
    call_command("close_standard_votes")
    ballot.refresh_from_db()
    assert ballot.result == "not_ratified"


def test_revising_a_ratified_text_keeps_the_published_version(community, member, mentor):
    standard = make_standard(member, community)
    ballot = open_vote(member, standard, quorum=1, threshold=1)
    actions.do_vote(mentor, ballot, choice="approve")
    actions.do_close_vote(member, ballot)
    revise(member, standard, body="## New\n\nNext edition")
    assert standard.status == StandardStatus.DRAFT
    assert standard.ratified_version == 1 and standard.version == 2
    ballot = open_vote(member, standard, quorum=1, threshold=1)
    actions.do_vote(mentor, ballot, choice="approve")
    actions.do_close_vote(member, ballot)
    standard.refresh_from_db()
    assert standard.ratified_version == 2
    assert standard.versions.filter(number=1).exists()


def test_drafts_from_a_topic_and_a_practice(community, member):
    from koinon.discussions.actions import do_create_topic
    from koinon.library.tests.factories import make_practice

    topic = do_create_topic(member, community, title="Gifts from clients", body="May we accept?")
    draft = actions.draft_from_topic(topic)
    assert draft["title"] == "Gifts from clients" and "May we accept?" in draft["body"]
    standard = actions.do_create_standard(
        member, community, kind="rule", origin_topic=topic, **draft
    )
    assert standard.origin_topic == topic
    practice = make_practice(member, community, when_to_use="Always")
    draft = actions.draft_from_practice(practice)
    standard = actions.do_create_standard(member, community, origin_practice=practice, **draft)
    assert "What I did" in standard.body and "Always" in standard.body


def test_search_indexes_only_what_every_member_sees(community, member, mentor):
    from koinon.search.models import Document

    standard = make_standard(member, community)
    assert not Document.objects.filter(object_id=standard.pk, kind="standards.standard").exists()
    now = timezone.now()
    actions.do_open_review(member, standard, opens_at=now, closes_at=now + timedelta(days=5))
    found = Document.objects.filter(object_id=standard.pk, kind="standards.standard")
    assert found.exists()
    ballot = open_vote(member, standard, quorum=100, threshold=50)
    actions.do_close_vote(member, ballot)  # nobody voted: back to draft, no longer found
    assert not found.exists()
    draft = make_standard(member, community, title="Another draft")
    from koinon.search.items import rebuild

    rebuild()
    assert not Document.objects.filter(object_id=draft.pk, kind="standards.standard").exists()


def test_personal_data_export_and_erase(community, member, mentor):
    from koinon.standards import personal_data

    standard = make_standard(member, community)
    actions.do_comment(mentor, standard, section="preamble", body="Mine.")
    actions.do_propose_amendment(mentor, standard, section="preamble", text="T", rationale="R")
    ballot = open_vote(member, standard)
    actions.do_vote(mentor, ballot, choice="object", reason="No")
    data = personal_data.export(mentor)
    assert data["comments"][0]["body"] == "Mine." and data["votes"][0]["choice"] == "object"
    assert data["amendments"][0]["rationale"] == "R"
    personal_data.erase(mentor)
    assert personal_data.export(mentor)["comments"] == []
    assert not Vote.objects.filter(voter=mentor).exists()
