import pytest
from django.db import IntegrityError, transaction

from koinon.communities.models import Visibility
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.core.models import ActivityEntry
from koinon.lib.errors import ActionError, Forbidden
from koinon.library import actions
from koinon.library.diff import compare, unified_text
from koinon.library.models import Adoption, Practice, PracticeVersion
from koinon.library.tests.factories import make_practice, revise

pytestmark = pytest.mark.django_db


def test_creating_a_practice_saves_version_one_and_makes_the_author_maintainer(community, member):
    practice = make_practice(member, community, tags="Agile, Meetings", note="first draft")
    assert practice.version == 1
    assert practice.slug == "daily-stand-up"
    assert practice.status == "draft"
    assert "<ol>" in practice.body_html
    assert list(practice.maintainers.all()) == [member]
    assert sorted(t.name for t in practice.tags.all()) == ["agile", "meetings"]
    (version,) = practice.versions.all()
    assert (version.number, version.note, version.author) == (1, "first draft", member)
    assert ActivityEntry.objects.filter(verb="practice.created", actor=member).exists()


def test_slugs_stay_unique_within_a_community_and_avoid_reserved_words(community, member):
    assert make_practice(member, community).slug == "daily-stand-up"
    assert make_practice(member, community).slug == "daily-stand-up-2"
    assert make_practice(member, community, title="New").slug == "new-2"


def test_outsider_cannot_write_a_practice(community, outsider):
    with pytest.raises(Forbidden):
        make_practice(outsider, community)


def test_empty_title_is_a_field_error(community, member):
    with pytest.raises(ActionError) as caught:
        make_practice(member, community, title="   ")
    assert caught.value.field == "title"


def test_every_save_is_a_new_version(community, member, mentor):
    practice = make_practice(member, community)
    revise(mentor, practice, body="1. Yesterday\n2. Today", note="shorter")
    practice.refresh_from_db()
    assert practice.version == 2
    assert [v.number for v in practice.versions.all()] == [2, 1]
    latest = practice.versions.get(number=2)
    assert (latest.author, latest.note, latest.body) == (
        mentor,
        "shorter",
        "1. Yesterday\n2. Today",
    )
    assert ActivityEntry.objects.filter(verb="practice.revised", data__version=2).exists()


def test_a_save_with_nothing_changed_is_refused(community, member):
    practice = make_practice(member, community)
    with pytest.raises(ActionError) as caught:
        revise(member, practice)
    assert caught.value.code == "unchanged"


def test_second_editor_with_a_stale_version_gets_a_conflict(community, member, mentor):
    practice = make_practice(member, community)
    stale = Practice.objects.get(pk=practice.pk)
    revise(member, practice, body="First editor's text")
    with pytest.raises(actions.EditConflict) as caught:
        revise(mentor, stale, body="Second editor's text")
    assert caught.value.status == 409
    assert caught.value.current.number == 2
    assert Practice.objects.get(pk=practice.pk).body == "First editor's text"


def test_restoring_an_old_version_creates_a_new_one(community, member):
    practice = make_practice(member, community, body="original")
    revise(member, practice, body="changed")
    actions.do_restore_version(member, practice, 1)
    practice.refresh_from_db()
    assert (practice.version, practice.body) == (3, "original")
    v3 = practice.versions.get(number=3)
    assert v3.restored_from == 1 and "1" in v3.note
    assert PracticeVersion.objects.filter(practice=practice).count() == 3


def test_restoring_the_current_version_is_refused(community, member):
    practice = make_practice(member, community)
    with pytest.raises(ActionError):
        actions.do_restore_version(member, practice, 1)


def test_version_numbers_are_unique_per_practice(community, member):
    practice = make_practice(member, community)
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeVersion.objects.create(
            practice=practice, number=1, title="x", summary="x", body="x"
        )


def test_diff_shows_changed_fields_only(community, member):
    practice = make_practice(member, community, body="line one\nline two")
    revise(member, practice, body="line one\nline 2")
    old, new = practice.versions.get(number=1), practice.versions.get(number=2)
    changes = compare(old, new)
    assert [c["field"] for c in changes] == ["body"]
    assert ("remove", "line two") in changes[0]["rows"]
    assert ("add", "line 2") in changes[0]["rows"]
    assert "-line two" in unified_text(old, new) and "+line 2" in unified_text(old, new)


def test_maintainer_and_moderator_change_the_status_and_it_is_logged(community, member, moderator):
    practice = make_practice(member, community)
    actions.do_change_status(member, practice, "proposed")
    actions.do_change_status(moderator, practice, "adopted")
    entries = ActivityEntry.objects.filter(verb="practice.status_changed").order_by("id")
    assert [(e.data["old"], e.data["new"]) for e in entries] == [
        ("draft", "proposed"),
        ("proposed", "adopted"),
    ]
    assert Practice.objects.get(pk=practice.pk).status == "adopted"


def test_other_members_cannot_change_the_status(community, member, mentor):
    practice = make_practice(member, community)
    with pytest.raises(Forbidden):
        actions.do_change_status(mentor, practice, "adopted")


def test_unknown_status_is_refused(community, member):
    practice = make_practice(member, community)
    with pytest.raises(ActionError) as caught:
        actions.do_change_status(member, practice, "famous")
    assert caught.value.field == "status"


def test_a_maintainer_adds_another_member_as_maintainer(community, member, mentor, outsider):
    practice = make_practice(member, community)
    actions.do_add_maintainer(member, practice, mentor.email.upper())
    actions.do_change_status(mentor, practice, "proposed")
    with pytest.raises(ActionError):
        actions.do_add_maintainer(member, practice, outsider.email)


def test_the_last_maintainer_stays(community, member):
    practice = make_practice(member, community)
    with pytest.raises(ActionError):
        actions.do_remove_maintainer(member, practice, member)


def test_adopting_counts_once_per_person(community, member, mentor):
    practice = make_practice(member, community)
    actions.do_adopt(mentor, practice, "every Monday")
    actions.do_adopt(mentor, practice, "every day now")
    practice.refresh_from_db()
    assert practice.adoption_count == 1
    assert Adoption.objects.get(practice=practice, user=mentor).note == "every day now"
    actions.do_unadopt(mentor, practice)
    practice.refresh_from_db()
    assert practice.adoption_count == 0


def test_adoption_is_unique_in_the_database(community, member):
    practice = make_practice(member, community)
    Adoption.objects.create(practice=practice, user=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Adoption.objects.create(practice=practice, user=member)


def test_outsider_cannot_adopt(community, member, outsider):
    practice = make_practice(member, community)
    with pytest.raises(Forbidden):
        actions.do_adopt(outsider, practice)


def test_member_of_another_community_cannot_edit(community, member):
    practice = make_practice(member, community)
    other = CommunityFactory(visibility=Visibility.PUBLIC)
    stranger = MembershipFactory(community=other).user
    with pytest.raises(Forbidden):
        revise(stranger, practice, body="vandal")
