"""The demo directory: the five poles of the seeds, their partners, a small staff and two
group rooms (one open whenever the demo is loaded, the other tomorrow).

Loaded by `virtualcite demo` (idempotent: it updates what exists and creates what is missing),
so a newcomer can play every side of the desk on a fresh clone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from rooms.models import Room, RoomSchedule, RoomStep, ScheduleKind
from virtualcite.auth import DEMO_PASSWORD
from virtualcite.models import (
    CannedReply,
    InstitutionKind,
    OpeningHours,
    PartnerInstitution,
    Pole,
    Resource,
    ResourceKind,
    Role,
    StaffProfile,
)
from virtualcite.staffing.demo import load_rota_demo

MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class DemoPole:
    slug: str
    name: str
    name_en: str
    description: str
    description_en: str
    colour: str
    # Weekly windows (weekday, opens, closes). Most demo poles are open around the clock so a
    # newcomer can try the desk at any hour; "create" keeps real hours to show a closed pole.
    hours: tuple[tuple[int, time, time], ...]


ALL_DAY = tuple((day, MIDNIGHT, MIDNIGHT) for day in range(7))

DEMO_POLES = (
    DemoPole("find-a-job", "Trouver un emploi", "Find a job",
             "Chercher un emploi, préparer sa candidature, connaître ses droits.",
             "Look for work, prepare an application, know your rights.", "#1f5f8b", ALL_DAY),
    DemoPole("discover-jobs", "S'informer sur les métiers", "Learn about jobs",
             "Découvrir des métiers, leurs conditions d'exercice et leurs débouchés.",
             "Discover occupations, their working conditions and prospects.", "#7a4a9e", ALL_DAY),
    DemoPole("find-training", "Trouver une formation", "Find a training course",
             "Formation initiale ou continue, à distance ou en présentiel, et son financement.",
             "Initial or continuing training, remote or on site, and how to fund it.",
             "#1e7b34", ALL_DAY),
    DemoPole("change-career", "Changer sa vie professionnelle", "Change your working life",
             "Bilan de compétences, reconversion, validation des acquis de l'expérience.",
             "Skills review, career change, accreditation of prior experience.",
             "#b35c00", ALL_DAY),
    DemoPole("create-business", "Créer son activité", "Start your own business",
             "Créer ou reprendre une entreprise, devenir indépendant.",
             "Create or take over a business, become self-employed.", "#a12622",
             tuple((day, time(14, 0), time(18, 0)) for day in (1, 3))),
)

DEMO_INSTITUTIONS = (
    ("France Travail (ex-Pôle emploi)", "France Travail", InstitutionKind.EMPLOYMENT,
     "https://www.francetravail.fr/"),
    ("Agence nationale pour la formation professionnelle des adultes", "AFPA",
     InstitutionKind.TRAINING, "https://www.afpa.fr/"),
    ("Centre d'information et d'orientation", "CIO", InstitutionKind.GUIDANCE,
     "https://www.onisep.fr/"),
    ("Conservatoire national des arts et métiers", "CNAM", InstitutionKind.HIGHER_EDUCATION,
     "https://www.cnam.fr/"),
    ("Centre national d'enseignement à distance", "CNED", InstitutionKind.HIGHER_EDUCATION,
     "https://www.cned.fr/"),
    ("Centre interinstitutionnel de bilan de compétences", "CIBC", InstitutionKind.CAREER_REVIEW,
     ""),
    ("Boutique de gestion (BGE)", "BGE", InstitutionKind.BUSINESS_CREATION,
     "https://www.bge.asso.fr/"),
)


# (pole slug, title, kind, url, summary, review): public services a counsellor points to.
DEMO_RESOURCES = (
    ("find-a-job", "France Travail : offres d'emploi", ResourceKind.WEBSITE,
     "https://candidat.francetravail.fr/offres/emploi",
     "Le moteur de recherche des offres d'emploi publiées en France.",
     "Le point de départ : filtres par métier, lieu et contrat, alertes par courriel."),
    ("find-a-job", "Réussir son CV et sa lettre", ResourceKind.GUIDE, "",
     "Fiche pratique : structurer un CV, adapter sa lettre à l'offre.",
     "À lire avant un atelier CV ; courte et concrète."),
    ("discover-jobs", "ONISEP : fiches métiers", ResourceKind.WEBSITE,
     "https://www.onisep.fr/metiers",
     "Des centaines de fiches métiers : activités, formations, débouchés.",
     "Fiable et à jour, idéal pour une première exploration."),
    ("find-training", "Mon Compte Formation", ResourceKind.TOOL,
     "https://www.moncompteformation.gouv.fr/",
     "Consulter ses droits à la formation et trouver une formation éligible.",
     "Indispensable pour financer une formation quand on est salarié."),
    ("find-training", "Le Cnam : formations pour adultes", ResourceKind.SERVICE,
     "https://www.cnam.fr/", "Formations diplômantes du soir, à distance ou en alternance.",
     "Pour reprendre des études en travaillant."),
    ("change-career", "Le bilan de compétences", ResourceKind.GUIDE, "",
     "Ce qu'est un bilan, comment il se déroule, comment le financer.",
     "Répond aux questions les plus fréquentes avant de se lancer."),
    ("change-career", "France VAE", ResourceKind.WEBSITE, "https://vae.gouv.fr/",
     "Faire reconnaître son expérience par un diplôme (validation des acquis).",
     "Le portail officiel ; démarches pas à pas."),
    ("create-business", "Bpifrance Création", ResourceKind.WEBSITE,
     "https://bpifrance-creation.fr/",
     "Guides et outils pour créer ou reprendre une entreprise.",
     "Très complet ; commencer par les fiches « premiers pas »."),
)

# (pole slug, title, text): the answers a counsellor inserts and edits (canned replies).
GREETING = ("Bonjour", "Bonjour, je suis là pour vous aider. Quelle est votre question ?")
DEMO_CANNED_REPLIES = (
    ("find-a-job", *GREETING),
    ("find-a-job", "Vos droits", "Pour connaître vos droits, le plus simple est de créer votre "
     "espace sur francetravail.fr ; je peux vous indiquer les étapes."),
    ("discover-jobs", *GREETING),
    ("discover-jobs", "Fiches métiers", "Les fiches métiers de l'ONISEP décrivent les "
     "activités, les formations et les débouchés : voulez-vous que je vous en envoie une ?"),
    ("find-training", *GREETING),
    ("find-training", "Financement", "Une formation peut se financer avec votre compte "
     "personnel de formation : avez-vous déjà consulté vos droits ?"),
    ("change-career", *GREETING),
    ("create-business", *GREETING),
)


@dataclass(frozen=True)
class DemoStaff:
    username: str
    display_name: str
    role: str
    institution: str
    poles: tuple[str, ...]
    languages: str = "fr"


DEMO_STAFF = (
    DemoStaff("camille", "Camille", Role.COUNSELLOR, "France Travail",
              ("find-a-job", "discover-jobs"), "fr,en"),
    DemoStaff("karim", "Karim", Role.COUNSELLOR, "AFPA", ("find-training", "find-a-job")),
    DemoStaff("lea", "Léa", Role.COUNSELLOR, "CIO", ("discover-jobs", "find-training"), "fr,es"),
    DemoStaff("hugo", "Hugo", Role.COUNSELLOR, "CIBC", ("change-career", "find-training")),
    DemoStaff("sofia", "Sofia", Role.COUNSELLOR, "BGE", ("create-business", "change-career")),
    DemoStaff("nadia", "Nadia", Role.FACILITATOR, "CNAM", ("find-training", "change-career")),
    DemoStaff("marc", "Marc", Role.MANAGER, "CNED", ()),
)


@dataclass(frozen=True)
class DemoRoom:
    slug: str
    title: str
    pole: str
    description: str
    capacity: int
    resources: tuple[str, ...]  # titles of DEMO_RESOURCES of any pole
    steps: tuple[tuple[str, str], ...]  # (title, instructions)


DEMO_ROOMS = (
    DemoRoom("club-reconversion", "Club reconversion : construire son projet", "change-career",
             "Un club pour avancer à plusieurs sur un projet de reconversion : échanger, "
             "s'entraîner à présenter son projet, repartir avec une prochaine étape.", 12,
             ("Le bilan de compétences", "France VAE"),
             (("Se présenter", "Votre parcours en trois phrases, sans votre nom."),
              ("Ce que je sais faire", "Listez trois compétences que vous voulez garder."),
              ("Ma prochaine étape", "Une action concrète pour la semaine qui vient."))),
    # On the pole whose desk keeps real hours, so that a closed pole offers an upcoming room.
    DemoRoom("atelier-premiers-pas", "Atelier : les premiers pas de la création d'entreprise",
             "create-business",
             "Statuts, étapes, aides : un atelier pour y voir clair avant de se lancer. "
             "Venez avec votre idée, même vague.", 10,
             ("Bpifrance Création",),
             (("Mon idée en une phrase", "Ce que vous voulez vendre, et à qui."),
              ("Les étapes", "De l'idée à l'immatriculation : où en êtes-vous ?"),
              ("Les aides", "Repérez les deux aides qui vous concernent."))),
)
# The demo's facilitator (DEMO_STAFF) runs both rooms.
DEMO_FACILITATOR = "nadia"


@transaction.atomic
def load_demo() -> None:
    """Create or update the demo directory; running it twice changes nothing but the open
    room's session, set again around the time of loading."""
    for order, demo_pole in enumerate(DEMO_POLES):
        pole, _ = Pole.objects.update_or_create(
            slug=demo_pole.slug,
            defaults={
                "name": demo_pole.name, "name_en": demo_pole.name_en,
                "description": demo_pole.description, "description_en": demo_pole.description_en,
                "colour": demo_pole.colour, "order": order, "active": True,
            },
        )
        pole.opening_hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(pole=pole, weekday=day, opens=opens, closes=closes)
            for day, opens, closes in demo_pole.hours
        )
    for name, short_name, kind, website in DEMO_INSTITUTIONS:
        PartnerInstitution.objects.update_or_create(
            short_name=short_name, defaults={"name": name, "kind": kind, "website": website}
        )
    for member in DEMO_STAFF:
        _load_staff_member(member)
    for slug, title, resource_kind, url, summary, review in DEMO_RESOURCES:
        Resource.objects.update_or_create(
            pole=Pole.objects.get(slug=slug), title=title,
            defaults={"kind": resource_kind, "url": url, "summary": summary, "review": review},
        )
    for order, (slug, title, text) in enumerate(DEMO_CANNED_REPLIES):
        CannedReply.objects.update_or_create(
            pole=Pole.objects.get(slug=slug), title=title,
            defaults={"text": text, "order": order, "active": True},
        )
    now = timezone.localtime()
    open_now, tomorrow = DEMO_ROOMS
    _load_room(open_now, [RoomSchedule(kind=ScheduleKind.ONE_OFF, date=day, opens_at=opens,
                                       closes_at=closes) for day, opens, closes in _around(now)])
    # Weekly on tomorrow's weekday, so that it is never running when the demo is loaded.
    _load_room(tomorrow, [RoomSchedule(kind=ScheduleKind.WEEKLY,
                                       weekday=(now + timedelta(days=1)).weekday(),
                                       opens_at=time(14, 0), closes_at=time(16, 0))])
    load_rota_demo(today=now.date())


