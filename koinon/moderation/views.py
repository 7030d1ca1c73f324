"""Moderation pages: flag a post, the moderator queue, the audit log, blocks."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.discussions import policy as discussions_policy
from koinon.discussions.models import Post, Topic
from koinon.discussions.views import decorate_posts
from koinon.lib.errors import ActionError, RateLimited
from koinon.lib.http import is_htmx, paginate
from koinon.moderation import actions, queries
from koinon.moderation.forms import (
    AuditFilterForm,
    BlockForm,
    FlagForm,
    ReasonForm,
    ReviewForm,
)
from koinon.moderation.models import Block
from koinon.moderation.policy import get_moderated_community

QUEUE_PER_PAGE = 20
AUDIT_PER_PAGE = 50


def _login(request):
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.get_full_path())


def _error(request, error: ActionError, target: str | None = None):
    """A refusal: a page, or (HTMX) the message, shown in `target` when one is given.
    A 429 says when to try again (`Retry-After`)."""
    if not is_htmx(request):
        response = render(request, "moderation/error.html", {"error": error}, status=error.status)
    else:
        context = {"error": error}
        response = render(request, "moderation/partials/error.html", context, status=error.status)
        if target:
            response["HX-Retarget"] = target
            response["HX-Reswap"] = "innerHTML"
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


def _form_error(form, error: ActionError):
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


# --- Flag, hide, restore a post (from the topic page) --------------------------------


def post_flag(request, post_id):
    """The flag form (also shown inline on the topic page) and its answer."""
    if not request.user.is_authenticated:
        return _login(request)
    post, access = discussions_policy.get_post_for(request.user, post_id)
    if post.is_deleted:
        raise Http404
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_flag_post(request.user, post, **form.cleaned_data)
            except ActionError as error:
                if error.status != 400:
                    return _error(request, error)
                _form_error(form, error)
            else:
                if not is_htmx(request):
                    return redirect(post.get_absolute_url())
                return render(request, "moderation/partials/flagged.html", {"post": post})
        status = 400
    context = {"post": post, "form": form, "topic": post.topic, "community": post.topic.community}
    template = "moderation/partials/flag_form.html" if is_htmx(request) else "moderation/flag.html"
    return render(request, template, context, status=status)


def _post_response(request, post, access):
    if not is_htmx(request):
        return redirect(post.get_absolute_url())
    post.refresh_from_db()
    (post,) = decorate_posts([post], post.topic, access)
    context = {
        "post": post,
        "topic": post.topic,
        "can_reply": discussions_policy.can_reply(access, post.topic),
    }
    return render(request, "discussions/partials/post.html", context)


@require_POST
def post_hide(request, post_id):
    return _moderate_post(request, post_id, actions.do_hide_post)


@require_POST
def post_restore(request, post_id):
    return _moderate_post(request, post_id, actions.do_restore_post)


def _moderate_post(request, post_id, action):
    if not request.user.is_authenticated:
        return _login(request)
    post, access = discussions_policy.get_post_for(request.user, post_id, "moderate")
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        action(request.user, post, reason=reason)
    except ActionError as error:
        return _error(request, error, "#discussion-messages")
    return _post_response(request, post, access)


# --- The queue -----------------------------------------------------------------------


def queue(request, slug):
    if not request.user.is_authenticated:
        return _login(request)
    community, access = get_moderated_community(request.user, slug)
    page = paginate(request, queries.queue_for(community), QUEUE_PER_PAGE)
    queries.summarise(page.object_list)
    context = {"community": community, "access": access, "page": page, "section": "queue"}
    return render(request, "moderation/queue.html", context)


@require_POST
def review(request, slug, post_id):
    if not request.user.is_authenticated:
        return _login(request)
    community, access = get_moderated_community(request.user, slug)
    post = get_object_or_404(
        Post.objects.select_related("topic__community"), pk=post_id, topic__community=community
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        error = ActionError(_("Please choose a valid option."), code="invalid")
        return _error(request, error, "#moderation-messages")
    try:
        actions.do_review(request.user, post, **form.cleaned_data)
    except ActionError as error:
        return _error(request, error, "#moderation-messages")
    if is_htmx(request):
        decision = form.cleaned_data["decision"]
        return render(
            request, "moderation/partials/reviewed.html", {"post": post, "decision": decision}
        )
    return redirect("moderation-queue", community.slug)


@require_POST
def topic_lock(request, slug, topic_id):
    if not request.user.is_authenticated:
        return _login(request)
    community, access = get_moderated_community(request.user, slug)
    topic = get_object_or_404(
        Topic.objects.select_related("community"), pk=topic_id, community=community
    )
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.do_lock_topic(
            request.user, topic, locked=request.POST.get("locked") != "0", reason=reason
        )
    except ActionError as error:
        return _error(request, error)
    if request.POST.get("next") == "queue":
        return redirect("moderation-queue", community.slug)
    return redirect(topic)


# --- The audit log -------------------------------------------------------------------


def audit(request, slug):
    if not request.user.is_authenticated:
        return _login(request)
    community, access = get_moderated_community(request.user, slug)
    form = AuditFilterForm(request.GET or None)
    verb = form.cleaned_data["verb"] if form.is_valid() else None
    page = paginate(request, queries.audit_entries(community, verb or None), AUDIT_PER_PAGE)
    entries = queries.decorate_audit(page.object_list)
    context = {
        "community": community,
        "access": access,
        "page": page,
        "entries": entries,
        "form": form,
        "query": f"verb={verb}" if verb else "",
        "section": "audit",
    }
    return render(request, "moderation/audit.html", context)


# --- Blocks --------------------------------------------------------------------------


def blocks(request, slug):
    if not request.user.is_authenticated:
        return _login(request)
    community, access = get_moderated_community(request.user, slug)
    initial = {}
    if request.GET.get("user", "").isdigit():
        initial["user"] = request.GET["user"]
    form = BlockForm(request.POST or None, initial=initial, community=community, rank=access.rank)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_block(
                    request.user,
                    community,
                    data["user"].user,
                    reason=data["reason"],
                    ends_at=data["ends_on"],
                )
            except ActionError as error:
                _form_error(form, error)
            else:
                return redirect("moderation-blocks", community.slug)
        status = 400
    context = {
        "community": community,
        "access": access,
        "form": form,
        "blocks": queries.active_blocks(community)[:200],
        "section": "blocks",
    }
    return render(request, "moderation/blocks.html", context, status=status)


@require_POST
def unblock(request, slug, block_id):
    if not request.user.is_authenticated:
        return _login(request)
    community, access = get_moderated_community(request.user, slug)
    block = get_object_or_404(
        Block.objects.select_related("community"), pk=block_id, community=community
    )
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.do_unblock(request.user, block, reason=reason)
    except ActionError as error:
        return _error(request, error)
    return redirect("moderation-blocks", community.slug)
