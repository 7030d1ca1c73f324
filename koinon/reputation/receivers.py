"""Reputation follows the activity log: each entry whose verb can change someone's
reputation re-syncs the ledger of what it touched, inside the action's transaction
(so the points commit or roll back with the action). Withdrawing an endorsement
writes no activity entry, so a `post_delete` on `Endorsement` covers it.
Anything these miss (rows deleted in bulk, a cascade) `recompute_reputation` repairs.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from koinon.core.models import ActivityEntry

POST_VERBS = {
    "post.reacted",
    "post.unreacted",
    "post.deleted",
    # Moderation (koinon.moderation) hiding, restoring and deleting a post.
    "moderation.post_hidden",
    "moderation.post_restored",
    "moderation.post_deleted",
}
WRITING_VERBS = {"post.created", "topic.created"}
ANSWER_VERBS = {"answer.accepted", "answer.unaccepted"}
PRACTICE_VERBS = {
    "practice.adopted",
    "practice.unadopted",
    "practice.maintainer_added",
    "practice.maintainer_removed",
    "practice.revised",
    "practice.restored",
}


def _target_model(entry):
    return entry.target_type.model_class() if entry.target_type_id else None


@receiver(post_save, sender=ActivityEntry, dispatch_uid="reputation_from_activity")
def follow_activity(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    verb = instance.verb
    if verb in WRITING_VERBS and instance.actor_id and not instance.data.get("anonymous"):
        from koinon.reputation.trust import level_of

        level_of(instance.actor)  # refreshed only when the stored level is stale
        return
    if verb not in POST_VERBS | ANSWER_VERBS | PRACTICE_VERBS | {
        "topic.edited",
        "network.skill_endorsed",
    }:
        return
    from koinon.reputation import ledger

    model = _target_model(instance)
    name = model._meta.label_lower if model else ""
    if verb in POST_VERBS and name == "discussions.post":
        if verb in {"post.reacted", "post.unreacted"} and instance.data.get("kind") != "helpful":
            return
        ledger.sync_post(instance.target_id)
    elif verb in ANSWER_VERBS:
        topic_id = instance.data.get("topic") if name == "discussions.post" else None
        if name == "discussions.topic":
            topic_id = instance.target_id
        if topic_id:
            ledger.sync_topic(topic_id)
    elif verb == "topic.edited" and name == "discussions.topic":
        if "tags" in (instance.data.get("fields") or []):
            ledger.retag_topic(instance.target_id)
    elif verb in PRACTICE_VERBS and name == "library.practice":
        ledger.sync_practice(instance.target_id)
    elif verb == "network.skill_endorsed" and instance.target_id:
        ledger.sync_endorsements(instance.target_id)


def endorsement_removed(sender, instance, **kwargs):
    """After the commit, and only if the person is still there: when a whole account
    is deleted its endorsements go too, and nothing must be written for it then."""
    person_id = instance.person_id

    def sync():
        from koinon.accounts.models import User
        from koinon.reputation import ledger

        if User.objects.filter(pk=person_id).exists():
            ledger.sync_endorsements(person_id)

    transaction.on_commit(sync)


def connect():
    from koinon.network.models import Endorsement

    post_delete.connect(
        endorsement_removed, sender=Endorsement, dispatch_uid="reputation_endorsement_removed"
    )
