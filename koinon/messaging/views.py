"""Direct message pages: inbox, new conversation, conversation, block, report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koinon.accounts.models import User
from koinon.lib.errors import ActionError
from koinon.lib.http import is_htmx, paginate
from koinon.messaging import actions, limits, policy
from koinon.messaging.forms import MessageForm, NewConversationForm, ReportForm
from koinon.messaging.models import Block, Message, Report

CONVERSATIONS_PER_PAGE = 30
MESSAGES_PER_PAGE = 50
POLL_MAX = 100
CONTACT_CHOICES = 300


def _form_error(form, error: ActionError):
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _with_retry_after(response, error):
    if isinstance(error, limits.TooManyConversations):
        response["Retry-After"] = str(error.retry_after)
    return response


def _next_url(request, default):
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return default


@login_required
def inbox(request):
    page = paginate(request, policy.inbox(request.user), CONVERSATIONS_PER_PAGE)
    return render(request, "messaging/inbox.html", {"page": page})


def _prefilled(user, ids):
    people = policy.contactable_people(user).filter(pk__in=ids).select_related("profile")
    return list(people)


@login_required
def conversation_new(request):
    user = request.user
    to_ids = [int(v) for v in request.GET.getlist("to") if v.isdigit()][:10]
    fixed = _prefilled(user, to_ids) if to_ids else []
    people = fixed or list(
        policy.contactable_people(user)
        .select_related("profile")
        .order_by("profile__display_name", "email")[:CONTACT_CHOICES]
    )
    initial = {"participants": [p.pk for p in fixed], "subject": request.GET.get("subject", "")}
    form = NewConversationForm(request.POST or None, people=people, initial=initial)
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversation = actions.do_start_conversation(
                user, data["participants"], subject=data["subject"], first_message=data["body"]
            )
        except ActionError as error:
            _form_error(form, error)
            refusal = error
        else:
            return redirect(conversation)
    status = refusal.status if refusal else 400 if form.errors else 200
    context = {"form": form, "fixed": fixed, "asked_for": bool(to_ids)}
    response = render(request, "messaging/conversation_new.html", context, status=status)
    return _with_retry_after(response, refusal)


def _conversation_context(request, conversation, row, form=None):
    newest_first = Message.objects.filter(conversation=conversation).select_related(
        "author__profile"
    )
    page = Paginator(newest_first.order_by("-created_at", "-id"), MESSAGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    receipts = policy.read_receipts(conversation, request.user)
    last_message = page.object_list[0] if page.number == 1 and page.object_list else None
    return {
        "conversation": conversation,
        "row": row,
        "page": page,
        "messages_shown": list(reversed(page.object_list)),
        "people": receipts,
        "seen_by": [
            p
            for p in receipts
            if last_message and p.last_read_at and p.last_read_at >= last_message.created_at
        ],
        "form": form or MessageForm(),
        "last_id": last_message.pk if last_message else None,
    }


@login_required
def conversation_detail(request, pk):
    conversation, row = policy.get_conversation_for(request.user, pk)
    context = _conversation_context(request, conversation, row)
    actions.do_mark_read(request.user, conversation)
    return render(request, "messaging/conversation_detail.html", context)


@login_required
@require_POST
def message_send(request, pk):
    conversation, row = policy.get_conversation_for(request.user, pk)
    form = MessageForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            message = actions.do_send_message(request.user, conversation, form.cleaned_data["body"])
        except ActionError as error:
            _form_error(form, error)
            status = error.status
        else:
            if not is_htmx(request):
                return redirect(conversation)
            context = {"message": message, "form": MessageForm(), "conversation": conversation}
            return render(request, "messaging/partials/message_sent.html", context)
    if is_htmx(request):
        context = {"form": form, "conversation": conversation}
        response = render(request, "messaging/partials/send_form.html", context, status=status)
        response["HX-Retarget"] = "#send-form"
        response["HX-Reswap"] = "outerHTML"
        return response
    context = _conversation_context(request, conversation, row, form)
    return render(request, "messaging/conversation_detail.html", context, status=status)


@login_required
def conversation_since(request, pk):
    """For the open conversation page's poll: others' messages after `?after=<id>`.

    204 when there is nothing new. The poller's `after` moves to the newest id seen,
    the reader's own messages are left out (the send already showed them).
    """
    conversation, row = policy.get_conversation_for(request.user, pk)
    after = request.GET.get("after", "")
    if not after.isdigit():
        return HttpResponse(status=400)
    fresh = list(
        Message.objects.filter(conversation=conversation, pk__gt=int(after))
        .select_related("author__profile")
        .order_by("created_at", "id")[:POLL_MAX]
    )
    others = [m for m in fresh if m.author_id != request.user.pk]
    if not fresh:
        return HttpResponse(status=204)
    if others:
        actions.do_mark_read(request.user, conversation)
    context = {
        "conversation": conversation,
        "fresh": others,
        "last_id": max(m.pk for m in fresh),
    }
    return render(request, "messaging/partials/since.html", context)


@login_required
@require_POST
def conversation_mute(request, pk):
    conversation, row = policy.get_conversation_for(request.user, pk)
    muted = request.POST.get("muted") == "1"
    actions.do_mute_conversation(request.user, conversation, muted)
    if muted:
        messages.success(request, _("Conversation muted: it no longer counts as unread."))
    else:
        messages.success(request, _("Conversation unmuted."))
    return redirect(conversation)


@login_required
@require_POST
def conversation_leave(request, pk):
    conversation, row = policy.get_conversation_for(request.user, pk)
    actions.do_leave_conversation(request.user, conversation)
    messages.success(request, _("You left the conversation."))
    return redirect("messages-inbox")


@login_required
def conversation_report(request, pk):
    conversation, row = policy.get_conversation_for(request.user, pk)
    message = None
    message_id = request.POST.get("message") or request.GET.get("message")
    if message_id:
        message = conversation.messages.filter(pk=message_id if message_id.isdigit() else 0).first()
        if message is None:
            raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_report_conversation(
                request.user, conversation, message=message, reason=form.cleaned_data["reason"]
            )
        except ActionError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Thank you: the staff will look at your report."))
            return redirect(conversation)
    context = {"form": form, "conversation": conversation, "message": message}
    status = 400 if form.errors else 200
    return render(request, "messaging/conversation_report.html", context, status=status)


def _person(pk):
    person = User.objects.filter(pk=pk, is_active=True).select_related("profile").first()
    if person is None:
        raise Http404
    return person


@login_required
@require_POST
def person_block(request, pk):
    person = _person(pk)
    try:
        actions.do_block_person(request.user, person)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("You blocked %(name)s: they cannot write to you.") % {"name": person.display_name},
        )
    return redirect(_next_url(request, "messages-blocked"))


@login_required
@require_POST
def person_unblock(request, pk):
    person = _person(pk)
    try:
        actions.do_unblock_person(request.user, person)
    except ActionError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("You unblocked %(name)s.") % {"name": person.display_name})
    return redirect(_next_url(request, "messages-blocked"))


@login_required
def block_list(request):
    blocks = Block.objects.filter(blocker=request.user).select_related("blocked__profile")
    return render(request, "messaging/block_list.html", {"blocks": blocks.order_by("-created_at")})


@login_required
def unread_badge(request):
    return render(
        request,
        "messaging/partials/unread_badge.html",
        {"unread_messages": policy.unread_count(request.user)},
    )


@login_required
@require_POST
def report_resolve(request, pk):
    if not request.user.is_staff:
        raise Http404
    report = Report.objects.filter(pk=pk).first()
    if report is None:
        raise Http404
    actions.do_resolve_report(request.user, report)
    messages.success(request, _("Report marked as resolved."))
    return redirect("messages-reports")


@login_required
def staff_reports(request):
    """Staff read what was reported, and nothing more; others get a 404."""
    if not request.user.is_staff:
        raise Http404
    page = paginate(
        request,
        Report.objects.select_related("reporter__profile", "conversation", "message").order_by(
            "status", "-created_at"
        ),
        20,
    )
    readable = policy.reported_messages_for_staff(request.user)
    shown = {}
    for report in page.object_list:
        qs = readable.filter(conversation=report.conversation_id)
        qs = qs.filter(pk=report.message_id) if report.message_id else qs
        shown[report.pk] = list(qs.select_related("author__profile").order_by("created_at")[:50])
    rows = [(report, shown[report.pk]) for report in page.object_list]
    return render(request, "messaging/staff_reports.html", {"page": page, "rows": rows})
