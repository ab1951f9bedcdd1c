"""OParl 1.1: which objects are public, and how each is rendered.

Rules (OParl as real consumers read it): every id is the URL the object is served at (scheme and
host of the request); agenda items are embedded in their meeting, consultations in their paper,
memberships in their person; every reference points to an object that answers 200; non-public
objects never appear (not even as a reference).
"""

import functools
from collections import defaultdict

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.translation import get_language

from gremium.models import (
    AgendaItem,
    Committee,
    Consultation,
    File,
    Location,
    Meeting,
    Membership,
    Paper,
    Person,
)

OPARL = "https://schema.oparl.org/1.1/"
BODY_ID = 1
BODY = {
    "name": "Landeshauptstadt Erfurt",
    "shortName": "Erfurt",
    "website": "https://www.erfurt.de/",
    "ags": "16051000",
    "rgs": "160510000000",
    "classification": "Kreisfreie Stadt",
    "contactName": "Geschäftsstelle Sozialraumplanung, Amt für Soziales",
}
LICENSE = "https://www.govdata.de/dl-de/by-2-0"


# --- visibility ------------------------------------------------------------------------------


def public_committees():
    return Committee.objects.filter(is_public=True)


def public_meetings():
    return Meeting.objects.public()


def public_agenda_items():
    return AgendaItem.objects.filter(public=True, meeting__in=public_meetings())


def _hidden_agenda_item():
    """A consultation that places the paper on an agenda item the public must not see."""
    return Consultation.objects.filter(paper=OuterRef("pk"), agenda_item__isnull=False).filter(
        Q(agenda_item__public=False)
        | Q(agenda_item__meeting__committee__is_public=False)
        | Q(agenda_item__meeting__state=Meeting.State.DRAFT)
    )


def public_papers():
    """Public papers of public (or no) committees that sit on no hidden agenda item."""
    return (
        Paper.objects.filter(public=True)
        .filter(Q(committee__isnull=True) | Q(committee__is_public=True))
        .filter(~Exists(_hidden_agenda_item()))
    )


def _visible_consultations():
    """Consultations that are public themselves and point only at public things (the paper is
    checked by the caller: prefetching for visible papers need not check it again)."""
    return (
        Consultation.objects.filter(public=True)
        .filter(Q(meeting__isnull=True) | Q(meeting__in=public_meetings()))
        .filter(Q(agenda_item__isnull=True) | Q(agenda_item__in=public_agenda_items()))
        .filter(Q(committee__isnull=True) | Q(committee__is_public=True))
    )


def public_consultations():
    return _visible_consultations().filter(paper__in=public_papers())


def public_files():
    return File.objects.filter(
        Q(paper__in=public_papers()) | Q(agenda_item__in=public_agenda_items())
    )


def public_memberships():
    return Membership.objects.filter(committee__is_public=True)


def public_persons():
    return Person.objects.filter(Exists(public_memberships().filter(person=OuterRef("pk"))))


def public_locations():
    return Location.objects.filter(Exists(public_meetings().filter(location=OuterRef("pk"))))


# --- rendering -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _labels(choices, language: str) -> dict:
    return {value: str(label) for value, label in choices.choices}


def _display(choices, value) -> str:
    """The label of a choice, like get_FOO_display() but one dict lookup per object (the
    latter builds a dict of the choices and translates per call: a sixth of a paper page)."""
    return _labels(choices, get_language()).get(value, value)


