import json

import pytest

from koinon.messaging import actions, policy
from koinon.messaging.models import Block, Participant
from koinon.messaging.personal_data import erase_messaging, export_messages
from koinon.network import actions as network
from koinon.network.models import Connection
from koinon.network.personal_data import erase_network, export_network

pytestmark = pytest.mark.django_db


def test_the_export_holds_my_messages_and_nobody_elses(member, mentor):
    chat = actions.do_start_conversation(member, [mentor], subject="S", first_message="Mine")
    actions.do_send_message(mentor, chat, "Theirs")
    actions.do_block_person(member, mentor)
    data = export_messages(member)
    assert [m["body"] for m in data["messages_written"]] == ["Mine"]
    assert data["conversations"][0]["subject"] == "S" and data["people_blocked"] == 1
    assert "Martina" not in json.dumps(data)


def test_erasure_leaves_conversations_and_drops_blocks(member, mentor):
    chat = actions.do_start_conversation(member, [mentor], first_message="Hi")
    actions.do_block_person(mentor, member)
    erase_messaging(member)
    assert Participant.objects.get(conversation=chat, user=member).left_at
    assert not Block.objects.exists()
    assert policy.unread_count(mentor) == 1  # the message stays with the other person


def test_network_export_and_erasure(member, mentor):
    network.do_accept_connection(mentor, network.do_request_connection(member, mentor))
    network.do_follow(member, mentor)
    data = export_network(member)
    assert data["connections"] == 1 and data["following"] == 1
    erase_network(member)
    assert not Connection.objects.exists() and export_network(member)["following"] == 0
