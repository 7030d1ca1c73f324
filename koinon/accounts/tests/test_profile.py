import pytest
from django.urls import reverse

from koinon.accounts import actions
from koinon.accounts.models import ProfileVisibility
from koinon.accounts.tests.factories import ProfileSkillFactory, SkillFactory, UserFactory
from koinon.communities.tests.factories import CommunityFactory, MembershipFactory
from koinon.core.models import ActivityEntry
from koinon.lib.errors import ActionError

pytestmark = pytest.mark.django_db


def _url(user):
    return reverse("profile-detail", args=[user.pk])


def _fill(user, **fields):
    defaults = {
        "display_name": "Mia Rossi",
        "headline": "Project manager in healthcare",
        "bio": "I *like* plans.\n\n<script>alert(1)</script>",
        "organisation": "ASL Roma",
        "sector": "Healthcare",
        "expertise_areas": ["agile", "risk management"],
        "languages": ["it", "en"],
        "time_zone": "Europe/Rome",
        "city": "Roma",
        "country": "IT",
        "open_to_mentoring": True,
        "links": ["https://mia.example.org"],
        "visibility": ProfileVisibility.EVERYONE,
    }
    return actions.do_update_profile(user, **{**defaults, **fields})


def test_profile_shows_everything(client, member, community):
    _fill(member)
    ProfileSkillFactory(user=member, skill=SkillFactory(name="Scrum"), level=4)
    client.force_login(member)
    html = client.get(_url(member), headers={"accept-language": "en"}).content.decode()
    for text in [
        "Mia Rossi",
        "Project manager in healthcare",
        "<em>like</em>",
        "ASL Roma",
        "Healthcare",
        "risk management",
        "Italiano",
        "English",
        "Europe/Rome",
        "Roma, IT",
        "mentoring others",
        "https://mia.example.org",
        "Scrum",
        "level 4 of 5",
    ]:
        assert text in html, text
    assert "<script>alert" not in html


def test_profile_lists_only_shared_communities_the_viewer_may_see(client, member, community):
    _fill(member)
    viewer = UserFactory()
    MembershipFactory(community=community, user=viewer)
    other = CommunityFactory(name="Secret Circle", visibility="secret")
    MembershipFactory(community=other, user=member)
    client.force_login(viewer)
    html = client.get(_url(member)).content.decode()
    assert "Project Managers" in html
    assert "Secret Circle" not in html


def test_hidden_profile_is_404(client, member, outsider):
    _fill(member, visibility=ProfileVisibility.COMMUNITIES)
    client.force_login(outsider)
    assert client.get(_url(member)).status_code == 404


def test_only_me_profile_is_404_for_fellow_members(client, member, owner):
    _fill(member, visibility=ProfileVisibility.ME)
    client.force_login(owner)
    assert client.get(_url(member)).status_code == 404
    client.force_login(member)
    assert client.get(_url(member)).status_code == 200


def test_fellow_member_sees_community_profile(client, member, owner):
    _fill(member, visibility=ProfileVisibility.COMMUNITIES)
    client.force_login(owner)
    assert client.get(_url(member)).status_code == 200


def test_anonymous_sees_public_profile_only(client, member, owner):
    _fill(member)
    _fill(owner, visibility=ProfileVisibility.COMMUNITIES)
    assert client.get(_url(member)).status_code == 200
    assert client.get(_url(owner)).status_code == 404


def _queries_for_profile(client, person, viewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(viewer)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(person)).status_code == 200
    return len(captured)


def test_profile_page_runs_bounded_queries(client, member, django_assert_max_num_queries):
    """A viewer sharing 50 communities with a person of 30 skills: same queries as 1 and 1."""
    viewer = UserFactory()
    _fill(member)
    ProfileSkillFactory(user=member)
    MembershipFactory(user=viewer, community=member.memberships.get().community)
    small = _queries_for_profile(client, member, viewer)
    for n in range(29):
        ProfileSkillFactory(user=member, level=1 + n % 5)
    for _n in range(49):
        shared = CommunityFactory()
        MembershipFactory(user=member, community=shared)
        MembershipFactory(user=viewer, community=shared)
    with django_assert_max_num_queries(
        small, info="The profile page grew with the number of skills or shared communities"
    ):
        client.get(_url(member))
    assert small <= 30, "profile, skills, shared communities, network, endorsements, reputation"


def test_update_profile_renders_bio_and_logs(member):
    profile = _fill(member, bio="**bold** <img src=x onerror=alert(1)>")
    assert "<strong>bold</strong>" in profile.bio_html
    assert "<img" not in profile.bio_html
    entry = ActivityEntry.objects.filter(verb="profile.updated").get()
    assert entry.actor == member
    assert "bio" in entry.data["fields"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("languages", ["xx"]),
        ("links", ["javascript:alert(1)"]),
        ("links", ["ftp://example.org"]),
        ("time_zone", "Mars/Olympus"),
        ("country", "ITA"),
        ("visibility", "friends"),
        ("expertise_areas", "not a list"),
        ("display_name", "x" * 81),
    ],
)
def test_update_profile_rejects_bad_values(member, field, value):
    with pytest.raises(ActionError) as exc:
        actions.do_update_profile(member, **{field: value})
    assert exc.value.field == field


def test_update_profile_rejects_unknown_fields(member):
    with pytest.raises(ActionError):
        actions.do_update_profile(member, email="x@example.org")


def test_unchanged_profile_logs_nothing(member):
    actions.do_update_profile(member, city="")
    assert not ActivityEntry.objects.filter(verb="profile.updated").exists()
