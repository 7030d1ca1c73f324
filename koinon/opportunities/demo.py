"""Demo opportunities: a job and an offer of resources among the project managers, a
collaboration among the marketing consultants, and one already answered (with its
conversation). Expiry dates are relative to the day the demo is loaded. Idempotent: each
opportunity is found by its community and title and created only when missing."""

from datetime import timedelta

from django.utils import timezone

from koinon.communities.models import Community
from koinon.opportunities import actions
from koinon.opportunities.models import Interest, Opportunity

OPPORTUNITIES = [
    {
        "community": "project-manager",
        "author": "sara.conti",
        "kind": "job",
        "title": "Project manager junior per un progetto europeo",
        "description": "Cerchiamo una persona che affianchi il coordinamento di un progetto "
        "Erasmus+ con sei partner: **riunioni mensili**, rendicontazione, piano di "
        "comunicazione. Part time, 18 mesi.",
        "location": "Milano",
        "remote": True,
        "days": 30,
        "interested": [("silvia.rinaldi", "Ho seguito due progetti Interreg, mi piacerebbe.")],
    },
    {
        "community": "project-manager",
        "author": "roberto.barbieri",
        "kind": "resource_offer",
        "title": "Sala riunioni libera il venerdì",
        "description": "Dieci posti, proiettore e lavagna: a disposizione di chi organizza "
        "una retrospettiva o un workshop della comunità.",
        "location": "Torino",
        "remote": False,
        "days": 60,
        "interested": [],
    },
    {
        "community": "consulenti-marketing",
        "author": "alessandro.romano",
        "kind": "collaboration",
        "title": "Caso di studio a quattro mani sul marketing delle cooperative",
        "description": "Scriviamo insieme un caso di studio per la biblioteca: cerco una o "
        "due persone che abbiano lavorato con cooperative sociali.",
        "location": "",
        "remote": True,
        "days": 21,
        "interested": [],
    },
]


def populate(users: dict, report) -> None:
    today = timezone.localdate()
    for spec in OPPORTUNITIES:
        community = Community.objects.filter(slug=spec["community"]).first()
        author = users.get(spec["author"])
        if community is None or author is None:
            continue
        if Opportunity.objects.filter(community=community, title=spec["title"]).exists():
            continue
        opportunity = actions.do_create_opportunity(
            author,
            community,
            kind=spec["kind"],
            title=spec["title"],
            description=spec["description"],
            location=spec["location"],
            remote=spec["remote"],
            expires_on=today + timedelta(days=spec["days"]),
        )
        report.add("opportunities")
        for handle, note in spec["interested"]:
            person = users.get(handle)
            if (
                person is not None
                and not Interest.objects.filter(opportunity=opportunity, user=person).exists()
            ):
                actions.do_express_interest(person, opportunity, note=note)
                report.add("opportunity interests")
