"""The demo: three communities, a secret one and about thirty people, loaded idempotently.

Every row is keyed on an e-mail address or a slug and created only when missing, so a
second run changes nothing (and never overwrites what someone edited in the demo).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module

from allauth.account.models import EmailAddress
from django.apps import apps as django_apps
from django.db import transaction
from django.utils import timezone

from koinon.accounts.models import Profile, ProfileSkill, Skill, User
from koinon.communities.actions import do_create_community, do_create_group
from koinon.communities.models import (
    Community,
    Group,
    GroupMembership,
    GroupRole,
    Invitation,
    JoinRequest,
    Membership,
    RequestStatus,
    Role,
)
from koinon.core.activity import log_activity
from koinon.lib.markdown import render_markdown

PASSWORD = "koinon-demo-2026"  # noqa: S105 -- the published demo password
DOMAIN = "koinon.example"
ADMIN_EMAIL = f"admin@{DOMAIN}"


@dataclass
class Person:
    handle: str  # the e-mail's local part
    name: str
    headline: str
    organisation: str
    sector: str
    city: str
    country: str
    expertise: list[str]
    skills: dict[str, int]
    bio: str
    language: str = "it"
    languages: list[str] = field(default_factory=lambda: ["it", "en"])
    time_zone: str = "Europe/Rome"
    visibility: str = "communities"
    open_to: tuple[str, ...] = ()  # mentoring, mentored, collaboration, jobs

    @property
    def email(self) -> str:
        return f"{self.handle}@{DOMAIN}"


def _it(handle, name, headline, organisation, sector, city, expertise, skills, bio, **kw):
    return Person(
        handle, name, headline, organisation, sector, city, "IT", expertise, skills, bio, **kw
    )


def _en(handle, name, headline, organisation, sector, city, country, expertise, skills, bio, **kw):
    kw.setdefault("language", "en")
    kw.setdefault("languages", ["en"])
    kw.setdefault("time_zone", "Europe/London")
    return Person(
        handle, name, headline, organisation, sector, city, country, expertise, skills, bio, **kw
    )


PEOPLE = [
    # --- Marketing consultants -------------------------------------------------------
    _it(
        "giulia.rossi",
        "Giulia Rossi",
        "Consulente di marketing digitale per PMI",
        "Rossi & Partner",
        "Marketing",
        "Milano",
        ["Marketing digitale", "Strategia di marca"],
        {"SEO": 5, "Google Analytics": 4, "Copywriting": 4, "Facilitazione": 3},
        "Aiuto le piccole imprese lombarde a farsi trovare online. "
        "Presidente dell'associazione dal 2023.",
        visibility="everyone",
        open_to=("mentoring", "collaboration"),
    ),
    _it(
        "francesca.galli",
        "Francesca Galli",
        "Brand strategist, ex agenzia",
        "Studio Galli",
        "Marketing",
        "Torino",
        ["Strategia di marca", "Posizionamento"],
        {"Brand strategy": 5, "Ricerca di mercato": 4, "Public speaking": 3},
        "Quindici anni in agenzia, ora libera professionista. Mi occupo di posizionamento "
        "e di **identità di marca** per aziende manifatturiere.",
        open_to=("mentoring",),
    ),
    _it(
        "alessandro.romano",
        "Alessandro Romano",
        "Performance marketing e campagne a pagamento",
        "Romano Digital",
        "Marketing",
        "Roma",
        ["Pubblicità online", "Analisi delle campagne"],
        {"Google Ads": 5, "Meta Ads": 4, "Google Analytics": 4, "Excel": 3},
        "Gestisco budget pubblicitari per e-commerce. Mi piace spiegare i numeri a chi non li ama.",
        open_to=("mentoring", "jobs"),
    ),
    _it(
        "chiara.moretti",
        "Chiara Moretti",
        "Social media manager",
        "Freelance",
        "Marketing",
        "Bologna",
        ["Social media", "Contenuti"],
        {"Copywriting": 4, "Social media": 5, "Fotografia": 3},
        "Racconto aziende del food e del turismo sui social.",
        open_to=("being_mentored", "collaboration"),
    ),
    _it(
        "davide.ricci",
        "Davide Ricci",
        "Consulente di marketing B2B",
        "Ricci Consulting",
        "Marketing",
        "Padova",
        ["Marketing B2B", "Lead generation"],
        {"CRM": 4, "Email marketing": 4, "LinkedIn": 3},
        "Lavoro con aziende industriali del Nord-Est su CRM e generazione di contatti.",
    ),
    _it(
        "elena.marino",
        "Elena Marino",
        "Marketing per il terzo settore",
        "Fondazione Sud Insieme",
        "Non profit",
        "Napoli",
        ["Raccolta fondi", "Comunicazione sociale"],
        {"Fundraising": 4, "Copywriting": 3, "Email marketing": 3},
        "Mi occupo di raccolta fondi e comunicazione per enti non profit.",
        visibility="everyone",
        open_to=("collaboration",),
    ),
    _it(
        "luca.ferrari",
        "Luca Ferrari",
        "Marketing analyst, curioso di dati e di progetti",
        "Ferrari Analytics",
        "Consulenza",
        "Verona",
        ["Analisi dei dati", "Marketing", "Gestione progetti"],
        {"SQL": 3, "Python": 2, "Google Analytics": 4, "Scrum": 2},
        "Sto passando dal marketing all'analisi dei dati: frequento il programma "
        "di data analysis e la comunità dei project manager.",
        open_to=("being_mentored", "collaboration", "jobs"),
    ),
    _it(
        "valentina.costa",
        "Valentina Costa",
        "Content strategist",
        "Costa Contenuti",
        "Editoria",
        "Firenze",
        ["Content marketing", "Editoria digitale"],
        {"Copywriting": 5, "SEO": 3, "Editing": 4},
        "Scrivo e faccio scrivere: guide, newsletter, siti.",
        visibility="me",
    ),
    _it(
        "paolo.greco",
        "Paolo Greco",
        "Trade marketing per la grande distribuzione",
        "Greco & Co.",
        "Commercio",
        "Bari",
        ["Trade marketing", "Retail"],
        {"Negoziazione": 4, "Excel": 4, "Ricerca di mercato": 3},
        "Vent'anni di grande distribuzione, ora consulente indipendente.",
        open_to=("mentoring",),
    ),
    _it(
        "tommaso.gallo",
        "Tommaso Gallo",
        "Junior marketing specialist",
        "Gallo Vini",
        "Agroalimentare",
        "Asti",
        ["Marketing del vino"],
        {"Social media": 3, "Copywriting": 2},
        "Mi occupo del marketing dell'azienda vinicola di famiglia e vorrei imparare dai colleghi.",
        open_to=("being_mentored",),
    ),
    _en(
        "claire.bennett",
        "Claire Bennett",
        "International marketing consultant",
        "Bennett Consulting",
        "Marketing",
        "Milan",
        "IT",
        ["International marketing", "Market entry"],
        {"Market research": 4, "Brand strategy": 3, "Public speaking": 4},
        "British, based in Milan for ten years: I help Italian companies sell abroad.",
        languages=["en", "it"],
        time_zone="Europe/Rome",
        visibility="everyone",
        open_to=("collaboration",),
    ),
    # --- Data-analysis programme -------------------------------------------------------
    _it(
        "marco.bianchi",
        "Marco Bianchi",
        "Facilitatore del programma di data analysis",
        "Banca Adriatica",
        "Finanza",
        "Ancona",
        ["Analisi dei dati", "Formazione aziendale"],
        {"SQL": 5, "Python": 4, "Power BI": 4, "Facilitazione": 5},
        "Guido il programma interno di analisi dei dati: otto settimane, una coorte "
        "alla volta, molto esercizio pratico.",
        visibility="everyone",
        open_to=("mentoring",),
    ),
    _en(
        "emma.walsh",
        "Emma Walsh",
        "Learning and development lead",
        "Banca Adriatica",
        "Finance",
        "Dublin",
        "IE",
        ["Corporate learning", "Instructional design"],
        {"Facilitation": 5, "Instructional design": 4, "Power BI": 2},
        "I design the programme's curriculum and keep the cohort on track.",
        time_zone="Europe/Dublin",
        open_to=("mentoring", "collaboration"),
    ),
    _en(
        "james.carter",
        "James Carter",
        "Senior data analyst",
        "Banca Adriatica",
        "Finance",
        "London",
        "GB",
        ["Data analysis", "Data visualisation"],
        {"SQL": 5, "Python": 5, "Statistics": 4, "Tableau": 4},
        "Mentor in the programme. Ask me about window functions and honest charts.",
        open_to=("mentoring",),
    ),
    _en(
        "priya.nair",
        "Priya Nair",
        "Risk analyst",
        "Banca Adriatica",
        "Finance",
        "London",
        "GB",
        ["Credit risk"],
        {"Excel": 5, "SQL": 2, "Statistics": 3},
        "Learning SQL and Python to automate my monthly risk reports.",
        open_to=("being_mentored",),
    ),
    _en(
        "oliver.hughes",
        "Oliver Hughes",
        "Operations analyst",
        "Banca Adriatica",
        "Finance",
        "Manchester",
        "GB",
        ["Operations"],
        {"Excel": 4, "Power BI": 2, "SQL": 1},
        "Operations person in the spring cohort.",
        visibility="me",
        open_to=("being_mentored",),
    ),
    _it(
        "federica.lombardi",
        "Federica Lombardi",
        "Controller di gestione",
        "Banca Adriatica",
        "Finanza",
        "Pescara",
        ["Controllo di gestione", "Reportistica"],
        {"Excel": 5, "Power BI": 3, "SQL": 2},
        "Faccio parte della coorte di primavera: voglio smettere di copiare e incollare tabelle.",
        open_to=("being_mentored",),
    ),
    _it(
        "matteo.esposito",
        "Matteo Esposito",
        "Analista del credito",
        "Banca Adriatica",
        "Finanza",
        "Napoli",
        ["Credito", "Analisi dei dati"],
        {"SQL": 2, "Python": 1, "Statistica": 3},
        "In coorte per imparare Python. Appassionato di statistica bayesiana (da dilettante).",
        open_to=("being_mentored", "collaboration"),
    ),
    _en(
        "sophie.turner",
        "Sophie Turner",
        "Data scientist",
        "Banca Adriatica",
        "Finance",
        "Edinburgh",
        "GB",
        ["Machine learning", "Data analysis"],
        {"Python": 5, "Statistics": 5, "SQL": 4},
        "Mentor for the cohort's final projects.",
        languages=["en", "it"],
        visibility="everyone",
        open_to=("mentoring", "jobs"),
    ),
    _it(
        "giorgio.fontana",
        "Giorgio Fontana",
        "Responsabile dati di filiale",
        "Banca Adriatica",
        "Finanza",
        "Rimini",
        ["Reportistica"],
        {"Excel": 4, "Power BI": 3},
        "Ex partecipante, ora do una mano ai nuovi.",
    ),
    # --- Project managers ---------------------------------------------------------------
    _it(
        "andrea.colombo",
        "Andrea Colombo",
        "PMP, project manager nell'edilizia",
        "Colombo Costruzioni",
        "Edilizia",
        "Bergamo",
        ["Gestione progetti", "Gestione del rischio"],
        {"Pianificazione": 5, "Gestione del rischio": 5, "MS Project": 4},
        "Ho fondato la comunità per scambiarci ciò che funziona davvero nei cantieri "
        "e negli uffici.",
        visibility="everyone",
        open_to=("mentoring",),
    ),
    _it(
        "sara.conti",
        "Sara Conti",
        "Agile coach e project manager IT",
        "Conti Agile",
        "Informatica",
        "Milano",
        ["Metodi agili", "Gestione progetti", "Facilitazione"],
        {"Scrum": 5, "Kanban": 4, "Facilitazione": 5, "Jira": 4},
        "Modero la comunità e coordino il gruppo di lavoro sui metodi ibridi. "
        "Credo nelle retrospettive fatte bene.",
        visibility="everyone",
        open_to=("mentoring", "collaboration"),
    ),
    _it(
        "roberto.barbieri",
        "Roberto Barbieri",
        "Program manager nel settore pubblico",
        "Regione Emilia-Romagna",
        "Pubblica amministrazione",
        "Bologna",
        ["Gestione di programmi", "Appalti pubblici"],
        {"Pianificazione": 4, "Gestione del rischio": 4, "PRINCE2": 5},
        "Trent'anni di progetti pubblici. Mentore per chi inizia.",
        open_to=("mentoring",),
    ),
    _it(
        "silvia.rinaldi",
        "Silvia Rinaldi",
        "Project manager nel farmaceutico",
        "Farmaceutica Rinaldi",
        "Farmaceutico",
        "Parma",
        ["Progetti regolatori"],
        {"Pianificazione": 4, "MS Project": 3, "Negoziazione": 3},
        "Gestisco progetti di convalida e mi interessano i modelli ibridi.",
        open_to=("collaboration",),
    ),
    _it(
        "martina.caruso",
        "Martina Caruso",
        "Junior project manager",
        "Software Sud",
        "Informatica",
        "Catania",
        ["Gestione progetti"],
        {"Jira": 3, "Scrum": 2},
        "Al primo anno da PM: faccio molte domande.",
        open_to=("being_mentored", "jobs"),
    ),
    _it(
        "stefano.mancini",
        "Stefano Mancini",
        "PMO in una multiutility",
        "Acque Centro Italia",
        "Servizi pubblici",
        "Perugia",
        ["PMO", "Portafoglio progetti"],
        {"Power BI": 3, "Pianificazione": 4, "Excel": 4},
        "Costruisco cruscotti di portafoglio che qualcuno legge davvero.",
    ),
    _it(
        "anna.deluca",
        "Anna De Luca",
        "Project manager eventi",
        "Eventi De Luca",
        "Eventi",
        "Roma",
        ["Organizzazione di eventi"],
        {"Negoziazione": 4, "Pianificazione": 3, "Public speaking": 4},
        "Organizzo congressi medici: scadenze fisse, imprevisti continui.",
        visibility="me",
    ),
    _en(
        "daniel.murphy",
        "Daniel Murphy",
        "Technical project manager",
        "Murphy Engineering",
        "Engineering",
        "Cork",
        "IE",
        ["Engineering projects", "Agile"],
        {"Scrum": 4, "Jira": 4, "Risk management": 3},
        "Irish engineer working with Italian partners; practising my Italian here.",
        languages=["en", "it"],
        time_zone="Europe/Dublin",
        open_to=("collaboration",),
    ),
    _it(
        "laura.villa",
        "Laura Villa",
        "Project manager nel design",
        "Villa Design Studio",
        "Design",
        "Como",
        ["Progetti di design"],
        {"Pianificazione": 3, "Facilitazione": 3},
        "Porto il project management negli studi di design.",
        open_to=("collaboration", "being_mentored"),
    ),
    _it(
        "giovanni.santoro",
        "Giovanni Santoro",
        "Responsabile di commessa",
        "Santoro Impianti",
        "Edilizia",
        "Lecce",
        ["Gestione commesse"],
        {"MS Project": 3, "Gestione del rischio": 3},
        "Commesse di impiantistica nel Salento.",
    ),
]

MARKETING_CODE = """\
1. Rispettiamo la riservatezza dei clienti: niente nomi né dati nelle discussioni.
2. Citiamo le fonti e il lavoro dei colleghi.
3. Critichiamo le idee, non le persone.
"""

COMMUNITIES = [
    {
        "slug": "consulenti-marketing",
        "owner": "giulia.rossi",
        "fields": {
            "name": "Associazione Consulenti Marketing",
            "kind": "professional",
            "formality": "formal",
            "domain": "Consulenza di marketing per piccole e medie imprese",
            "purpose": "Riunire i consulenti di marketing indipendenti per scambiarsi "
            "metodi, casi e opportunità, e tenere alto il livello della professione.",
            "values": "Trasparenza con i clienti, aggiornamento continuo, collaborazione "
            "tra colleghi.",
            "goals": "Un codice deontologico condiviso; un incontro formativo al mese; "
            "una raccolta di casi di studio.",
            "code_of_conduct": MARKETING_CODE,
            "languages": ["it"],
            "cadence": "monthly",
            "visibility": "public",
            "join_policy": "request",
        },
        "members": {
            "francesca.galli": Role.MODERATOR,
            "alessandro.romano": Role.MENTOR,
            "paolo.greco": Role.MENTOR,
            "chiara.moretti": Role.MEMBER,
            "davide.ricci": Role.MEMBER,
            "elena.marino": Role.MEMBER,
            "luca.ferrari": Role.MEMBER,
            "valentina.costa": Role.MEMBER,
            "claire.bennett": Role.MEMBER,
        },
        "groups": [
            {
                "slug": "casi-di-studio",
                "name": "Casi di studio",
                "kind": "working",
                "leader": "francesca.galli",
                "is_open": True,
                "description": "Raccogliamo e discutiamo casi reali (anonimizzati).",
                "members": ["chiara.moretti", "elena.marino", "luca.ferrari"],
            },
        ],
    },
    {
        "slug": "data-analysis-programme",
        "owner": "marco.bianchi",
        "fields": {
            "name": "Data Analysis Programme",
            "kind": "learning",
            "formality": "formal",
            "domain": "Data analysis with SQL, Python and Power BI",
            "purpose": "Banca Adriatica's eight-week programme that turns analysts who "
            "live in spreadsheets into confident data analysts. / Il programma di otto "
            "settimane di Banca Adriatica per passare dai fogli di calcolo all'analisi dei dati.",
            "values": "Learning by doing, asking early, sharing mistakes.",
            "goals": "Every participant ships one real analysis for their own team.",
            "languages": ["en", "it"],
            "cadence": "weekly",
            "visibility": "private",
            "join_policy": "invitation",
        },
        "members": {
            "emma.walsh": Role.MODERATOR,
            "james.carter": Role.MENTOR,
            "sophie.turner": Role.MENTOR,
            "priya.nair": Role.MEMBER,
            "oliver.hughes": Role.MEMBER,
            "federica.lombardi": Role.MEMBER,
            "matteo.esposito": Role.MEMBER,
            "luca.ferrari": Role.MEMBER,
            "giorgio.fontana": Role.MEMBER,
        },
        "groups": [
            {
                "slug": "coorte-primavera-2026",
                "name": "Spring 2026 cohort / Coorte primavera 2026",
                "kind": "cohort",
                "leader": "marco.bianchi",
                "is_open": False,
                "description": "The participants of the spring 2026 edition.",
                "members": [
                    "priya.nair",
                    "oliver.hughes",
                    "federica.lombardi",
                    "matteo.esposito",
                    "luca.ferrari",
                ],
            },
            {
                "slug": "sql-study-group",
                "name": "SQL study group",
                "kind": "study",
                "leader": "james.carter",
                "is_open": True,
                "description": "Weekly exercises on joins, window functions and query plans.",
                "members": ["priya.nair", "matteo.esposito", "giorgio.fontana"],
            },
        ],
        "invitation": "beatrice.marchetti@koinon.example",
    },
    {
        "slug": "project-manager",
        "owner": "andrea.colombo",
        "fields": {
            "name": "Comunità di pratica dei project manager",
            "kind": "practice",
            "formality": "informal",
            "domain": "Gestione dei progetti",
            "purpose": "Un posto dove i project manager si fanno domande senza timore, "
            "raccontano gli errori e mettono per iscritto le pratiche che funzionano.",
            "values": "Franchezza, curiosità, nessun giudizio su chi chiede.",
            "goals": "Una raccolta di modelli e liste di controllo; una retrospettiva "
            "pubblica ogni trimestre.",
            "languages": ["it"],
            "cadence": "biweekly",
            "visibility": "public",
            "join_policy": "open",
            "allow_anonymous": True,
        },
        "members": {
            "sara.conti": Role.MODERATOR,
            "roberto.barbieri": Role.MENTOR,
            "luca.ferrari": Role.MEMBER,
            "silvia.rinaldi": Role.MEMBER,
            "martina.caruso": Role.MEMBER,
            "stefano.mancini": Role.MEMBER,
            "anna.deluca": Role.MEMBER,
            "daniel.murphy": Role.MEMBER,
            "laura.villa": Role.MEMBER,
            "giovanni.santoro": Role.MEMBER,
        },
        "groups": [
            {
                "slug": "metodi-ibridi",
                "name": "Metodi ibridi",
                "kind": "working",
                "leader": "sara.conti",
                "is_open": True,
                "description": "Come combinare pianificazione classica e metodi agili.",
                "members": ["silvia.rinaldi", "daniel.murphy", "luca.ferrari"],
            },
            {
                "slug": "kit-di-avvio",
                "name": "Kit di avvio progetto",
                "kind": "project",
                "leader": "roberto.barbieri",
                "is_open": False,
                "description": "Scriviamo insieme un kit di avvio: carta di progetto, "
                "registro dei rischi, piano di comunicazione.",
                "members": ["stefano.mancini", "martina.caruso"],
            },
        ],
    },
    {
        "slug": "consiglio-direttivo-acm",
        "owner": "giulia.rossi",
        "fields": {
            "name": "Consiglio direttivo ACM",
            "kind": "professional",
            "formality": "formal",
            "domain": "Governo dell'Associazione Consulenti Marketing",
            "purpose": "Il consiglio direttivo prepara le decisioni dell'associazione.",
            "languages": ["it"],
            "cadence": "monthly",
            "visibility": "secret",
            "join_policy": "invitation",
        },
        "members": {
            "francesca.galli": Role.MODERATOR,
            "alessandro.romano": Role.MEMBER,
        },
        "groups": [],
    },
]

# Someone waiting for the marketing association's moderators.
JOIN_REQUEST = (
    "consulenti-marketing",
    "tommaso.gallo",
    "Buongiorno, lavoro nel marketing di un'azienda vinicola e vorrei imparare dai colleghi.",
)

OPEN_TO_FIELDS = {
    "mentoring": "open_to_mentoring",
    "being_mentored": "open_to_being_mentored",
    "collaboration": "open_to_collaboration",
    "jobs": "open_to_jobs",
}


@dataclass
class Report:
    created: dict = field(default_factory=dict)

    def add(self, what: str, n: int = 1):
        self.created[what] = self.created.get(what, 0) + n

    def __str__(self):
        if not self.created:
            return "The demo is already loaded; nothing changed."
        parts = ", ".join(f"{n} {what}" for what, n in self.created.items())
        return f"Demo loaded: {parts}. Password for every account: {PASSWORD}"


def _verified_email(user):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _skill(name: str) -> Skill:
    skill = Skill.objects.filter(name__iexact=name).first()
    return skill or Skill.objects.create(name=name)


def _person(person: Person, report: Report) -> User:
    user = User.objects.filter(email__iexact=person.email).first()
    if user is not None:
        _verified_email(user)
        return user
    user = User.objects.create_user(person.email, PASSWORD, language=person.language)
    profile, _created = Profile.objects.get_or_create(user=user)
    profile.display_name = person.name
    profile.headline = person.headline
    profile.bio = person.bio
    profile.bio_html = render_markdown(person.bio)
    profile.organisation = person.organisation
    profile.sector = person.sector
    profile.expertise_areas = person.expertise
    profile.languages = person.languages
    profile.time_zone = person.time_zone
    profile.city = person.city
    profile.country = person.country
    profile.visibility = person.visibility
    for flag in person.open_to:
        setattr(profile, OPEN_TO_FIELDS[flag], True)
    profile.save()
    for name, level in person.skills.items():
        ProfileSkill.objects.get_or_create(user=user, skill=_skill(name), defaults={"level": level})
    _verified_email(user)
    report.add("people")
    return user


def _admin(report: Report) -> User:
    user = User.objects.filter(email__iexact=ADMIN_EMAIL).first()
    if user is None:
        user = User.objects.create_superuser(ADMIN_EMAIL, PASSWORD, language="it")
        Profile.objects.filter(user=user).update(display_name="Operatore Koinon", visibility="me")
        report.add("operator")
    _verified_email(user)
    return user


def _community(spec: dict, users: dict, report: Report) -> Community:
    community = Community.objects.filter(slug=spec["slug"]).first()
    if community is None:
        community = do_create_community(users[spec["owner"]], slug=spec["slug"], **spec["fields"])
        report.add("communities")
    now = timezone.now()
    for days, (handle, role) in enumerate(spec["members"].items(), start=1):
        membership, created = Membership.objects.get_or_create(
            community=community,
            user=users[handle],
            defaults={
                "role": role,
                "joined_at": now - timedelta(days=7 * days),
                "code_of_conduct_accepted_at": now - timedelta(days=7 * days),
            },
        )
        if created:
            log_activity(users[handle], "community.joined", community=community, target=membership)
            report.add("memberships")
    for group_spec in spec["groups"]:
        _group(community, group_spec, users, report)
    if spec.get("invitation"):
        email = spec["invitation"]
        pending = Invitation.objects.filter(
            community=community, email=email, accepted_at=None, revoked_at=None
        )
        if not pending.exists():
            invitation = Invitation.objects.create(
                community=community, email=email, invited_by=users[spec["owner"]]
            )
            log_activity(
                users[spec["owner"]],
                "community.invited",
                community=community,
                target=invitation,
                role=invitation.role,
            )
            report.add("invitations")
    return community


def _group(community, spec: dict, users: dict, report: Report):
    group = Group.objects.filter(community=community, slug=spec["slug"]).first()
    if group is None:
        group = do_create_group(
            users[spec["leader"]],
            community,
            name=spec["name"],
            slug=spec["slug"],
            kind=spec["kind"],
            description=spec["description"],
            is_open=spec["is_open"],
        )
        report.add("groups")
    for handle in spec["members"]:
        _gm, created = GroupMembership.objects.get_or_create(
            group=group, user=users[handle], defaults={"role": GroupRole.MEMBER}
        )
        if created:
            report.add("group memberships")


def _join_request(users: dict, report: Report):
    slug, handle, message = JOIN_REQUEST
    community = Community.objects.get(slug=slug)
    user = users[handle]
    if Membership.objects.filter(community=community, user=user).exists():
        return
    if JoinRequest.objects.filter(community=community, user=user).exists():
        return
    join_request = JoinRequest.objects.create(
        community=community, user=user, message=message, status=RequestStatus.PENDING
    )
    log_activity(user, "community.join_requested", community=community, target=join_request)
    report.add("join requests")


@transaction.atomic
def load_demo() -> Report:
    report = Report()
    _admin(report)
    users = {person.handle: _person(person, report) for person in PEOPLE}
    for spec in COMMUNITIES:
        _community(spec, users, report)
    _join_request(users, report)
    _apps_demo(users, report)
    return report


def _apps_demo(users: dict, report: Report) -> None:
    """Each app may add its own demo content in `koinon/<app>/demo.py`.

    `populate(users, report)` gets the demo people by handle (e.g. "giulia") and must be
    idempotent like the rest: create only what is missing.
    """
    for config in django_apps.get_app_configs():
        if not config.name.startswith("koinon.") or config.name == "koinon.core":
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        module.populate(users, report)
