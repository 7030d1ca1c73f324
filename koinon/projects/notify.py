"""Notification kinds for ideas and tasks, ready for the notifications registry.

Not registered yet (the registry lives in `koinon/notifications/kinds.py`, another
app): add them there with

    from koinon.projects.notify import project_kinds
    KINDS += project_kinds()

after the list. Recipients are re-checked against the policy by the fan-out.
"""

from django.utils.translation import gettext_lazy as _


def idea_followers(entry, target):
    """The author and the supporters of an idea whose status changed."""
    if target is None:
        return []
    people = set(target.supports.values_list("user_id", flat=True))
    if target.author_id:
        people.add(target.author_id)
    return people


def task_assignee(entry, target):
    """The person a task is assigned to, when someone else creates or moves it."""
    if target is None or not target.assignee_id:
        return []
    return [target.assignee_id]


def project_kinds() -> list:
    from koinon.notifications.kinds import Kind

    return [
        Kind(
            "idea_status",
            _("Status changes of ideas I proposed or support"),
            _("An idea you follow changed status: %(subject)s"),
            ("idea.status_changed",),
            idea_followers,
        ),
        Kind(
            "task_assigned",
            _("Tasks assigned to me in projects"),
            _("%(actor)s changed a task of yours: %(subject)s"),
            ("task.created", "task.moved"),
            task_assignee,
            explicit=True,
        ),
    ]
