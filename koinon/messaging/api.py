"""Direct messages in the API: conversations, messages, read state, mute, blocks, reports.

Only participants see a conversation; everyone else gets the 404 of something that
does not exist. Writes go through `koinon.messaging.actions`.
"""

from datetime import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from koinon.accounts.models import User
from koinon.api.schemas import ERRORS, Input, PageOut, paginate
from koinon.messaging import actions, policy
from koinon.messaging.models import MAX_PARTICIPANTS, SUBJECT_MAX_LENGTH, Block, Message

router = Router(tags=["messaging"])
ERRORS_429 = {**ERRORS, 429: ERRORS[400]}


class PersonRef(Schema):
    id: int
    display_name: str


class ConversationOut(Schema):
    id: int
    subject: str
    created_at: datetime
    last_message_at: datetime | None
    participants: list[PersonRef] = Field(..., description="The others, without you.")
    unread: int
    muted: bool
    last_message: str | None = Field(None, description="An excerpt of the latest message.")


class ConversationPage(PageOut):
    items: list[ConversationOut]


class MessageOut(Schema):
    id: int
    author: PersonRef | None
    body: str
    body_html: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj):
        return _person(obj.author) if obj.author else None


class MessagePage(PageOut):
    items: list[MessageOut]


class ConversationCreate(Input):
    participants: list[int] = Field(
        ..., min_length=1, description=f"User ids; at most {MAX_PARTICIPANTS - 1} besides you."
    )
    subject: str = Field("", max_length=SUBJECT_MAX_LENGTH)
    body: str = Field(..., description="The first message, Markdown (10,000 characters at most).")


class MessageIn(Input):
    body: str


class MuteIn(Input):
    muted: bool


class ReportIn(Input):
    reason: str
    message: int | None = Field(None, description="One message's id; without it, the conversation.")


class BlockIn(Input):
    user_id: int


class UnreadOut(Schema):
    unread: int


class ReportOut(Schema):
    id: int
    status: str
    created_at: datetime


class BlockOut(Schema):
    user: PersonRef
    created_at: datetime

    @staticmethod
    def resolve_user(obj):
        return _person(obj.blocked)


class Paging(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(30, ge=1, le=100)


def _person(user) -> dict:
    return {"id": user.pk, "display_name": user.display_name}


def _conversation_out(row) -> dict:
    conversation = row.conversation
    return {
        "id": conversation.pk,
        "subject": conversation.subject,
        "created_at": conversation.created_at,
        "last_message_at": conversation.last_message_at,
        "participants": [_person(p.user) for p in row.conversation.others],
        "unread": row.unread,
        "muted": row.muted,
        "last_message": (row.last_body or "")[:200] or None,
    }


def _row(user, pk):
    row = policy.inbox(user).filter(conversation_id=pk).first()
    if row is None:
        raise Http404
    return row


@router.get(
    "/conversations", response={200: ConversationPage, **ERRORS}, summary="My conversations"
)
def list_conversations(request, paging: Query[Paging]):
    data = paginate(policy.inbox(request.user), paging.page, paging.page_size)
    data["items"] = [_conversation_out(row) for row in data["items"]]
    return data


@router.post(
    "/conversations", response={201: ConversationOut, **ERRORS_429}, summary="Start a conversation"
)
def create_conversation(request, payload: ConversationCreate):
    conversation = actions.do_start_conversation(
        request.user, payload.participants, subject=payload.subject, first_message=payload.body
    )
    return Status(201, _conversation_out(_row(request.user, conversation.pk)))


@router.get("/conversations/unread", response={200: UnreadOut, **ERRORS}, summary="Unread count")
def unread(request):
    return {"unread": policy.unread_count(request.user)}


@router.get("/conversations/{int:pk}", response={200: ConversationOut, **ERRORS})
def get_conversation(request, pk: int):
    return _conversation_out(_row(request.user, pk))


@router.get(
    "/conversations/{int:pk}/messages",
    response={200: MessagePage, **ERRORS},
    summary="Messages, newest first",
)
def list_messages(request, pk: int, paging: Query[Paging]):
    conversation, _row_ = policy.get_conversation_for(request.user, pk)
    qs = (
        Message.objects.filter(conversation=conversation)
        .select_related("author__profile")
        .order_by("-created_at", "-id")
    )
    return paginate(qs, paging.page, paging.page_size)


@router.post(
    "/conversations/{int:pk}/messages", response={201: MessageOut, **ERRORS}, summary="Send"
)
def send_message(request, pk: int, payload: MessageIn):
    conversation, _row_ = policy.get_conversation_for(request.user, pk)
    return Status(201, actions.do_send_message(request.user, conversation, payload.body))


@router.post("/conversations/{int:pk}/read", response={204: None, **ERRORS}, summary="Mark read")
def mark_read(request, pk: int):
    conversation, _row_ = policy.get_conversation_for(request.user, pk)
    actions.do_mark_read(request.user, conversation)
    return Status(204, None)


@router.put("/conversations/{int:pk}/mute", response={204: None, **ERRORS}, summary="Mute")
def mute(request, pk: int, payload: MuteIn):
    conversation, _row_ = policy.get_conversation_for(request.user, pk)
    actions.do_mute_conversation(request.user, conversation, payload.muted)
    return Status(204, None)


@router.post("/conversations/{int:pk}/leave", response={204: None, **ERRORS}, summary="Leave")
def leave(request, pk: int):
    conversation, _row_ = policy.get_conversation_for(request.user, pk)
    actions.do_leave_conversation(request.user, conversation)
    return Status(204, None)


@router.post(
    "/conversations/{int:pk}/reports",
    response={201: ReportOut, **ERRORS},
    summary="Report to the staff",
)
def report(request, pk: int, payload: ReportIn):
    conversation, _row_ = policy.get_conversation_for(request.user, pk)
    message = None
    if payload.message is not None:
        message = conversation.messages.filter(pk=payload.message).first()
        if message is None:
            raise Http404
    created = actions.do_report_conversation(
        request.user, conversation, message=message, reason=payload.reason
    )
    return Status(201, created)


@router.get("/blocks", response={200: list[BlockOut], **ERRORS}, summary="People I blocked")
def list_blocks(request):
    return list(
        Block.objects.filter(blocker=request.user)
        .select_related("blocked__profile")
        .order_by("-created_at")
    )


def _blockable(pk: int) -> User:
    person = User.objects.filter(pk=pk, is_active=True).select_related("profile").first()
    if person is None:
        raise Http404
    return person


@router.post("/blocks", response={201: BlockOut, **ERRORS}, summary="Block a person")
def block(request, payload: BlockIn):
    return Status(201, actions.do_block_person(request.user, _blockable(payload.user_id)))


@router.delete("/blocks/{int:user_id}", response={204: None, **ERRORS}, summary="Unblock")
def unblock(request, user_id: int):
    actions.do_unblock_person(request.user, _blockable(user_id))
    return Status(204, None)
