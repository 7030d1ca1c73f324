"""Direct messages: who may write, privacy, read state, blocks, reports, limits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from koinon.accounts.tests.factories import UserFactory
from koinon.communities.tests.factories import MembershipFactory
from koinon.lib.errors import ActionError
from koinon.messaging import actions, limits, policy
from koinon.messaging.models import Block, Conversation, Message, Participant, Report
from koinon.network.models import Connection

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def old(user, days=30):
    user.date_joined = timezone.now() - timedelta(days=days)
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def chat(member, mentor):
    return actions.do_start_conversation(
        member, [mentor], subject="Hello", first_message="Hi **Martina**"
    )


# --- Who may write to whom -----------------------------------------------------


def test_members_of_a_community_can_start_a_conversation(member, mentor):
    conversation = actions.do_start_conversation(member, [mentor.pk], first_message="Hi")
    assert set(conversation.participants.all()) == {member, mentor}
    message = conversation.messages.get()
    assert message.body == "Hi" and message.author == member


def test_markdown_is_rendered_through_the_pipeline(chat):
    assert chat.messages.get().body_html == "<p>Hi <strong>Martina</strong></p>\n"


def test_raw_html_is_not_rendered(member, mentor):
    c = actions.do_start_conversation(member, [mentor], first_message="<script>x</script>")
    assert "<script>" not in c.messages.get().body_html


def test_strangers_cannot_start_a_conversation(member, outsider):
    with pytest.raises(ActionError) as exc:
        actions.do_start_conversation(member, [outsider], first_message="Hi")
    assert exc.value.status == 403 and exc.value.code == "not_contactable"
    assert not Conversation.objects.exists()


def test_connected_people_can_write_without_a_shared_community(member, outsider):
    low, high = sorted([member, outsider], key=lambda u: u.pk)
    Connection.objects.create(low=low, high=high, requested_by=member, status="accepted")
    conversation = actions.do_start_conversation(member, [outsider], first_message="Hi")
    assert conversation.messages.count() == 1


def test_a_pending_connection_is_not_enough(member, outsider):
    low, high = sorted([member, outsider], key=lambda u: u.pk)
    Connection.objects.create(low=low, high=high, requested_by=member)
    with pytest.raises(ActionError):
        actions.do_start_conversation(member, [outsider], first_message="Hi")


def test_small_groups_are_allowed_up_to_ten_people(community, member):
    others = [MembershipFactory(community=community).user for _ in range(10)]
    conversation = actions.do_start_conversation(member, others[:9], first_message="All")
    assert conversation.participant_rows.count() == 10
    with pytest.raises(ActionError) as exc:
        actions.do_start_conversation(member, others, first_message="Too many")
    assert exc.value.status == 400 and exc.value.code == "too_many_participants"


def test_writing_to_nobody_is_refused(member):
    with pytest.raises(ActionError) as exc:
        actions.do_start_conversation(member, [member], first_message="Me")
    assert exc.value.field == "participants"


def test_a_message_over_the_size_limit_is_refused(chat, member):
    with pytest.raises(ActionError) as exc:
        actions.do_send_message(member, chat, "x" * 10_001)
    assert exc.value.code == "too_long" and "10,000" in str(exc.value.message)
    assert actions.do_send_message(member, chat, "x" * 10_000).body


def test_an_empty_message_is_refused(chat, member):
    with pytest.raises(ActionError) as exc:
        actions.do_send_message(member, chat, "   ")
    assert exc.value.field == "body"


# --- Privacy -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "moderator", "outsider"])
def test_nobody_outside_the_conversation_can_open_it(client, chat, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("conversation-detail", args=[chat.pk])).status_code == 404
    url = reverse("conversation-send", args=[chat.pk])
    assert client.post(url, {"body": "intrude"}).status_code == 404
    assert chat.messages.count() == 1


def test_platform_staff_cannot_read_unreported_messages(client, chat, outsider):
    outsider.is_staff = outsider.is_superuser = True
    outsider.save()
    client.force_login(outsider)
    assert client.get(reverse("conversation-detail", args=[chat.pk])).status_code == 404
    page = client.get(reverse("messages-reports"))
    assert "Martina" not in page.content.decode()
    assert not policy.reported_messages_for_staff(outsider).exists()


def test_messages_are_not_in_the_admin(client, outsider):
    outsider.is_staff = outsider.is_superuser = True
    outsider.save()
    client.force_login(outsider)
    assert client.get("/admin/messaging/message/").status_code == 404


def test_a_reported_message_becomes_visible_to_staff_and_only_it(client, chat, member, mentor):
    reply = actions.do_send_message(mentor, chat, "Something rude")
    actions.do_send_message(mentor, chat, "Something private")
    actions.do_report_conversation(member, chat, message=reply, reason="Rude")
    staff = old(UserFactory(is_staff=True))
    assert list(policy.reported_messages_for_staff(staff)) == [reply]
    client.force_login(staff)
    body = client.get(reverse("messages-reports")).content.decode()
    assert "Something rude" in body and "Something private" not in body
    assert "Hi <strong>Martina</strong>" not in body


def test_a_reported_conversation_shows_staff_the_messages_until_the_report(chat, member, mentor):
    actions.do_report_conversation(member, chat, reason="Spam")
    later = actions.do_send_message(mentor, chat, "After the report")
    Message.objects.filter(pk=later.pk).update(created_at=timezone.now() + timedelta(seconds=5))
    staff = UserFactory(is_staff=True)
    assert list(policy.reported_messages_for_staff(staff)) == [chat.messages.first()]
    assert not policy.reported_messages_for_staff(member).exists()


def test_a_report_needs_a_reason(client, chat, member):
    client.force_login(member)
    url = reverse("conversation-report", args=[chat.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Spam"}).status_code == 302
    assert Report.objects.get().reason == "Spam"


def test_a_participant_who_left_no_longer_sees_it(client, chat, mentor):
    actions.do_leave_conversation(mentor, chat)
    client.force_login(mentor)
    assert client.get(reverse("conversation-detail", args=[chat.pk])).status_code == 404


# --- Read state, unread count, mute --------------------------------------------


def test_unread_count_counts_messages_from_others_since_last_read(chat, member, mentor):
    assert policy.unread_count(mentor) == 1
    assert policy.unread_count(member) == 0
    actions.do_send_message(member, chat, "Second")
    assert policy.unread_count(mentor) == 2
    actions.do_mark_read(mentor, chat)
    assert policy.unread_count(mentor) == 0


def test_unread_count_is_one_query_then_kept(chat, mentor, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert policy.unread_count(mentor) == 1
    with django_assert_num_queries(0):
        assert policy.unread_count(mentor) == 1


def test_the_kept_count_follows_new_conversations_and_leaving(chat, member, mentor):
    assert policy.unread_count(mentor) == 1
    actions.do_start_conversation(member, [mentor], first_message="Another question")
    assert policy.unread_count(mentor) == 2
    actions.do_leave_conversation(mentor, chat)
    assert policy.unread_count(mentor) == 1


def test_opening_a_conversation_marks_it_read(client, chat, mentor):
    client.force_login(mentor)
    page = client.get(reverse("conversation-detail", args=[chat.pk]))
    assert page.status_code == 200 and "<strong>Martina</strong>" in page.content.decode()
    assert policy.unread_count(mentor) == 0


def test_a_muted_conversation_does_not_count_as_unread(client, chat, mentor):
    client.force_login(mentor)
    client.post(reverse("conversation-mute", args=[chat.pk]), {"muted": "1"})
    assert Participant.objects.get(conversation=chat, user=mentor).muted
    assert policy.unread_count(mentor) == 0


def test_the_sender_sees_when_the_other_has_read(client, chat, member, mentor):
    client.force_login(member)
    assert (
        "Seen by" not in client.get(reverse("conversation-detail", args=[chat.pk])).content.decode()
    )
    actions.do_mark_read(mentor, chat)
    assert "Seen by" in client.get(reverse("conversation-detail", args=[chat.pk])).content.decode()


def test_the_unread_badge_shows_the_count(client, chat, mentor):
    client.force_login(mentor)
    body = client.get(reverse("messages-unread")).content.decode()
    assert "1 unread" in body


def test_the_badge_tag_renders(rf, chat, mentor):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = mentor
    html = Template("{% load messaging %}{% unread_messages_badge %}").render(
        Context({"request": request})
    )
    assert "1 unread" in html


# --- Blocks --------------------------------------------------------------------


def test_a_blocked_person_cannot_start_a_conversation(member, mentor):
    actions.do_block_person(mentor, member)
    with pytest.raises(ActionError) as exc:
        actions.do_start_conversation(member, [mentor], first_message="Hi")
    assert exc.value.status == 403 and exc.value.code == "blocked"
    assert "does not accept messages from you" in str(exc.value.message)


def test_a_blocked_person_cannot_continue_a_conversation(client, chat, member, mentor):
    actions.do_block_person(mentor, member)
    client.force_login(member)
    response = client.post(reverse("conversation-send", args=[chat.pk]), {"body": "Again"})
    assert response.status_code == 403
    assert "does not accept messages from you" in response.content.decode()
    assert chat.messages.count() == 1


def test_a_blocked_person_does_not_see_that_the_blocker_read(client, chat, member, mentor):
    actions.do_mark_read(mentor, chat)
    actions.do_block_person(mentor, member)
    client.force_login(member)
    body = client.get(reverse("conversation-detail", args=[chat.pk])).content.decode()
    assert "Seen by" not in body


def test_blocking_twice_is_a_conflict_and_self_block_is_refused(member, mentor):
    actions.do_block_person(member, mentor)
    with pytest.raises(ActionError) as exc:
        actions.do_block_person(member, mentor)
    assert exc.value.status == 409
    with pytest.raises(ActionError):
        actions.do_block_person(member, member)


def test_block_and_unblock_pages(client, member, mentor):
    client.force_login(member)
    assert client.post(reverse("person-block", args=[mentor.pk])).status_code == 302
    assert Block.objects.filter(blocker=member, blocked=mentor).exists()
    assert "Martina" in client.get(reverse("messages-blocked")).content.decode()
    client.post(reverse("person-unblock", args=[mentor.pk]))
    assert not Block.objects.exists()


# --- First-contact limits -------------------------------------------------------


def test_a_new_account_can_start_five_conversations_a_day(client, community, member):
    people = [MembershipFactory(community=community).user for _ in range(6)]
    for person in people[:5]:
        actions.do_start_conversation(member, [person], first_message="Hi")
    client.force_login(member)
    response = client.post(
        reverse("conversation-new") + f"?to={people[5].pk}",
        {"participants": [people[5].pk], "body": "Hi"},
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "New accounts can start 5 conversations a day" in response.content.decode()
    assert Conversation.objects.count() == 5


def test_an_established_account_is_not_limited(community, member):
    old(member)
    for _ in range(6):
        person = MembershipFactory(community=community).user
        actions.do_start_conversation(member, [person], first_message="Hi")
    assert Conversation.objects.count() == 6


def test_a_mentor_is_new_only_on_the_first_day(member, mentor):
    old(member, days=2)
    old(mentor, days=2)
    assert limits.is_new_account(member)
    assert not limits.is_new_account(mentor)
    old(member, days=4)
    assert not limits.is_new_account(member)


# --- Pages ---------------------------------------------------------------------


def test_the_inbox_marks_unread_conversations(client, chat, mentor):
    client.force_login(mentor)
    body = client.get(reverse("messages-inbox")).content.decode()
    assert "Hello" in body and "1 new" in body and "Mia" in body


def test_the_inbox_runs_bounded_queries(client, community, member, django_assert_max_num_queries):
    old(member)
    for _ in range(25):
        person = MembershipFactory(community=community).user
        c = actions.do_start_conversation(member, [person], first_message="Hi")
        actions.do_send_message(person, c, "Reply")
    client.force_login(member)
    with django_assert_max_num_queries(16, info="the inbox must not query per conversation"):
        response = client.get(reverse("messages-inbox"))
    assert response.content.decode().count("1 new") == 25


def test_the_conversation_page_runs_bounded_queries(
    client, chat, member, mentor, django_assert_max_num_queries
):
    for i in range(40):
        actions.do_send_message(mentor if i % 2 else member, chat, f"Message {i}")
    client.force_login(member)
    with django_assert_max_num_queries(18):
        assert client.get(reverse("conversation-detail", args=[chat.pk])).status_code == 200


def test_new_conversation_form_prefilled_from_a_profile(client, member, mentor):
    client.force_login(member)
    page = client.get(reverse("conversation-new") + f"?to={mentor.pk}")
    assert page.status_code == 200 and "Martina" in page.content.decode()
    response = client.post(
        reverse("conversation-new") + f"?to={mentor.pk}",
        {"participants": [mentor.pk], "subject": "Q", "body": "Hi"},
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response["Location"] == conversation.get_absolute_url()


def test_new_conversation_to_a_stranger_explains_why(client, member, outsider):
    client.force_login(member)
    page = client.get(reverse("conversation-new") + f"?to={outsider.pk}")
    assert "You cannot write to this person" in page.content.decode()
    response = client.post(
        reverse("conversation-new"), {"participants": [outsider.pk], "body": "Hi"}
    )
    assert response.status_code == 403
    assert "once you share a community" in response.content.decode()


def test_new_conversation_without_people_is_a_form_error(client, member):
    client.force_login(member)
    response = client.post(reverse("conversation-new"), {"participants": [], "body": "Hi"})
    assert response.status_code == 400
    assert "Choose at least one person" in response.content.decode()


def test_htmx_send_appends_the_message(client, chat, mentor):
    client.force_login(mentor)
    url = reverse("conversation-send", args=[chat.pk])
    response = client.post(url, {"body": "Thanks *a lot*"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<em>a lot</em>" in body and 'hx-swap-oob="outerHTML:#send-form"' in body
    assert chat.messages.count() == 2


def test_htmx_send_of_an_overlong_message_shows_the_error(client, chat, mentor):
    client.force_login(mentor)
    url = reverse("conversation-send", args=[chat.pk])
    response = client.post(url, {"body": "x" * 10_001}, **HTMX)
    assert response.status_code == 400 and response["HX-Retarget"] == "#send-form"
    assert "at most 10,000 characters" in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, chat):
    assert client.get(reverse("messages-inbox")).status_code == 302
    assert client.get(reverse("conversation-detail", args=[chat.pk])).status_code == 302


def test_leaving_removes_it_from_the_inbox(client, chat, mentor):
    client.force_login(mentor)
    client.post(reverse("conversation-leave", args=[chat.pk]))
    assert "Hello" not in client.get(reverse("messages-inbox")).content.decode()


def test_writing_when_everyone_left_is_refused(chat, member, mentor):
    actions.do_leave_conversation(mentor, chat)
    with pytest.raises(ActionError) as exc:
        actions.do_send_message(member, chat, "Anyone?")
    assert exc.value.code == "conversation_empty"


# --- Contact invited by the recipient (e.g. an opportunity) and staff handling ---------


def test_an_invitation_from_the_recipient_waives_the_shared_community_rule(member, outsider):
    thing = outsider.profile  # stands for e.g. an opportunity `outsider` published
    conversation = actions.do_start_conversation(
        member,
        [outsider],
        subject="Your offer",
        first_message="I'm interested",
        invited_by_recipient=thing,
    )
    assert set(conversation.participants.all()) == {member, outsider}
    from koinon.core.models import ActivityEntry

    entry = ActivityEntry.objects.get(verb="messaging.conversation_started")
    assert entry.is_private and entry.data == {"about": f"accounts.profile:{thing.pk}"}


def test_an_invitation_does_not_override_a_block(member, outsider):
    actions.do_block_person(outsider, member)
    with pytest.raises(ActionError) as exc:
        actions.do_start_conversation(
            member, [outsider], first_message="Hi", invited_by_recipient=outsider.profile
        )
    assert exc.value.code == "blocked"


def test_staff_resolve_reports_and_others_cannot(client, chat, member):
    report = actions.do_report_conversation(member, chat, reason="Spam")
    client.force_login(member)
    url = reverse("messages-report-resolve", args=[report.pk])
    assert client.post(url).status_code == 404
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.post(url).status_code == 302
    report.refresh_from_db()
    assert report.status == "resolved"


def test_the_new_conversation_form_lists_contacts_only(client, member, mentor, outsider):
    client.force_login(member)
    body = client.get(reverse("conversation-new")).content.decode()
    assert f'value="{mentor.pk}"' in body and "Otto" not in body


def test_a_group_conversation_from_the_form(client, member, mentor, moderator):
    client.force_login(member)
    response = client.post(
        reverse("conversation-new"),
        {"participants": [mentor.pk, moderator.pk], "subject": "Team", "body": "Hello both"},
    )
    assert response.status_code == 302
    assert Conversation.objects.get().participant_rows.count() == 3


def test_recipients_are_told_by_mail_without_the_message(
    member, mentor, moderator, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        conversation = actions.do_start_conversation(
            member, [mentor, moderator], subject="Plans", first_message="Secret plans"
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["marco@example.org", "martina@example.org"]
    message = mail.outbox[0]
    assert "Mia sent you a message" in message.subject
    assert f"http://testserver/messages/{conversation.pk}/" in message.body
    assert "Secret plans" not in message.body
    assert "Secret plans" not in message.alternatives[0][0]


def test_the_open_page_polls_for_others_messages(client, chat, member, mentor):
    client.force_login(member)
    page = client.get(reverse("conversation-detail", args=[chat.pk])).content.decode()
    first = chat.messages.get()
    assert f"?after={first.pk}" in page
    url = reverse("conversation-since", args=[chat.pk])
    assert client.get(url, {"after": first.pk}).status_code == 204
    mine = actions.do_send_message(member, chat, "Mine")
    theirs = actions.do_send_message(mentor, chat, "Theirs *new*")
    response = client.get(url, {"after": first.pk}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<em>new</em>" in body and "Mine" not in body
    assert f"?after={max(mine.pk, theirs.pk)}" in body and 'hx-swap-oob="true"' in body
    assert policy.unread_count(member) == 0
    assert client.get(url, {"after": "x"}).status_code == 400


def test_polling_someone_elses_conversation_is_404(client, chat, outsider):
    client.force_login(outsider)
    url = reverse("conversation-since", args=[chat.pk])
    assert client.get(url, {"after": 0}).status_code == 404


def test_the_inbox_queries_do_not_grow_with_conversations(client, community, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    old(member)
    client.force_login(member)
    client.get(reverse("messages-inbox"))  # the session's first-request writes

    def inbox_queries(n):
        for _ in range(n):
            person = MembershipFactory(community=community).user
            actions.do_send_message(
                person, actions.do_start_conversation(member, [person], first_message="Hi"), "Re"
            )
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("messages-inbox"))
        return len(ctx)

    assert inbox_queries(2) == inbox_queries(20)
