"""Account erasure (GDPR art. 17): personal data goes, contributions stay as "Former member".

Steps, in `do_erase_account`:
1. refuse while the person is the last owner of a community;
2. end every session (allauth's user sessions, then any Django session left);
3. delete what only describes the person: e-mail addresses, MFA, tokens, skills,
   memberships, join requests; blank the profile and delete the avatar file; drop
   their communities' kept pages, which show their name;
4. scrub the old address and name from rows that keep them as text
   (invitations addressed to them, admin log entries);
5. make the account unusable and mark it erased.
"""

from importlib import import_module

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from koinon.accounts.models import Profile, ProfileVisibility, User
from koinon.communities.models import (
    Community,
    GroupMembership,
    Invitation,
    JoinRequest,
    Membership,
    Role,
)
from koinon.lib import page_cache
from koinon.lib.errors import Conflict


def placeholder_email(user: User) -> str:
    return f"erased-{user.pk}@invalid.koinon"


def communities_needing_owner(user: User):
    """Communities where `user` is the only owner."""
    owned = Membership.objects.filter(user=user, role=Role.OWNER).values("community_id")
    return (
        Community.objects.filter(pk__in=owned)
        .annotate(owners=Count("memberships", filter=Q(memberships__role=Role.OWNER)))
        .filter(owners=1)
    )


def refuse_if_last_owner(user: User) -> None:
    names = list(communities_needing_owner(user).values_list("name", flat=True))
    if names:
        raise Conflict(
            _(
                "You are the last owner of %(names)s. Transfer ownership before "
                "deleting your account."
            )
            % {"names": ", ".join(f"“{n}”" for n in names)},
            code="last_owner",
        )


def end_sessions(user: User) -> None:
    for user_session in UserSession.objects.filter(user=user):
        user_session.end()
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session.session_key).delete()


def delete_personal_rows(user: User) -> None:
    # Their communities' kept pages and posts carry their name: dropped (on commit too).
    for slug in Community.objects.filter(memberships__user=user).values_list("slug", flat=True):
        page_cache.bump_community(slug)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.api_tokens.all().delete()
    user.skills.all().delete()
    GroupMembership.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()


def blank_profile(user: User) -> None:
    profile = Profile.objects.get(user=user)
    if profile.avatar:
        profile.avatar.delete(save=False)
    fresh = Profile(user=user, visibility=ProfileVisibility.ME)
    for field in Profile._meta.concrete_fields:
        if field.name not in {"user", "updated_at"}:
            setattr(profile, field.attname, getattr(fresh, field.attname))
    profile.save()


def scrub_copies(user: User, old_email: str, placeholder: str) -> None:
    Invitation.objects.filter(email__iexact=old_email).update(email=placeholder)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=str(_("Former member")), change_message="")


def mark_erased(user: User, placeholder: str) -> None:
    user.email = placeholder
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.language = ""
    user.last_login = None
    user.erased_at = timezone.now()
    user.save()