class Renderer:
    """Render objects for one request: absolute URLs with the request's scheme and host."""

    def __init__(self, request):
        self.request = request
        self.base = request.build_absolute_uri("/").rstrip("/")
        # Object URLs are "<root><kind>/<pk>/" (urls.py); build them without reverse() per
        # reference, which was a quarter of a paper page's time.
        self.root = self.base + reverse("oparl:system")

    def url(self, name: str, **kwargs) -> str:
        return self.base + reverse(f"oparl:{name}", kwargs=kwargs or None)

    # references
    def body_url(self) -> str:
        return f"{self.root}body/{BODY_ID}/"

    def ref(self, kind: str, pk: int) -> str:
        return f"{self.root}{kind}/{pk}/"

    @staticmethod
    def _dt(value):
        return value.isoformat() if value else None

    @staticmethod
    def _clean(data: dict) -> dict:
        return {k: v for k, v in data.items() if v not in (None, "", [])}

    # objects
    def system(self) -> dict:
        return self._clean(
            {
                "id": self.url("system"),
                "type": OPARL + "System",
                "oparlVersion": OPARL,
                "body": self.url("body_list"),
                "name": "Integrierte Sozialraumplanung Erfurt",
                "contactEmail": "sozialraumplanung@erfurt.de",
                "contactName": BODY["contactName"],
                "website": self.base + "/",
                "license": LICENSE,
            }
        )

    def body(self) -> dict:
        body_url = self.body_url()
        return self._clean(
            {
                "id": body_url,
                "type": OPARL + "Body",
                "system": self.url("system"),
                **BODY,
                "license": LICENSE,
                "organization": self.url("body_organization", pk=BODY_ID),
                "person": self.url("body_person", pk=BODY_ID),
                "meeting": self.url("body_meeting", pk=BODY_ID),
                "paper": self.url("body_paper", pk=BODY_ID),
                "agendaItem": self.url("body_agendaitem", pk=BODY_ID),
                "consultation": self.url("body_consultation", pk=BODY_ID),
                "file": self.url("body_file", pk=BODY_ID),
                "locationList": self.url("body_location", pk=BODY_ID),
                "membership": self.url("body_membership", pk=BODY_ID),
            }
        ) | {"legislativeTerm": []}

    def organization(self, committee: Committee) -> dict:
        kind = {
            Committee.Kind.ACCOMPANYING: "Gremium",
            Committee.Kind.WORKING_GROUP: "Arbeitsgruppe",
            Committee.Kind.COUNCIL: "Ausschuss",
        }.get(committee.kind, "Gremium")
        return self._clean(
            {
                "id": self.ref("organization", committee.pk),
                "type": OPARL + "Organization",
                "body": self.body_url(),
                "name": committee.name,
                "shortName": committee.short_name,
                "organizationType": kind,
                "classification": _display(Committee.Kind, committee.kind),
                "startDate": committee.founded_on.isoformat() if committee.founded_on else None,
                "membership": [self.ref("membership", m.pk) for m in committee.memberships.all()],
                "meeting": self.url("organization_meeting", pk=committee.pk),
            }
        )

    def membership(self, membership: Membership) -> dict:
        return self._clean(
            {
                "id": self.ref("membership", membership.pk),
                "type": OPARL + "Membership",
                "person": self.ref("person", membership.person_id),
                "organization": self.ref("organization", membership.committee_id),
                "role": _display(Membership.Role, membership.role),
                "votingRight": membership.role == Membership.Role.MEMBER,
                "startDate": membership.start_date.isoformat() if membership.start_date else None,
                "endDate": membership.end_date.isoformat() if membership.end_date else None,
            }
        )

    def person(self, person: Person) -> dict:
        return self._clean(
            {
                "id": self.ref("person", person.pk),
                "type": OPARL + "Person",
                "body": self.body_url(),
                "name": str(person),
                "familyName": person.last_name,
                "givenName": person.first_name,
                "membership": [self.membership(m) for m in person.public_memberships],
            }
        )

    def location(self, location: Location) -> dict:
        geojson = None
        if location.latitude is not None and location.longitude is not None:
            geojson = {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [location.longitude, location.latitude],
                },
                "properties": {"name": location.description},
            }
        return self._clean(
            {
                "id": self.ref("location", location.pk),
                "type": OPARL + "Location",
                "description": str(location),
                "geojson": geojson,
                "streetAddress": location.street_address,
                "room": location.room,
                "postalCode": location.postal_code,
                "subLocality": location.sub_locality,
                "locality": location.locality,
                "created": self._dt(location.created_at),
                "modified": self._dt(location.modified_at),
            }
        )

    def file(self, file: File) -> dict:
        download = f"{self.root}file/{file.pk}/download/"
        return self._clean(
            {
                "id": self.ref("file", file.pk),
                "type": OPARL + "File",
                "name": file.name,
                "fileName": file.file_name,
                "mimeType": file.mime_type,
                "date": file.date.isoformat() if file.date else None,
                "size": file.size,
                "sha1Checksum": file.sha1,
                "accessUrl": download,
                "downloadUrl": download,
                "paper": [self.ref("paper", file.paper_id)] if file.paper_id else [],
                "agendaItem": [self.ref("agendaitem", file.agenda_item_id)]
                if file.agenda_item_id
                else [],
                "created": self._dt(file.created_at),
                "modified": self._dt(file.modified_at),
            }
        )

    def agenda_item(self, item: AgendaItem) -> dict:
        consultations = getattr(item, "public_consultations", [])
        return self._clean(
            {
                "id": self.ref("agendaitem", item.pk),
                "type": OPARL + "AgendaItem",
                "meeting": self.ref("meeting", item.meeting_id),
                "number": item.number,
                "order": item.order,
                "name": item.name,
                "public": True,
                "consultation": self.ref("consultation", consultations[0].pk)
                if consultations
                else None,
                "result": item.result,
                "resolutionText": item.resolution_text,
                "auxiliaryFile": [self.file(f) for f in item.files.all()],
                "created": self._dt(item.created_at),
                "modified": self._dt(item.modified_at),
            }
        )

    def meeting(self, meeting: Meeting) -> dict:
        state = {
            Meeting.State.PUBLISHED: "eingeladen",
            Meeting.State.HELD: "durchgeführt",
            Meeting.State.MINUTES_APPROVED: "durchgeführt",
            Meeting.State.CANCELLED: "abgesagt",
        }.get(meeting.state, "")
        return self._clean(
            {
                "id": self.ref("meeting", meeting.pk),
                "type": OPARL + "Meeting",
                "name": meeting.title,
                "meetingState": state,
                "start": self._dt(meeting.start),
                "end": self._dt(meeting.end),
                "location": self.location(meeting.location) if meeting.location_id else None,
                "organization": [self.ref("organization", meeting.committee_id)],
                "agendaItem": [self.agenda_item(i) for i in meeting.public_agenda_items],
                "created": self._dt(meeting.created_at),
                "modified": self._dt(meeting.modified_at),
            }
        ) | ({"cancelled": True} if meeting.is_cancelled else {})

    def consultation(self, consultation: Consultation) -> dict:
        role = _display(Consultation.Role, consultation.role)
        if consultation.body_name and not consultation.committee_id:
            role = f"{role} ({consultation.body_name})"
        return self._clean(
            {
                "id": self.ref("consultation", consultation.pk),
                "type": OPARL + "Consultation",
                "paper": self.ref("paper", consultation.paper_id),
                "agendaItem": self.ref("agendaitem", consultation.agenda_item_id)
                if consultation.agenda_item_id
                else None,
                "meeting": self.ref("meeting", consultation.meeting_id)
                if consultation.meeting_id
                else None,
                "organization": [self.ref("organization", consultation.committee_id)]
                if consultation.committee_id
                else [],
                "role": role,
                "created": self._dt(consultation.created_at),
                "modified": self._dt(consultation.modified_at),
            }
        ) | {"authoritative": consultation.authoritative}

    def paper(self, paper: Paper) -> dict:
        files = paper.oparl_files  # papers_attach
        main = next((f for f in files if f.is_main), None)
        return self._clean(
            {
                "id": self.ref("paper", paper.pk),
                "type": OPARL + "Paper",
                "body": self.body_url(),
                "name": paper.name,
                "reference": paper.reference,
                "date": paper.date.isoformat() if paper.date else None,
                "paperType": _display(Paper.Kind, paper.kind),
                "mainFile": self.file(main) if main else None,
                "auxiliaryFile": [self.file(f) for f in files if not f.is_main],
                "underDirectionOf": [self.ref("organization", paper.committee_id)]
                if paper.committee_id
                else [],
                "consultation": [self.consultation(c) for c in paper.public_consultations],
                "created": self._dt(paper.created_at),
                "modified": self._dt(paper.modified_at),
            }
        )


