"""Offers and requests built through the actions, as a person would create them."""

from koinon.accounts.models import ProfileSkill
from koinon.accounts.tests.factories import SkillFactory
from koinon.mentoring import actions


def give_skills(user, skills: dict[str, int]) -> None:
    for name, level in skills.items():
        ProfileSkill.objects.update_or_create(
            user=user, skill=SkillFactory(name=name), defaults={"level": level}
        )


def make_offer(mentor, skills: dict[str, int] | None = None, **fields):
    skills = skills or {}
    give_skills(mentor, skills)
    fields.setdefault("topics", "Planning and delivery")
    return actions.do_create_offer(mentor, skills=list(skills), **fields)


def make_request(mentee, skills=None, **fields):
    fields.setdefault("goals", "Learn to run a project")
    return actions.do_create_request(mentee, skills=skills or {}, **fields)
