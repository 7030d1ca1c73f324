"""Data export (GDPR art. 15 and 20): everything Koinon holds about one person, as JSON.

Other people appear only through the names of shared communities and groups.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession

from koinon.accounts.models import User
from koinon.communities.models import GroupMembership, Invitation, JoinRequest, Membership
from koinon.core.models import ActivityEntry
from koinon.lib import personal_data

FORMAT_VERSION = 1


def _dt(value):
    return value.isoformat() if value else None


def _account(user: User) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "language": user.language,
        "date_joined": _dt(user.date_joined),
        "last_login": _dt(user.last_login),
    }


def _profile(user: User) -> dict:
    p = user.profile
    fields = [
        "display_name", "headline", "bio", "organisation", "sector", "expertise_areas",
        "languages", "time_zone", "city", "country", "open_to_mentoring",
        "open_to_being_mentored", "open_to_collaboration", "open_to_jobs", "links", "visibility",
    ]  # fmt: skip
    data = {name: getattr(p, name) for name in fields}
    data["avatar"] = p.avatar.url if p.avatar else None
    data["updated_at"] = _dt(p.updated_at)
    return data


def _skills(user: User) -> list:
    return [{"skill": s.skill.name, "level": s.level} for s in user.skills.select_related("skill")]


def _memberships(user: User) -> list:
    rows = Membership.objects.filter(user=user).select_related("community")
    return [
        {
            "community": m.community.name,
            "role": m.role,
            "joined_at": _dt(m.joined_at),
            "code_of_conduct_accepted_at": _dt(m.code_of_conduct_accepted_at),
        }
        for m in rows
    ]


def _group_memberships(user: User) -> list:
    rows = GroupMembership.objects.filter(user=user).select_related("group__community")
    return [
        {
            "community": g.group.community.name,
            "group": g.group.name,
            "role": g.role,
            "joined_at": _dt(g.joined_at),
        }
        for g in rows
    ]


def _invitations_sent(user: User) -> list:
    # The invitee's address is someone else's data: only the community, role and dates.
    rows = Invitation.objects.filter(invited_by=user).select_related("community")
    return [
        {
            "community": i.community.name,
            "role": i.role,
            "created_at": _dt(i.created_at),
            "expires_at": _dt(i.expires_at),
            "accepted": i.accepted_at is not None,
            "revoked": i.revoked_at is not None,
        }
        for i in rows
    ]


def _join_requests(user: User) -> list:
    rows = JoinRequest.objects.filter(user=user).select_related("community")
    return [
        {
            "community": r.community.name,
            "message": r.message,
            "status": r.status,
            "created_at": _dt(r.created_at),
            "decided_at": _dt(r.decided_at),
        }
        for r in rows
    ]


def _activity(user: User) -> list:
    rows = ActivityEntry.objects.filter(actor=user).select_related("community").order_by("id")
    return [
        {
            "verb": a.verb,
            "community": a.community.name if a.community else None,
            "created_at": _dt(a.created_at),
            # Ids may point at other people: keep only the descriptive details.
            "details": {k: v for k, v in a.data.items() if not k.endswith("_id")},
        }
        for a in rows
    ]


def _tokens(user: User) -> list:
    return [
        {
            "name": t.name,
            "scope": t.scope,
            "created_at": _dt(t.created_at),
            "last_used_at": _dt(t.last_used_at),
            "revoked_at": _dt(t.revoked_at),
        }
        for t in user.api_tokens.all()
    ]


def _sessions(user: User) -> list:
    return [
        {
            "ip": s.ip,
            "user_agent": s.user_agent,
            "created_at": _dt(s.created_at),
            "last_seen_at": _dt(s.last_seen_at),
        }
        for s in UserSession.objects.filter(user=user)
    ]


def _mfa(user: User) -> list:
    return [
        {"type": a.type, "created_at": _dt(a.created_at), "last_used_at": _dt(a.last_used_at)}
        for a in Authenticator.objects.filter(user=user)
    ]


SECTIONS = {
    "account": _account,
    "profile": _profile,
    "skills": _skills,
    "memberships": _memberships,
    "group_memberships": _group_memberships,
    "invitations_sent": _invitations_sent,
    "join_requests": _join_requests,
    "activity": _activity,
    "api_tokens": _tokens,
    "sessions": _sessions,
    "mfa": _mfa,
}


def export_person(user: User, now) -> dict:
    data = {"format": "koinon-export", "version": FORMAT_VERSION, "exported_at": _dt(now)}
    sections = {**SECTIONS, **personal_data.export_sections()}
    data.update({name: build(user) for name, build in sections.items()})
    return data
