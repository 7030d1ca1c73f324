import pytest
from django.urls import reverse

from koinon.communities.models import Visibility
from koinon.core.models import ActivityEntry
from koinon.library import actions
from koinon.library.models import Adoption, Practice
from koinon.library.tests.factories import make_lesson, make_practice, revise

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def url(name, practice, *extra):
    return reverse(name, args=[practice.community.slug, practice.slug, *extra])


def test_list_filters_by_status_and_tag(client, community, member):
    adopted = make_practice(member, community, title="Retrospective", tags="agile")
    make_practice(member, community, title="Kanban board", tags="flow")
    actions.do_change_status(member, adopted, "adopted")
    base = reverse("practice-list", args=["pm"])
    text = client.get(base + "?status=adopted").content.decode()
    assert "Retrospective" in text and "Kanban board" not in text
    text = client.get(base + "?tag=flow").content.decode()
    assert "Kanban board" in text and "Retrospective" not in text


def test_list_queries_are_bounded(client, community, member, django_assert_max_num_queries):
    for n in range(35):
        make_practice(member, community, title=f"Practice {n}", tags="a,b")
    client.force_login(member)
    client.get(reverse("home"))
    with django_assert_max_num_queries(15):
        response = client.get(reverse("practice-list", args=["pm"]))
    assert response.status_code == 200


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.SECRET])
def test_private_and_secret_practices_are_404_for_outsiders(
    client, community, member, outsider, visibility
):
    practice = make_practice(member, community, title="Hidden method")
    community.visibility = visibility
    community.save()
    client.force_login(outsider)
    listing = client.get(reverse("practice-list", args=["pm"]))
    # A private community is known by name (403 as for its topics); a secret one is not.
    assert listing.status_code == (403 if visibility == Visibility.PRIVATE else 404)
    assert "Hidden method" not in listing.content.decode()
    for address in (
        url("practice-detail", practice),
        url("practice-history", practice),
        url("practice-version", practice, 1),
    ):
        response = client.get(address)
        assert response.status_code == 404, address
        assert "Hidden method" not in response.content.decode()
    assert client.post(url("practice-adopt", practice)).status_code == 404


def test_private_practices_are_readable_by_members(client, community, member):
    practice = make_practice(member, community, title="Hidden method")
    community.visibility = Visibility.PRIVATE
    community.save()
    client.force_login(member)
    assert "Hidden method" in client.get(url("practice-detail", practice)).content.decode()


def test_public_practice_is_readable_without_signing_in(client, community, member):
    practice = make_practice(member, community, body="**Stand** up")
    response = client.get(url("practice-detail", practice))
    assert response.status_code == 200
    assert "<strong>Stand</strong>" in response.content.decode()
    assert "I use this" not in response.content.decode()


def test_member_writes_a_practice(client, community, member):
    client.force_login(member)
    response = client.post(
        reverse("practice-create", args=["pm"]),
        {
            "title": "Pair review",
            "summary": "Two people read each plan.",
            "body": "Steps",
            "tags": "quality",
        },
    )
    practice = Practice.objects.get(title="Pair review")
    assert response.status_code == 302 and response["Location"] == practice.get_absolute_url()


