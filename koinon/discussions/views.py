"""Discussion pages: topic list, new topic, topic page, replies, reactions, edits."""

import difflib
import hashlib
from collections import Counter, defaultdict
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.accounts.models import with_author_names
from koinon.attachments.actions import max_bytes
from koinon.communities.policy import get_community_for, get_community_to_read
from koinon.discussions import actions, fragments, limits, policy
from koinon.discussions.forms import (
    EditPostForm,
    ReplyForm,
    TopicEditForm,
    TopicFilterForm,
    TopicForm,
)
from koinon.discussions.models import (
    POST_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Level,
    Reaction,
    ReactionKind,
    Topic,
    TopicState,
)
from koinon.lib import page_cache, person_counts
from koinon.lib.errors import ActionError
from koinon.lib.fragments import shared_key
from koinon.lib.http import is_htmx, paginate
from koinon.lib.markdown import render_markdown
from koinon.moderation import policy as moderation_policy
from koinon.polls.actions import do_create_poll
from koinon.polls.forms import PollForm
from koinon.reputation.queries import badges_for

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 30


def _form_error(form, error: ActionError):
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _login_or_forbid(request):
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.get_full_path())


def _error(request, error: ActionError):
    """A refused HTMX or plain request: the reason, with the error's 4xx status."""
    if not is_htmx(request):
        return render(request, "discussions/error.html", {"error": error}, status=error.status)
    response = render(
        request, "discussions/partials/error.html", {"error": error}, status=error.status
    )
    response["HX-Retarget"] = "#discussion-messages"
    response["HX-Reswap"] = "innerHTML"
    return response


# --- Topic list ---------------------------------------------------------------------


def filter_topics(topics, filters: dict):
    if filters.get("kind"):
        topics = topics.filter(kind=filters["kind"])
    if filters.get("label"):
        topics = topics.filter(label=filters["label"])
    if filters.get("tag"):
        topics = topics.filter(tags__name=filters["tag"])
    if filters.get("state") == "answered":
        topics = topics.filter(kind="question", accepted_answer__isnull=False)
    elif filters.get("state") == "unanswered":
        topics = topics.filter(kind="question", accepted_answer__isnull=True)
    return topics


def topic_list(request, slug):
    header = person_counts.keys_for(request.user)
    with page_cache.preloaded(slug, _kept_for_topic_list(request), also=header):
        return _topic_list(request, slug)


def _kept_for_topic_list(request) -> list[str]:
    """The kept values a topic list asks for (by get_community_to_read, _listed_count
    and below): read at once."""
    page = request.GET.get("page", "1")
    names = ["community", "listed-topic-figures", f"listed-topics:page:{page}"]
    user = request.user
    return [*names, f"membership:{user.pk}"] if user.is_authenticated else names


def _topic_list(request, slug):
    community, access = get_community_to_read(request.user, slug)
    if not policy.can_read(access):
        return _login_or_forbid(request)
    form = TopicFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    topics = filter_topics(
        Topic.objects.filter(community=community, archived=False).visible_to(access), filters
    ).select_related("group")
    topics = with_author_names(topics)
    count, everyone_s = None, False
    if not any(filters.values()):
        count, everyone_s = _listed_count(community, access)
    page = paginate(request, topics.prefetch_related("tags"), TOPICS_PER_PAGE, count)
    if everyone_s:  # the same page for every such reader: kept until the community changes
        page.object_list = page_cache.remembered(
            community.slug,
            f"listed-topics:page:{page.number}",
            lambda: fragments.with_tag_names(page.object_list),
        )
    names = policy.named_authors(page)
    for topic in page:
        topic.author_name = policy.author_label(topic, names)
    _mark_unread(request.user, access, list(page))
    context = {
        "community": community,
        "access": access,
        "page": page,
        "rows": fragments.topic_rows(page, community),
        "form": form,
        "can_create": policy.can_create_topic(access),
        "query": _without_page(request),
    }
    return render(request, "discussions/topic_list.html", context)


