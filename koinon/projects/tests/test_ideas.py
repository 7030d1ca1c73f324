import pytest
from django.test import Client

from koinon.accounts.tests.factories import PASSWORD, UserFactory
from koinon.communities.models import Visibility
from koinon.communities.tests.factories import MembershipFactory
from koinon.core.models import ActivityEntry
from koinon.discussions.models import Topic
from koinon.lib.errors import ActionError
from koinon.projects import actions
from koinon.projects.models import Idea, IdeaStatus, IdeaStatusChange, Support
from koinon.projects.tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def idea(community, member):
    return IdeaFactory(community=community, author=member, title="Shorter stand-ups")


def test_member_proposes_an_idea_from_the_form(community, member):
    response = client_for(member).post(
        "/c/pm/ideas/new/",
        {"title": "Retro games", "problem": "Dull retros", "proposal": "Games", "benefit": "Fun"},
    )
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()
    assert idea.author == member and idea.status == IdeaStatus.NEW
    assert ActivityEntry.objects.filter(verb="idea.proposed").exists()


def test_proposing_without_a_problem_is_a_form_error(community, member):
    response = client_for(member).post(
        "/c/pm/ideas/new/", {"title": "X", "problem": "", "proposal": "p", "benefit": "b"}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Idea.objects.exists()


def test_outsider_cannot_propose(community, outsider):
    assert client_for(outsider).post("/c/pm/ideas/new/", {}).status_code == 403


def test_two_members_support_and_one_withdraws(idea, mentor, moderator):
    actions.do_support_idea(mentor, idea)
    actions.do_support_idea(moderator, idea)
    assert idea.supports.count() == 2
    actions.do_withdraw_support(mentor, idea)
    assert list(idea.supports.values_list("user", flat=True)) == [moderator.pk]


def test_supporting_twice_is_a_409_from_the_constraint(idea, mentor):
    actions.do_support_idea(mentor, idea)
    with pytest.raises(ActionError) as error:
        actions.do_support_idea(mentor, idea)
    assert error.value.status == 409
    assert Support.objects.filter(idea=idea, user=mentor).count() == 1


def test_supporting_twice_by_the_page_answers_409(idea, mentor):
    client = client_for(mentor)
    url = f"/c/pm/ideas/{idea.pk}/support/"
    assert client.post(url, HTTP_HX_REQUEST="true").status_code == 200
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "You already support this idea." in response.content.decode()
    assert response["HX-Retarget"] == f"#support-{idea.pk}-message"


def test_you_cannot_support_your_own_idea_and_the_page_says_so(idea, member):
    with pytest.raises(ActionError) as error:
        actions.do_support_idea(member, idea)
    assert error.value.status == 403
    page = client_for(member).get(idea.get_absolute_url()).content.decode()
    assert "You cannot support your own idea" in page
    assert "Support this idea" not in page


def test_htmx_support_button_swaps_the_count(idea, mentor):
    response = client_for(mentor).post(f"/c/pm/ideas/{idea.pk}/support/", HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "1 supporter" in text and "Withdraw my support" in text
    assert "<html" not in text


def test_withdrawing_a_support_you_never_gave_is_404(idea, mentor):
    response = client_for(mentor).post(f"/c/pm/ideas/{idea.pk}/support/", {"withdraw": "1"})
    assert response.status_code == 404


def test_outsider_cannot_support(idea, outsider):
    response = client_for(outsider).post(f"/c/pm/ideas/{idea.pk}/support/")
    assert response.status_code == 403
    assert not Support.objects.exists()


def test_moderator_changes_the_status_and_it_is_logged(idea, moderator):
    response = client_for(moderator).post(
        f"/c/pm/ideas/{idea.pk}/status/", {"status": "planned", "reason": ""}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PLANNED
    change = IdeaStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.actor) == ("new", "planned", moderator)
    assert ActivityEntry.objects.filter(verb="idea.status_changed").exists()


def test_member_cannot_change_the_status(idea, member):
    response = client_for(member).post(f"/c/pm/ideas/{idea.pk}/status/", {"status": "planned"})
    assert response.status_code == 403
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW


def test_declining_needs_a_reason_visible_to_all(idea, moderator, mentor):
    client = client_for(moderator)
    response = client.post(f"/c/pm/ideas/{idea.pk}/status/", {"status": "declined"})
    assert response.status_code == 400
    assert "Say why the idea is declined" in response.content.decode()
    client.post(f"/c/pm/ideas/{idea.pk}/status/", {"status": "declined", "reason": "Out of scope"})
    page = client_for(mentor).get(idea.get_absolute_url()).content.decode()
    assert "Declined: Out of scope" in page
    board = client_for(mentor).get("/c/pm/ideas/").content.decode()
    assert "Declined: Out of scope" in board


def test_declined_ideas_cannot_be_supported(idea, moderator, mentor):
    actions.do_change_idea_status(moderator, idea, "declined", "No")
    idea.refresh_from_db()
    with pytest.raises(ActionError):
        actions.do_support_idea(mentor, idea)


def test_discuss_it_opens_one_linked_topic(idea, mentor):
    client = client_for(mentor)
    response = client.post(f"/c/pm/ideas/{idea.pk}/discuss/")
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    idea.refresh_from_db()
    assert idea.topic == topic and "Shorter stand-ups" in topic.title
    client.post(f"/c/pm/ideas/{idea.pk}/discuss/")
    assert Topic.objects.count() == 1


def _three_ideas(community, member, mentor, moderator):
    old = IdeaFactory(community=community, author=member, title="Old and loved")
    IdeaFactory(community=community, author=member, title="Newest")
    planned = IdeaFactory(community=community, author=member, title="Planned one")
    for user in (mentor, moderator):
        actions.do_support_idea(user, old)
    actions.do_change_idea_status(moderator, planned, "planned")
    Idea.objects.filter(pk=old.pk).update(created_at="2020-01-01T00:00:00Z")


def _titles(html):
    return [t for t in ("Old and loved", "Newest", "Planned one") if t in html] and sorted(
        ("Old and loved", "Newest", "Planned one"), key=html.index
    )


def test_the_board_sorts_by_support_recency_and_status(community, member, mentor, moderator):
    _three_ideas(community, member, mentor, moderator)
    client = client_for(mentor)
    by_support = client.get("/c/pm/ideas/?sort=support").content.decode()
    assert _titles(by_support)[0] == "Old and loved"
    by_recent = client.get("/c/pm/ideas/?sort=recent").content.decode()
    assert _titles(by_recent)[-1] == "Old and loved"
    by_status = client.get("/c/pm/ideas/?sort=status").content.decode()
    assert _titles(by_status)[-1] == "Planned one"


def test_a_bad_sort_falls_back_to_support(community, member):
    assert client_for(member).get("/c/pm/ideas/?sort=evil").status_code == 200


def test_the_board_runs_bounded_queries(community, member, mentor, django_assert_max_num_queries):
    for _i in range(40):
        idea = IdeaFactory(community=community, author=member)
        actions.do_support_idea(mentor, idea)
    client = client_for(mentor)
    with django_assert_max_num_queries(15):
        response = client.get("/c/pm/ideas/")
    assert response.status_code == 200


def test_ideas_of_a_private_community_are_hidden_from_outsiders(community, member, outsider):
    community.visibility = Visibility.PRIVATE
    community.save()
    idea = IdeaFactory(community=community, author=member, title="Secret plan")
    client = client_for(outsider)
    assert client.get("/c/pm/ideas/").status_code == 404
    assert client.get(idea.get_absolute_url()).status_code == 404
    assert client.post(f"/c/pm/ideas/{idea.pk}/support/").status_code == 404


def test_anonymous_visitor_of_a_private_community_is_sent_to_log_in(community, member):
    community.visibility = Visibility.PRIVATE
    community.save()
    response = Client().get("/c/pm/ideas/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_new_member_can_log_in_and_see_the_board(community):
    user = UserFactory(email="new@example.org")
    MembershipFactory(community=community, user=user)
    client = Client()
    assert client.login(email="new@example.org", password=PASSWORD)
    assert client.get("/c/pm/ideas/").status_code == 200


def test_status_changes_would_notify_the_author_and_the_supporters(idea, member, mentor):
    from koinon.projects.notify import idea_followers, project_kinds

    actions.do_support_idea(mentor, idea)
    assert idea_followers(None, idea) == {member.pk, mentor.pk}
    assert [k.key for k in project_kinds()] == ["idea_status", "task_assigned"]


def test_anonymous_visitors_read_a_public_board_without_buttons(idea, mentor):
    actions.do_support_idea(mentor, idea)
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/c/pm/ideas/").content.decode()
    assert "Shorter stand-ups" in page and "1 supporter" in page
    assert "Support this idea" not in page and "/c/pm/ideas/new/" not in page
    assert Client().post(f"/c/pm/ideas/{idea.pk}/support/").status_code == 302  # to log in