def test_create_form_errors_are_400(client, community, member):
    client.force_login(member)
    response = client.post(reverse("practice-create", args=["pm"]), {"title": "", "body": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_too_many_tags_is_a_form_error(client, community, member):
    client.force_login(member)
    response = client.post(
        reverse("practice-create", args=["pm"]),
        {"title": "T", "summary": "S", "body": "B", "tags": "a,b,c,d,e,f"},
    )
    assert response.status_code == 400 and "at most 5 tags" in response.content.decode()


def test_outsider_may_not_open_the_create_form(client, community, outsider):
    client.force_login(outsider)
    assert client.get(reverse("practice-create", args=["pm"])).status_code == 403


def test_edit_saves_a_new_version(client, community, member, mentor):
    practice = make_practice(member, community)
    client.force_login(mentor)
    form = client.get(url("practice-edit", practice))
    assert 'name="base_version" value="1"' in form.content.decode()
    response = client.post(
        url("practice-edit", practice),
        {
            "title": practice.title,
            "summary": practice.summary,
            "body": "New text",
            "base_version": 1,
            "note": "rewrote",
        },
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.version == 2 and practice.body == "New text"


def test_conflicting_edit_is_409_and_keeps_both_texts(client, community, member, mentor):
    practice = make_practice(member, community)
    revise(member, practice, body="Their text that was saved first")
    client.force_login(mentor)
    response = client.post(
        url("practice-edit", practice),
        {
            "title": practice.title,
            "summary": practice.summary,
            "body": "My own careful text",
            "base_version": 1,
        },
    )
    text = response.content.decode()
    assert response.status_code == 409
    assert "Their text that was saved first" in text
    assert "My own careful text" in text
    assert 'name="base_version" value="2"' in text
    assert Practice.objects.get(pk=practice.pk).version == 2


def test_history_compares_two_versions_escaped(client, community, member):
    practice = make_practice(member, community, body="plain")
    revise(member, practice, body="<script>alert(1)</script>")
    response = client.get(url("practice-history", practice) + "?a=1&b=2")
    text = response.content.decode()
    assert response.status_code == 200
    assert "<del>" in text and "<ins>" in text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_comparing_a_missing_version_is_404(client, community, member):
    practice = make_practice(member, community)
    assert client.get(url("practice-history", practice) + "?a=1&b=9").status_code == 404
    assert client.get(url("practice-history", practice) + "?a=x&b=1").status_code == 400


def test_restore_from_the_version_page(client, community, member):
    practice = make_practice(member, community, body="original")
    revise(member, practice, body="changed")
    client.force_login(member)
    page = client.get(url("practice-version", practice, 1))
    assert "Restore version 1" in page.content.decode()
    response = client.post(url("practice-restore", practice, 1))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.version, practice.body) == (3, "original")


def test_status_change_by_a_plain_member_is_403(client, community, member, mentor):
    practice = make_practice(member, community)
    client.force_login(mentor)
    response = client.post(url("practice-status", practice), {"status": "adopted"})
    assert response.status_code == 403
    assert Practice.objects.get(pk=practice.pk).status == "draft"


def test_maintainer_changes_status_and_the_timeline_shows_it(client, community, member):
    practice = make_practice(member, community)
    client.force_login(member)
    response = client.post(url("practice-status", practice), {"status": "proposed"})
    assert response.status_code == 302
    text = client.get(url("practice-detail", practice)).content.decode()
    assert "changed the status from Draft to Proposed" in text
    assert "Version 1" in text


def test_bad_status_is_400(client, community, member):
    practice = make_practice(member, community)
    client.force_login(member)
    assert client.post(url("practice-status", practice), {"status": "x"}).status_code == 400


def test_adopt_with_htmx_returns_the_adoption_box(client, community, member, mentor):
    practice = make_practice(member, community)
    client.force_login(mentor)
    response = client.post(url("practice-adopt", practice), {"note": "weekly"}, **HTMX)
    text = response.content.decode()
    assert response.status_code == 200
    assert "1 person uses this" in text and "Martina" in text and "weekly" in text
    assert "I no longer use this" in text
    response = client.post(url("practice-adopt", practice), {"undo": "1"}, **HTMX)
    assert "0 people use this" in response.content.decode()
    assert not Adoption.objects.exists()


def test_unadopting_what_was_not_adopted_is_a_clear_error(client, community, member):
    practice = make_practice(member, community)
    client.force_login(member)
    response = client.post(url("practice-adopt", practice), {"undo": "1"}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#library-messages"


def test_detail_queries_are_bounded(client, community, member, django_assert_max_num_queries):
    from koinon.communities.tests.factories import MembershipFactory

    practice = make_practice(member, community)
    for n in range(20):
        revise(member, practice, body=f"text {n}")
        actions.do_adopt(MembershipFactory(community=community).user, practice, "yes")
        lesson = make_lesson(member, community, title=f"Lesson {n}", practices=[practice])
        actions.do_propose_change(member, lesson, practice, f"Change {n}")
        if n % 2:
            proposal = lesson.proposals.get()
            actions.do_decide_proposal(member, proposal, accept=True)
    client.force_login(member)
    client.get(reverse("home"))
    with django_assert_max_num_queries(21):
        response = client.get(url("practice-detail", practice))
    assert response.status_code == 200


def test_anonymous_visitor_posting_is_sent_to_log_in(client, community, member):
    practice = make_practice(member, community)
    response = client.post(url("practice-adopt", practice))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not ActivityEntry.objects.filter(verb="practice.adopted").exists()


def test_pages_speak_italian(client, community, member):
    practice = make_practice(member, community)
    member.language = "it"
    member.save()
    client.force_login(member)
    text = client.get(url("practice-detail", practice)).content.decode()
    assert "La uso" in text and "Cronologia" in text and "Bozza" in text
    text = client.get(reverse("lesson-errors", args=["pm"])).content.decode()
    assert "Imparare dagli errori" in text


def test_maintainers_are_added_and_removed_from_the_page(client, community, member, mentor):
    practice = make_practice(member, community)
    client.force_login(member)
    response = client.post(url("practice-maintainers", practice), {"email": mentor.email})
    assert response.status_code == 302
    assert set(practice.maintainers.all()) == {member, mentor}
    response = client.post(url("practice-maintainers", practice), {"email": "nobody@example.org"})
    assert response.status_code == 400
    response = client.post(url("practice-maintainers", practice), {"remove": str(member.pk)})
    assert response.status_code == 302
    assert list(practice.maintainers.all()) == [mentor]


def test_practice_admin_hides_nothing_it_should_not(admin_client, community, member):
    practice = make_practice(member, community)
    response = admin_client.get(reverse("admin:library_practice_change", args=[practice.pk]))
    assert response.status_code == 200