def _listed_count(community, access) -> tuple[int | None, bool]:
    """How many topics the unfiltered list holds, and whether the reader's list is
    everyone's: the count for everyone is kept until the community changes; a member
    adds their own topics hidden pending review, a moderator sees them all."""
    if access.is_moderator:
        return None, False

    def figures():
        listed = Topic.objects.filter(community=community, archived=False)
        hidden = listed.filter(hidden_at__isnull=False).values_list("author_id", flat=True)
        return listed.filter(hidden_at__isnull=True).count(), dict(Counter(hidden))

    count, hidden_by_author = page_cache.remembered(community.slug, "listed-topic-figures", figures)
    own_hidden = hidden_by_author.get(access.user.pk, 0) if access.user.is_authenticated else 0
    return count + own_hidden, not own_hidden


NEW_TOPIC_WINDOW = timedelta(days=14)


def _mark_unread(user, access, topics):
    """`new`: not opened yet (and recent); `unread`: replies since the last visit."""
    if not user.is_authenticated:
        return
    states = {
        s.topic_id: s
        for s in TopicState.objects.filter(user=user, topic__in=[t.pk for t in topics])
    }
    joined = access.membership.joined_at if access.membership else user.date_joined
    since = max(timezone.now() - NEW_TOPIC_WINDOW, joined)
    for topic in topics:
        state = states.get(topic.pk)
        topic.level = state.level if state else Level.NORMAL
        if state is None:
            topic.mark = "new" if topic.created_at > since else None
        elif state.level == Level.MUTE or state.last_read_at is None:
            topic.mark = None
        else:
            topic.mark = "unread" if topic.last_activity_at > state.last_read_at else None


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- New topic and preview ----------------------------------------------------------


@login_required
def topic_create(request, slug):
    community, access = get_community_for(request.user, slug)
    if not policy.can_create_topic(access):
        raise PermissionDenied
    kwargs = {
        "community": community,
        "allow_anonymous": policy.can_post_anonymously(access),
        "similar_url": reverse("topic-similar", args=[community.slug]),
    }
    form = TopicForm(request.POST or None, **kwargs)
    poll_form = PollForm(request.POST or None, optional=True)
    refusal = None
    if request.method == "POST" and form.is_valid() and poll_form.is_valid():
        data = form.cleaned_data
        try:
            limits.check(request.user, access, body=data["body"], starting_topic=True)
            with transaction.atomic():  # a topic and its poll, or neither
                topic = actions.do_create_topic(request.user, community, **data)
                if poll_form.wants_poll():
                    do_create_poll(request.user, topic, **poll_form.action_kwargs())
        except ActionError as error:
            if error.field in poll_form.fields:
                _form_error(poll_form, error)
            else:
                _form_error(form, error)
            refusal = error
        else:
            return redirect(topic)
    context = {"community": community, "form": form, "poll_form": poll_form}
    status = refusal.status if refusal else 400 if form.errors or poll_form.errors else 200
    return _with_retry_after(
        render(request, "discussions/topic_form.html", context, status=status), refusal
    )


def _with_retry_after(response, error):
    """A 429 says when to try again."""
    if isinstance(error, limits.TooSoon):
        response["Retry-After"] = str(error.retry_after)
    return response


def similar_topics(request, slug):
    """Topics like the one being written, so a question asked before finds its answer."""
    community, access = get_community_for(request.user, slug)
    if not policy.can_read(access):
        raise PermissionDenied
    from koinon.search.query import similar_topics as find_similar

    text = request.GET.get("title", "")[:TITLE_MAX_LENGTH]
    found = find_similar(request.user, text, community) if len(text.strip()) >= 8 else []
    return render(request, "discussions/partials/similar.html", {"similar": found})


@login_required
@require_POST
def markdown_preview(request):
    """The text as it will look, rendered by the one Markdown pipeline."""
    body = request.POST.get("body", "")
    error = None
    if len(body) > POST_MAX_LENGTH:
        error = _("A post can be at most %(max)s characters long (this one has %(n)s).") % {
            "max": f"{POST_MAX_LENGTH:,}",
            "n": f"{len(body):,}",
        }
    html = "" if error else render_markdown(body)
    return render(
        request,
        "discussions/partials/preview.html",
        {"html": html, "error": error},
        status=400 if error else 200,
    )