def _load_staff_member(member: DemoStaff) -> None:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=member.username, defaults={"first_name": member.display_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
    # Managers use the admin for poles, partners and staff (the brief); others do not.
    user.is_staff = member.role == Role.MANAGER
    user.save()
    user.groups.set([Group.objects.get(name=member.role)])
    profile, _ = StaffProfile.objects.update_or_create(
        user=user,
        defaults={
            "display_name": member.display_name,
            "institution": PartnerInstitution.objects.get(short_name=member.institution),
            "languages": member.languages,
            "is_demo": True,
        },
    )
    profile.poles.set(Pole.objects.filter(slug__in=member.poles))


def _around(now: datetime) -> list[tuple[date, time, time]]:
    """One-off sessions from about an hour before ``now`` to three hours after, on quarter
    hours, cut at each local midnight (a one-off session holds within its day)."""
    start = now - timedelta(hours=1)
    start = start.replace(minute=start.minute // 15 * 15, second=0, microsecond=0)
    end = now + timedelta(hours=3)
    end = end.replace(minute=end.minute // 15 * 15, second=0, microsecond=0) + timedelta(
        minutes=15)
    pieces = []
    while start < end:
        midnight = datetime.combine(start.date() + timedelta(days=1), MIDNIGHT,
                                    tzinfo=start.tzinfo)
        piece_end = min(end, midnight)
        pieces.append((start.date(), start.time(),
                       MIDNIGHT if piece_end == midnight else piece_end.time()))
        start = piece_end
    return pieces


def _load_room(demo: DemoRoom, schedules: list[RoomSchedule]) -> None:
    """Create or update a demo room; its steps and schedule are replaced by ``schedules``."""
    room, _ = Room.objects.update_or_create(slug=demo.slug, defaults={
        "title": demo.title, "pole": Pole.objects.get(slug=demo.pole),
        "description": demo.description, "language": "fr", "capacity": demo.capacity,
        "active": True,
    })
    room.facilitators.set(StaffProfile.objects.filter(user__username=DEMO_FACILITATOR))
    room.resources.set(Resource.objects.filter(title__in=demo.resources))
    room.steps.all().delete()
    RoomStep.objects.bulk_create(
        RoomStep(room=room, order=order, title=title, instructions=instructions)
        for order, (title, instructions) in enumerate(demo.steps, start=1))
    room.schedules.all().delete()
    for schedule in schedules:
        schedule.room = room
    RoomSchedule.objects.bulk_create(schedules)
