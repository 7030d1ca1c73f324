"""The network in a person's data export and erasure.

Hooks found by `koinon.lib.personal_data` (`export` and `erase` below). Other people
are counted, not named.
"""

from django.db.models import Q

from koinon.network.models import Connection, ConnectionStatus, Endorsement, Follow


def export_network(user) -> dict:
    mine = Connection.objects.filter(Q(low=user) | Q(high=user))
    return {
        "connections": mine.filter(status=ConnectionStatus.ACCEPTED).count(),
        "requests_sent": mine.filter(requested_by=user)
        .exclude(status=ConnectionStatus.ACCEPTED)
        .count(),
        "following": Follow.objects.filter(follower=user).count(),
        "followers": Follow.objects.filter(followed=user).count(),
        "endorsements_given": [
            e.skill.name for e in Endorsement.objects.filter(endorser=user).select_related("skill")
        ],
        "endorsements_received": [
            e.skill.name for e in Endorsement.objects.filter(person=user).select_related("skill")
        ],
    }


def erase_network(user) -> None:
    Connection.objects.filter(Q(low=user) | Q(high=user)).delete()
    Follow.objects.filter(Q(follower=user) | Q(followed=user)).delete()
    Endorsement.objects.filter(Q(endorser=user) | Q(person=user)).delete()


export = export_network
erase = erase_network