# --- Topic page ---------------------------------------------------------------------


def _ordered_replies(topic):
    replies = with_author_names(topic.posts.filter(is_opening=False))
    if not topic.is_question:
        return replies.order_by("created_at", "id")
    accepted = Case(
        When(pk=topic.accepted_answer_id or 0, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return replies.order_by(accepted, "-helpful_count", "created_at", "id")


def decorate_posts(posts, topic, access, kept_page=None):
    """Attach what each post shows: author name, reactions and the reader's buttons.

    The reaction counts, and the reader's own reactions and open flags, are kept until
    the community changes (every reaction and flag does): one cache read, no query.
    They are kept under `kept_page` (a page of the topic, the same posts within a
    generation), else under the posts' ids."""
    posts = list(posts)
    ids = [p.pk for p in posts]
    page = kept_page or hashlib.sha256(repr(ids).encode()).hexdigest()[:32]
    reactions, marks = _decoration_names(topic, access, page)
    kept = page_cache.remembered_many(
        topic.community.slug,
        {reactions: lambda: _reaction_counts(ids), marks: lambda: _reader_marks(access, ids)},
    )
    counts, (mine, flagged) = kept.values()
    names = policy.named_authors(posts)
    for post in posts:
        post.topic = topic
        _decorate(post, access, counts.get(post.pk, {}), mine.get(post.pk, set()), names)
    moderation_policy.decorate_posts(posts, access, flagged)  # hidden text masked
    return posts


def _decoration_names(topic, access, page: str) -> list[str]:
    """The kept names of a page's reaction counts and of the reader's marks on it."""
    return [f"topic:{topic.pk}:reactions:{page}", f"topic:{topic.pk}:marks:{access.user.pk}:{page}"]


def _reaction_counts(post_ids) -> dict:
    """{post id: {kind: count}}."""
    counts = defaultdict(dict)
    rows = Reaction.objects.filter(post_id__in=post_ids).values_list("post_id", "kind")
    for post_id, kind, n in rows.annotate(n=Count("id")).order_by():
        counts[post_id][kind] = n
    return dict(counts)


def _reader_marks(access, post_ids) -> tuple[dict, set]:
    """The reader's reactions ({post id: {kind}}) and open flags ({post id})."""
    if not access.is_member:
        return {}, set()
    mine = defaultdict(set)
    rows = Reaction.objects.filter(post_id__in=post_ids, user_id=access.user.pk)
    for post_id, kind in rows.values_list("post_id", "kind"):
        mine[post_id].add(kind)
    return dict(mine), moderation_policy.open_flags_of(access, post_ids)


def _decorate(post, access, counts: dict, mine: set, names: dict):
    post.author_name = policy.author_label(post, names)
    post.shows_author = policy.shows_author(post)
    post.is_mine = policy.is_self(access, post.author_id)
    post.is_accepted = post.pk == post.topic.accepted_answer_id
    post.can_edit = policy.can_edit_post(access, post)
    post.can_react = policy.can_react(access, post)
    post.can_accept = (
        not post.is_opening and not post.is_deleted and policy.can_accept(access, post.topic)
    )
    post.can_reveal = post.is_anonymous and policy.can_moderate(access)
    post.reaction_buttons = [
        {
            "kind": kind,
            "label": label,
            "count": counts.get(kind, 0),
            "pressed": kind in mine,
        }
        for kind, label in ReactionKind.choices
    ]


def _topic_context(request, topic, access, state=None):
    replies = _ordered_replies(topic)
    paginator = Paginator(replies, POSTS_PER_PAGE)
    paginator.count = page_cache.remembered_for(topic, "replies", replies.count)
    page = paginator.get_page(_page_to_show(request, topic, state, paginator.count))
    allow_anonymous = policy.can_post_anonymously(access)
    quote = _quote(request, topic)
    # All the empty reply form shows (a fragment shared by its readers: koinon.lib.fragments).
    reply_form_values = (
        topic.community.slug, topic.pk, topic.is_question, allow_anonymous, quote, max_bytes()
    )  # fmt: skip
    # Every reader gets the same posts (hidden ones masked per reader below).
    kept_page = f"page:{page.number}"
    names = [f"topic:{topic.pk}:posts-and-badges:{kept_page}"]
    names += _decoration_names(topic, access, kept_page)
    reply_form_key = shared_key("reply-form", (reply_form_values,))
    with page_cache.preloaded(topic.community.slug, names, also=[reply_form_key]):
        opening, page.object_list, badges = page_cache.remembered_for(
            topic, f"posts-and-badges:{kept_page}", lambda: _page_posts(topic, page)
        )
        posts = [opening, *page] if opening else list(page)
        posts = decorate_posts(posts, topic, access, kept_page)
    _mark_new(posts, state)
    return {
        "community": topic.community,
        "topic": topic,
        "access": access,
        "opening": posts[0] if opening else None,
        "replies": posts[1:] if opening else posts,
        "page": page,
        "tags": page_cache.remembered_for(topic, "tags", lambda: list(topic.tags.all())),
        "can_reply": policy.can_reply(access, topic),
        "can_moderate": policy.can_moderate(access),
        "reply_form": ReplyForm(allow_anonymous=allow_anonymous, initial={"body": quote}),
        "allow_anonymous": allow_anonymous,
        "reply_form_values": reply_form_values,
        "can_edit_topic": policy.can_edit_topic(access, topic),
        "state": state,
        "levels": Level.choices,
        "read_until": max((p.created_at for p in posts), default=None),
        fragments.BADGES: badges,
    }


def _page_posts(topic, page) -> tuple:
    """The topic's opening post, the replies of `page`, and their named authors' badges
    (which the reputation tags then find in the context)."""
    opening = with_author_names(topic.posts.filter(is_opening=True)).first()
    replies = list(page.object_list)
    return opening, replies, badges_for([opening, *replies], topic.community)


def _page_to_show(request, topic, state, replies: int):
    """The page asked for; else, in a discussion, the page of the first unread reply
    (the last page for a reader who has read everything: no query)."""
    if "page" in request.GET:
        return request.GET["page"]
    if state is None or state.last_read_at is None or topic.is_question:
        return 1
    until = state.last_read_at
    read = replies
    if until < topic.last_activity_at:
        read = page_cache.remembered_for(
            topic,
            f"replies-until:{until.isoformat()}",
            topic.posts.filter(is_opening=False, created_at__lte=until).count,
        )
    return read // POSTS_PER_PAGE + 1


def _mark_new(posts, state):
    """Posts written by others since the reader's last visit; the first gets a divider."""
    since = state.last_read_at if state else None
    first = True
    for post in posts:
        post.is_new = bool(since) and post.created_at > since and not post.is_mine
        post.first_new = post.is_new and first
        first = first and not post.is_new


QUOTE_MAX_LENGTH = 2000


def _quote(request, topic) -> str:
    """The reply box's starting text when quoting a post of this topic (`?quote=<id>`)."""
    post_id = request.GET.get("quote", "")
    if not post_id.isdigit():
        return ""
    post = (
        topic.posts.filter(pk=int(post_id), deleted_at__isnull=True, hidden_at__isnull=True)
        .select_related("author__profile")
        .first()
    )
    if post is None:
        return ""
    text = post.body[:QUOTE_MAX_LENGTH]
    lines = [f"> {line}".rstrip() for line in text.splitlines()]
    source = f"[{policy.author_label(post)}]({topic.get_absolute_url()}#post-{post.pk})"
    return "\n".join([*lines, f"> — {source}", "", ""])


def topic_detail(request, slug, topic_id):
    header = person_counts.keys_for(request.user)
    with page_cache.preloaded(slug, _kept_for_topic_page(request.user, topic_id), also=header):
        topic, access = policy.get_topic_to_read(request.user, slug, topic_id)
        state = None
        if request.user.is_authenticated:
            state = TopicState.objects.filter(user=request.user, topic=topic).first()
        context = _topic_context(request, topic, access, state)
        response = render(request, "discussions/topic_detail.html", context)
    actions.do_mark_read(request.user, topic, context["read_until"], state)
    return response


def _kept_for_topic_page(user, topic_id) -> list[str]:
    """The kept values a topic page asks for (koinon.lib.page_cache): read at once."""
    names = [f"topic:{topic_id}:{name}" for name in TOPIC_PAGE_VALUES]
    return [*names, f"membership:{user.pk}"] if user.is_authenticated else names


# By get_topic_to_read, _topic_context, and the polls and standards_links tags.
TOPIC_PAGE_VALUES = ("row", "replies", "tags", "poll", "knowledge-links")


@require_POST
def topic_subscription(request, slug, topic_id):
    """Watch, follow normally or mute a topic."""
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    topic, _access = policy.get_topic_for(request.user, slug, topic_id)
    try:
        state = actions.do_set_subscription(request.user, topic, request.POST.get("level", ""))
    except ActionError as error:
        return _error(request, error)
    if not is_htmx(request):
        return redirect(topic)
    context = {"topic": topic, "community": topic.community, "state": state, "saved": True}
    return render(
        request, "discussions/partials/subscription.html", {**context, "levels": Level.choices}
    )


@require_POST
def topic_reply(request, slug, topic_id):
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    topic, access = policy.get_topic_for(request.user, slug, topic_id)
    form = ReplyForm(request.POST, allow_anonymous=policy.can_post_anonymously(access))
    post, status, refusal = None, 400, None
    if form.is_valid():
        try:
            if policy.can_reply(access, topic):
                body = form.cleaned_data["body"]
                limits.check(request.user, access, body=body, starting_topic=False)
            post = actions.do_reply(request.user, topic, **form.cleaned_data)
        except ActionError as error:
            _form_error(form, error)
            status, refusal = error.status, error
    if post and not is_htmx(request):
        return redirect(post.get_absolute_url())
    if post:
        return _render_new_reply(request, topic, access, post)
    if refusal is not None and not is_htmx(request) and not policy.can_reply(access, topic):
        return _error(request, refusal)  # no reply form on the page to carry the reason
    context = {**_topic_context(request, topic, access), "reply_form": form}
    if is_htmx(request):
        response = render(request, "discussions/partials/reply_form.html", context, status=status)
        response["HX-Retarget"] = "#reply-form"
        response["HX-Reswap"] = "outerHTML"
        return _with_retry_after(response, refusal)
    response = render(request, "discussions/topic_detail.html", context, status=status)
    return _with_retry_after(response, refusal)


def _render_new_reply(request, topic, access, post):
    """The new post, appended to the list, and a fresh form (out of band)."""
    (post,) = decorate_posts([post], topic, access)
    context = {
        "post": post,
        "topic": topic,
        "community": topic.community,
        "reply_form": ReplyForm(allow_anonymous=policy.can_post_anonymously(access)),
        "can_reply": True,
    }
    return render(request, "discussions/partials/new_reply.html", context)


@login_required
def topic_edit(request, slug, topic_id):
    """Title, label and tags (the author or a moderator); the group (moderators)."""
    topic, access = policy.get_topic_for(request.user, slug, topic_id, "edit_topic")
    initial = {
        "title": topic.title,
        "label": topic.label,
        "tags": ", ".join(t.name for t in topic.tags.all()),
        "group": topic.group,
    }
    can_move = policy.can_moderate(access)
    form = TopicEditForm(
        request.POST or None, initial=initial, community=topic.community, can_move=can_move
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        group = data.pop("group", topic.group)
        try:
            actions.do_edit_topic(request.user, topic, **data)
            if can_move and "group" in form.fields and group != topic.group:
                actions.do_move_topic(request.user, topic, group)
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(topic)
    context = {"topic": topic, "community": topic.community, "form": form}
    status = 400 if form.errors else 200
    return render(request, "discussions/topic_edit.html", context, status=status)


@require_POST
def topic_moderate(request, slug, topic_id):
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    topic, _access = policy.get_topic_for(request.user, slug, topic_id, "moderate")
    flag, value = request.POST.get("flag"), request.POST.get("value") == "1"
    if flag not in ("pinned", "closed", "archived"):
        return _error(request, ActionError(_("Please choose a valid option.")))
    actions.do_set_topic_state(request.user, topic, **{flag: value})
    return redirect(topic)


# --- Posts --------------------------------------------------------------------------


def _post_for(request, post_id, action):
    return policy.get_post_for(request.user, post_id, action)


def _post_response(request, post, access):
    if not is_htmx(request):
        return redirect(post.get_absolute_url())
    (post,) = decorate_posts([post], post.topic, access)
    context = {"post": post, "topic": post.topic, "can_reply": policy.can_reply(access, post.topic)}
    return render(request, "discussions/partials/post.html", context)


@require_POST
def post_react(request, post_id):
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    post, access = _post_for(request, post_id, "read")
    kind = request.POST.get("kind", "")
    try:
        if request.POST.get("undo") == "1":
            actions.do_remove_reaction(request.user, post, kind)
        else:
            actions.do_add_reaction(request.user, post, kind)
    except ActionError as error:
        return _error(request, error)
    post.refresh_from_db(fields=["helpful_count"])
    return _post_response(request, post, access)


@require_POST
def post_accept(request, post_id):
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    post, access = _post_for(request, post_id, "read")
    try:
        if request.POST.get("undo") == "1":
            actions.do_unaccept_answer(request.user, post.topic)
        else:
            actions.do_accept_answer(request.user, post)
    except ActionError as error:
        return _error(request, error)
    if not is_htmx(request):
        return redirect(post.get_absolute_url())
    context = _topic_context(request, post.topic, access)
    return render(request, "discussions/partials/accept_response.html", context)


@login_required
def post_edit(request, post_id):
    post, access = _post_for(request, post_id, "edit_post")
    form = EditPostForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_edit_post(request.user, post, body=form.cleaned_data["body"])
        except ActionError as error:
            _form_error(form, error)
        else:
            return redirect(post.get_absolute_url())
    context = {"post": post, "topic": post.topic, "community": post.topic.community, "form": form}
    return render(
        request, "discussions/post_edit.html", context, status=400 if form.errors else 200
    )


@require_POST
def post_delete(request, post_id):
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    post, access = _post_for(request, post_id, "delete_post")
    try:
        actions.do_delete_post(request.user, post)
    except ActionError as error:
        return _error(request, error)
    return _post_response(request, post, access)


def readable_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, line) pairs of a unified diff: kind is "add", "remove", "context" or "gap"."""
    lines = []
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=2)
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(("gap", "…"))
        elif line.startswith("+"):
            lines.append(("add", line[1:]))
        elif line.startswith("-"):
            lines.append(("remove", line[1:]))
        else:
            lines.append(("context", line[1:]))
    return lines


def post_history(request, post_id):
    post, access = _post_for(request, post_id, "read")
    if post.is_deleted and not policy.can_moderate(access):
        return _error(request, ActionError(_("This post was deleted."), status=404))
    if post.is_hidden and not moderation_policy.sees_hidden(access, post):
        return _error(request, ActionError(_("This post is hidden pending review."), status=404))
    revisions = list(post.revisions.select_related("editor__profile"))
    texts = [r.body for r in revisions] + [post.body]
    changes = []
    for index, revision in enumerate(revisions):
        hidden = post.is_anonymous and revision.editor_id == post.author_id
        editor = policy.ANONYMOUS_LABEL if hidden else revision.editor
        changes.append(
            {
                "editor": editor,
                "at": revision.created_at,
                "diff": readable_diff(texts[index], texts[index + 1]),
            }
        )
    context = {
        "post": post,
        "topic": post.topic,
        "community": post.topic.community,
        "changes": list(reversed(changes)),
        "author_name": policy.author_label(post),
    }
    return render(request, "discussions/post_history.html", context)


@require_POST
def post_reveal(request, post_id):
    """Moderators only: who wrote this anonymous post (recorded in the audit log)."""
    if not request.user.is_authenticated:
        return _login_or_forbid(request)
    post, _access = _post_for(request, post_id, "read")
    try:
        author = actions.do_reveal_author(request.user, post)
    except ActionError as error:
        return _error(request, error)
    context = {"post": post, "author": author}
    return render(request, "discussions/partials/revealed.html", context)
