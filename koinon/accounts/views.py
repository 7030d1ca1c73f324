import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from koinon.accounts import actions
from koinon.accounts.export import export_person
from koinon.accounts.forms import (
    AvatarForm,
    EraseForm,
    PreferencesForm,
    ProfileForm,
    SkillForm,
    SkillLevelForm,
    TokenForm,
)
from koinon.accounts.policy import get_person_for
from koinon.communities.policy import visible_communities_for
from koinon.core.activity import log_activity
from koinon.lib.errors import ActionError


def _form_error(form, exc: ActionError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _shared_communities(viewer, person):
    if not viewer.is_authenticated or viewer.pk == person.pk:
        return []
    return (
        visible_communities_for(viewer)
        .filter(memberships__user=person)
        .filter(memberships__user=viewer)
        .distinct()
    )


def profile_detail(request, pk):
    person = get_person_for(request.user, pk)
    context = {
        "person": person,
        "profile": person.profile,
        "skills": person.skills.select_related("skill"),
        "shared_communities": _shared_communities(request.user, person),
        "is_me": request.user.pk == person.pk,
    }
    return render(request, "accounts/profile_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def settings_profile(request):
    profile = request.user.profile
    form = ProfileForm.for_profile(profile, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_profile(request.user, **form.cleaned_data)
        except ActionError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("settings")
    status = 400 if form.errors else 200
    return render(request, "accounts/settings_profile.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_skills(request):
    form = SkillForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_skill(request.user, **form.cleaned_data)
        except ActionError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your skills have been saved."))
            return redirect("settings-skills")
    skills = request.user.skills.select_related("skill")
    status = 400 if form.errors else 200
    return render(
        request, "accounts/settings_skills.html", {"form": form, "skills": skills}, status=status
    )


@login_required
@require_POST
def skill_update(request, skill_id):
    held = get_object_or_404(request.user.skills, skill_id=skill_id)
    form = SkillLevelForm(request.POST)
    if form.is_valid():
        actions.do_set_skill(request.user, held.skill.name, form.cleaned_data["level"])
        messages.success(request, _("Your skills have been saved."))
    else:
        messages.error(request, form.errors["level"][0])
    return redirect("settings-skills")


@login_required
@require_POST
def skill_remove(request, skill_id):
    try:
        actions.do_remove_skill(request.user, skill_id)
    except ActionError as exc:
        messages.error(request, exc.message)
    return redirect("settings-skills")


@login_required
@require_http_methods(["GET", "POST"])
def settings_avatar(request):
    form = AvatarForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_avatar(request.user, form.cleaned_data["avatar"])
        except ActionError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your photo has been changed."))
            return redirect("settings-avatar")
    status = 400 if form.errors else 200
    return render(request, "accounts/settings_avatar.html", {"form": form}, status=status)


@login_required
@require_POST
def avatar_remove(request):
    actions.do_remove_avatar(request.user)
    messages.success(request, _("Your photo has been removed."))
    return redirect("settings-avatar")


@login_required
@require_http_methods(["GET", "POST"])
def settings_preferences(request):
    user = request.user
    initial = {"language": user.language, "visibility": user.profile.visibility}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.do_set_language(user, form.cleaned_data["language"])
        actions.do_update_profile(user, visibility=form.cleaned_data["visibility"])
        return _preferences_saved(request, form.cleaned_data["language"])
    status = 400 if form.errors else 200
    return render(request, "accounts/settings_preferences.html", {"form": form}, status=status)


def _preferences_saved(request, language):
    if language:
        translation.activate(language)
    messages.success(request, _("Your preferences have been saved."))
    response = redirect("settings-preferences")
    # The saved preference wins over an earlier choice made with the language switcher.
    response.delete_cookie("django_language")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def settings_tokens(request):
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = actions.do_create_token(request.user, **form.cleaned_data)
        except ActionError as exc:
            _form_error(form, exc)
        else:
            form = TokenForm()
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True)
    context = {"form": form, "tokens": tokens, "raw_token": raw}
    return render(request, "accounts/settings_tokens.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    actions.do_revoke_token(request.user, token)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("settings-tokens")


@login_required
@require_http_methods(["GET"])
def settings_data(request):
    return render(request, "accounts/settings_data.html")


@login_required
@require_POST
def data_export(request):
    now = timezone.now()
    data = export_person(request.user, now)
    log_activity(request.user, "account.exported")
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"koinon-data-{now:%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def settings_erase(request):
    form = EraseForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_erase_account(request.user)
        except ActionError as exc:
            _form_error(form, exc)
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted. Goodbye."))
            return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "accounts/settings_erase.html", {"form": form}, status=status)