# --- querysets with what rendering needs (constant queries per page) --------------------------


def _consultation_prefetch(to_attr="public_consultations", *, paper_checked=False):
    queryset = _visible_consultations() if paper_checked else public_consultations()
    return Prefetch("consultations", queryset=queryset.order_by("position", "pk"), to_attr=to_attr)


def agenda_items_for_render(qs=None):
    qs = qs if qs is not None else public_agenda_items()
    return qs.prefetch_related("files", _consultation_prefetch())


def meetings_for_render(qs=None):
    qs = qs if qs is not None else public_meetings()
    return qs.select_related("committee", "location").prefetch_related(
        Prefetch(
            "agenda_items",
            queryset=agenda_items_for_render(AgendaItem.objects.filter(public=True)).order_by(
                "order"
            ),
            to_attr="public_agenda_items",
        )
    )


def papers_for_render(qs=None):
    """Public papers; render them after `papers_attach`."""
    return qs if qs is not None else public_papers()


def papers_attach(papers: list) -> list:
    """Give a page of (visible) papers their files and visible consultations: 2 queries,
    grouped here. prefetch_related built two querysets per paper, a third of a page's time."""
    ids = [paper.pk for paper in papers]
    files, consultations = defaultdict(list), defaultdict(list)
    if ids:
        for file in File.objects.filter(paper_id__in=ids):  # main file first, then by name
            files[file.paper_id].append(file)
        for consultation in (
            _visible_consultations().filter(paper_id__in=ids).order_by("position", "pk")
        ):
            consultations[consultation.paper_id].append(consultation)
    for paper in papers:
        paper.oparl_files = files.get(paper.pk, [])
        paper.public_consultations = consultations.get(paper.pk, [])
    return papers


def persons_for_render(qs=None):
    qs = qs if qs is not None else public_persons()
    return qs.prefetch_related(
        Prefetch("memberships", queryset=public_memberships(), to_attr="public_memberships")
    )


def organizations_for_render(qs=None):
    qs = qs if qs is not None else public_committees()
    return qs.prefetch_related(Prefetch("memberships", queryset=Membership.objects.order_by("pk")))


def consultations_for_render(qs=None):
    return qs if qs is not None else public_consultations()


def files_for_render(qs=None):
    return qs if qs is not None else public_files()
