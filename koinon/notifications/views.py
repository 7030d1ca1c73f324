"""The bell, the notifications page, settings, and the signed unsubscribe link."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from koinon.communities.models import Membership
from koinon.lib.errors import ActionError
from koinon.lib.http import is_htmx, paginate
from koinon.notifications import actions
from koinon.notifications.kinds import KINDS, get_kind, sentence
from koinon.notifications.mail import DIGESTS, read_unsubscribe_token
from koinon.notifications.models import Channel, Notification

PER_PAGE = 30


@never_cache
@require_GET
def bell(request):
    """The bell alone, polled by HTMX every 30 s: one COUNT query.

    Signed out (e.g. the session expired in another tab): 286, which tells HTMX to stop
    polling, instead of a redirect whose login page would be swapped into the header.
    """
    if not request.user.is_authenticated:
        return HttpResponse(status=286)
    return render(request, "notifications/partials/bell.html")


@login_required
@require_GET
def notification_list(request):
    qs = Notification.objects.filter(recipient=request.user).select_related("community")
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = paginate(request, qs, PER_PAGE)
    items = [(n, sentence(n)) for n in page.object_list]
    context = {"page": page, "items": items, "unread_only": request.GET.get("unread") == "1"}
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def mark_read(request, pk: int):
    notification = actions.do_mark_read(request.user, pk)
    if is_htmx(request):
        context = {"n": notification, "text": sentence(notification), "oob_bell": True}
        return render(request, "notifications/partials/item.html", context)
    return redirect(request.POST.get("next") or "notifications")


@login_required
@require_POST
def mark_all_read(request):
    count = actions.do_mark_all_read(request.user)
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications")


# --- Settings -------------------------------------------------------------------------


class SettingsForm(forms.Form):
    daily = forms.BooleanField(label=_("Send me a daily digest of my communities"), required=False)
    weekly = forms.BooleanField(
        label=_("Send me a weekly digest of my communities"), required=False
    )

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        for kind in KINDS:
            self.fields[f"kind_{kind.key}"] = forms.ChoiceField(
                label=kind.label, choices=Channel.choices, initial=kind.default
            )
        self.fields["muted"] = forms.MultipleChoiceField(
            label=_("Mute these communities"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(c.pk, c.name) for c in communities],
            help_text=_("Nothing from a muted community, except invitations and join answers."),
        )

    def kind_fields(self):
        return [self[f"kind_{kind.key}"] for kind in KINDS]


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    user = request.user
    memberships = Membership.objects.filter(user=user).select_related("community")
    communities = [m.community for m in memberships.order_by("community__name")]
    subscription = actions.digest_subscription(user)
    initial = {f"kind_{k}": channel for k, channel in actions.preferences_for(user).items()}
    initial.update(
        daily=subscription.daily,
        weekly=subscription.weekly,
        muted=[str(cid) for cid in actions.muted_community_ids(user)],
    )
    form = SettingsForm(request.POST or None, initial=initial, communities=communities)
    if request.method == "POST":
        unknown = [
            key[5:] for key in request.POST if key.startswith("kind_") and get_kind(key[5:]) is None
        ]
        if unknown:
            form.add_error(None, _("Unknown notification kind: %(kind)s") % {"kind": unknown[0]})
        if not unknown and form.is_valid():
            data = form.cleaned_data
            actions.do_set_preferences(user, {k.key: data[f"kind_{k.key}"] for k in KINDS})
            actions.do_set_digests(user, daily=data["daily"], weekly=data["weekly"])
            actions.do_set_muted_communities(
                user, [int(c) for c in data["muted"]], [c.pk for c in communities]
            )
            messages.success(request, _("Your notification settings have been saved."))
            return redirect("notification-settings")
    status = 400 if form.errors else 200
    return render(request, "notifications/settings.html", {"form": form}, status=status)


# --- One-click unsubscribe (RFC 8058) ------------------------------------------------------


def _invalid(request):
    return render(request, "notifications/unsubscribe_invalid.html", status=400)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET shows a button; POST (the button, or a mail client's one-click) unsubscribes.

    No login: the signed token is the only credential, so CSRF is moot here — a POST
    without a valid, unexpired signature changes nothing and answers 400.
    """
    try:
        data = read_unsubscribe_token(token)
    except signing.BadSignature:
        return _invalid(request)
    user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    scope = data["s"]
    if user is None or (scope != DIGESTS and get_kind(scope) is None):
        return _invalid(request)
    kind = get_kind(scope)
    context = {"scope": scope, "kind": kind, "digests": scope == DIGESTS}
    if request.method == "POST":
        try:
            actions.do_unsubscribe(user, scope)
        except ActionError:
            return _invalid(request)
        return render(request, "notifications/unsubscribe_done.html", context)
    return render(request, "notifications/unsubscribe.html", context)
