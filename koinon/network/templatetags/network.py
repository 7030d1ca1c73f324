"""Pieces other pages include about a person.

`{% load network %}`, then on a profile page:
- `{% person_network_actions person %}`: connect / follow / message / block buttons;
- `{% person_endorsements person %}`: the person's skills with endorsement counts and
  endorse buttons for people who share a community with them.
"""

from django import template
from django.db.models import Count

from koinon.accounts.models import ProfileSkill
from koinon.network.models import Endorsement
from koinon.network.policy import shares_community
from koinon.network.queries import relation

register = template.Library()


def person_actions_context(viewer, person) -> dict:
    authenticated = bool(viewer and viewer.is_authenticated)
    return {
        "person": person,
        "relation": relation(viewer, person) if authenticated else None,
        "is_me": authenticated and viewer.pk == person.pk,
    }


def endorsements_context(viewer, person) -> dict:
    """Four queries: skills, counts, the viewer's own endorsements, a shared community."""
    skills = list(ProfileSkill.objects.filter(user=person).select_related("skill"))
    counts = dict(
        Endorsement.objects.filter(person=person)
        .values("skill_id")
        .annotate(n=Count("id"))
        .values_list("skill_id", "n")
    )
    authenticated = bool(viewer and viewer.is_authenticated) and viewer.pk != person.pk
    mine = set()
    may_endorse = False
    if authenticated:
        mine = set(
            Endorsement.objects.filter(endorser=viewer, person=person).values_list(
                "skill_id", flat=True
            )
        )
        may_endorse = shares_community(viewer, person)
    rows = [
        {"ps": ps, "count": counts.get(ps.skill_id, 0), "endorsed": ps.skill_id in mine}
        for ps in skills
    ]
    return {"person": person, "rows": rows, "may_endorse": may_endorse}


@register.inclusion_tag("network/partials/person_actions.html", takes_context=True)
def person_network_actions(context, person):
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return {
        **person_actions_context(viewer, person),
        "request": request,
        "user": viewer,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("network/partials/endorsements.html", takes_context=True)
def person_endorsements(context, person):
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return {
        **endorsements_context(viewer, person),
        "request": request,
        "user": viewer,
        "csrf_token": context.get("csrf_token"),
    }
