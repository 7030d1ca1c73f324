"""Every write on accounts, profiles, skills, avatars and API tokens."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koinon.accounts import fields as checks
from koinon.accounts.images import make_avatar
from koinon.accounts.models import (
    ApiToken,
    Profile,
    ProfileSkill,
    ProfileVisibility,
    Skill,
    TokenScope,
    User,
)
from koinon.core.activity import log_activity
from koinon.lib import personal_data
from koinon.lib.errors import ActionError, Conflict
from koinon.lib.markdown import render_markdown

# Each editable profile field and the check that cleans its value.
PROFILE_FIELDS = {
    "display_name": str.strip,
    "handle": str,  # checked against the others' handles in `_clean_handle`
    "headline": str.strip,
    "bio": str.strip,
    "organisation": str.strip,
    "sector": str.strip,
    "expertise_areas": checks.check_list,
    "languages": checks.check_languages,
    "time_zone": checks.check_time_zone,
    "city": str.strip,
    "country": checks.check_country,
    "open_to_mentoring": bool,
    "open_to_being_mentored": bool,
    "open_to_collaboration": bool,
    "open_to_jobs": bool,
    "links": checks.check_links,
    "visibility": str,
}


def _clean(name: str, value):
    try:
        value = PROFILE_FIELDS[name](value)
    except ValidationError as exc:
        raise ActionError(exc.messages[0], field=name, code=exc.code or "invalid") from exc
    except (TypeError, AttributeError) as exc:
        raise ActionError(_("Invalid value."), field=name) from exc
    _check_length(name, value)
    return value


def _check_length(name, value):
    field = Profile._meta.get_field(name)
    if isinstance(value, str) and field.max_length and len(value) > field.max_length:
        raise ActionError(
            _("At most %(n)d characters, please.") % {"n": field.max_length}, field=name
        )
    if name == "visibility" and value not in ProfileVisibility.values:
        raise ActionError(_("Unknown visibility."), field=name, code="invalid_choice")


@transaction.atomic
def do_update_profile(actor: User, **fields) -> Profile:
    """Change the given profile fields; the bio's HTML is rendered and sanitised here."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ActionError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    profile = actor.profile
    cleaned = {name: _clean(name, value) for name, value in fields.items()}
    if "handle" in cleaned:
        cleaned["handle"] = _clean_handle(actor, cleaned["handle"])
    changed = [name for name, value in cleaned.items() if getattr(profile, name) != value]
    for name in changed:
        setattr(profile, name, cleaned[name])
    if "bio" in changed:
        profile.bio_html = render_markdown(profile.bio)
        changed.append("bio_html")
    if changed:
        try:
            with transaction.atomic():
                profile.save(update_fields=[*changed, "updated_at"])
        except IntegrityError as exc:  # the handle was taken a moment ago
            raise Conflict(
                _("This handle is already taken."), field="handle", code="taken"
            ) from exc
        fields_changed = sorted(set(changed) - {"bio_html"})
        log_activity(actor, "profile.updated", target=profile, fields=fields_changed)
    return profile


def _clean_handle(actor: User, value: str) -> str:
    from koinon.accounts.handles import check_handle

    try:
        return check_handle(value, actor.pk)
    except ValidationError as exc:
        raise ActionError(exc.messages[0], field="handle", code=exc.code or "invalid") from exc


@transaction.atomic
def do_set_language(actor: User, language: str) -> User:
    if language and language not in dict(settings.LANGUAGES):
        raise ActionError(_("Unknown language."), field="language", code="invalid_choice")
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
    return actor


def _check_level(level) -> int:
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if not 1 <= level <= 5:
        raise ActionError(
            _("The level must be a whole number from 1 to 5."), field="level", code="invalid_level"
        )
    return level


def _skill_named(name: str) -> Skill:
    name = " ".join((name or "").split())
    if not name:
        raise ActionError(_("Please name the skill."), field="name", code="required")
    if len(name) > Skill._meta.get_field("name").max_length:
        raise ActionError(_("This skill name is too long."), field="name", code="too_long")
    skill = Skill.objects.filter(name__iexact=name).first()
    return skill or Skill.objects.create(name=name)


@transaction.atomic
def do_set_skill(actor: User, name: str, level) -> ProfileSkill:
    """Add a skill or change its level; skills are matched whatever their case."""
    level = _check_level(level)
    skill = _skill_named(name)
    held, created = ProfileSkill.objects.update_or_create(
        user=actor, skill=skill, defaults={"level": level}
    )
    verb = "profile.skill_added" if created else "profile.skill_changed"
    log_activity(actor, verb, target=held, skill=skill.name, level=level)
    return held


@transaction.atomic
def do_remove_skill(actor: User, skill_id: int) -> None:
    deleted, _rows = ProfileSkill.objects.filter(user=actor, skill_id=skill_id).delete()
    if not deleted:
        raise ActionError(_("You do not have this skill."), code="not_found", status=404)
    log_activity(actor, "profile.skill_removed", skill_id=skill_id)


@transaction.atomic
def do_set_avatar(actor: User, upload) -> Profile:
    """Store a cleaned 256×256 WebP copy of `upload` and drop the previous one."""
    content = make_avatar(upload)
    profile = actor.profile
    old = profile.avatar.name
    profile.avatar.save(content.name, content, save=False)
    profile.save(update_fields=["avatar", "updated_at"])
    if old:
        transaction.on_commit(lambda: profile.avatar.storage.delete(old))
    log_activity(actor, "profile.avatar_changed", target=profile)
    return profile


@transaction.atomic
def do_remove_avatar(actor: User) -> Profile:
    profile = actor.profile
    if profile.avatar:
        profile.avatar.delete(save=False)
        profile.save(update_fields=["avatar", "updated_at"])
    return profile


# --- Personal access tokens ------------------------------------------------------


@transaction.atomic
def do_create_token(actor: User, *, name: str, scope: str = TokenScope.READ):
    """A new token; returns (token, raw value). The raw value is never stored."""
    name = (name or "").strip()
    if not name:
        raise ActionError(_("Please give the token a name."), field="name", code="required")
    if scope not in TokenScope.values:
        raise ActionError(_("Unknown scope."), field="scope", code="invalid_choice")
    if actor.api_tokens.filter(name=name, revoked_at__isnull=True).exists():
        raise Conflict(
            _("You already have a token called “%(name)s”.") % {"name": name},
            field="name",
            code="name_taken",
        )
    token, raw = ApiToken.issue(actor, name=name, scope=scope)
    log_activity(actor, "token.created", target=token, scope=scope)
    return token, raw


@transaction.atomic
def do_revoke_token(actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise ActionError(_("No such token."), code="not_found", status=404)
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    ):
        log_activity(actor, "token.revoked", target=token)
    token.refresh_from_db()
    return token


# --- Erasure ----------------------------------------------------------------------


@transaction.atomic
def do_erase_account(actor: User) -> None:
    """Remove the person's data; see koinon.accounts.erasure for the steps."""
    from koinon.accounts import erasure

    actor = User.objects.select_for_update().get(pk=actor.pk)
    if actor.erased_at:
        return
    erasure.refuse_if_last_owner(actor)
    old_email = actor.email
    placeholder = erasure.placeholder_email(actor)
    erasure.end_sessions(actor)
    erasure.delete_personal_rows(actor)
    for erase in personal_data.erasers():
        erase(actor)
    erasure.blank_profile(actor)
    erasure.scrub_copies(actor, old_email, placeholder)
    erasure.mark_erased(actor, placeholder)
    log_activity(actor, "account.erased")
