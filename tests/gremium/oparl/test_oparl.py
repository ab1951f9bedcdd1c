"""OParl 1.1: every object type validates against the official schemas (schema/ beside this
file, the OParl 1.1 JSON schemas, CC BY-SA 4.0), every reference answers 200 with the named type,
ids equal the URL served, lists page with links.next, non-public objects never appear."""

import json
from collections import deque
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gremium.models import (
    AgendaItem,
    Committee,
    Consultation,
    File,
    Location,
    Meeting,
    Paper,
)
from tests.gremium.factories import CommitteeFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
PREFIX = "https://schema.oparl.org/1.1/"
ROOT = "http://testserver/oparl/v1/"
TYPES = [
    "System",
    "Body",
    "Organization",
    "Person",
    "Membership",
    "Meeting",
    "AgendaItem",
    "Paper",
    "Consultation",
    "File",
    "Location",
]


def schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def validate(obj: dict, expected: str | None = None) -> str:
    """Validate an object and, recursively, the objects embedded in it; return its type name."""
    kind = obj["type"].removeprefix(PREFIX)
    if expected:
        assert kind == expected, (obj["id"], kind, expected)
    spec = schema(kind)
    jsonschema.validate(obj, spec)
    for name, prop in spec["properties"].items():
        if name not in obj:
            continue
        value = obj[name]
        if prop.get("format") == "url":
            assert value.startswith("http"), (name, value)
        if prop.get("type") == "object" and "schema" in prop:
            validate(value, prop["schema"].removesuffix(".json"))
        items = prop.get("items") or {}
        if prop.get("type") == "array" and "schema" in items:
            for element in value:
                validate(element, items["schema"].removesuffix(".json"))
    return kind


def references(obj: dict) -> list[tuple[str, str]]:
    """(url, expected type) for every reference the schema declares, embedded objects included."""
    kind = obj["type"].removeprefix(PREFIX)
    spec = schema(kind)
    found = []
    for name, prop in spec["properties"].items():
        if name not in obj:
            continue
        value = obj[name]
        target = prop.get("references")
        if target and target != "externalList":
            for url in value if isinstance(value, list) else [value]:
                found.append((url, target))
        if target == "externalList":
            found.append((value, "list"))
        if prop.get("type") == "object" and "schema" in prop:
            found += references(value)
        items = prop.get("items") or {}
        if prop.get("type") == "array" and "schema" in items:
            for element in value:
                found += references(element)
    return found


@pytest.fixture
def platform(db):
    """Public and non-public objects of every kind."""
    public = CommitteeFactory(name="Begleitgremium", slug="bg", founded_on=timezone.localdate())
    hidden = CommitteeFactory(name="Geheimer Kreis", slug="geheim", is_public=False)
    member = MembershipFactory(committee=public)
    secret_member = MembershipFactory(committee=hidden)
    location = Location.objects.create(
        description="Rathaus", street_address="Fischmarkt 1", latitude=50.9786, longitude=11.0292
    )
    hidden_location = Location.objects.create(description="Hinterzimmer")
    start = timezone.now() + timedelta(days=3)
    meeting = Meeting.objects.create(
        committee=public,
        number=1,
        start=start,
        end=start + timedelta(hours=2),
        location=location,
        state=Meeting.State.PUBLISHED,
    )
    draft = Meeting.objects.create(
        committee=public,
        number=2,
        start=start,
        end=start + timedelta(hours=2),
        location=hidden_location,
        state=Meeting.State.DRAFT,
    )
    secret_meeting = Meeting.objects.create(
        committee=hidden,
        number=1,
        start=start,
        end=start + timedelta(hours=1),
        state=Meeting.State.PUBLISHED,
    )
    item = AgendaItem.objects.create(meeting=meeting, order=1, name="Standorte ThINKA")
    closed_item = AgendaItem.objects.create(
        meeting=meeting, order=2, name="Personalien", public=False
    )
    draft_item = AgendaItem.objects.create(meeting=draft, order=1, name="Entwurfspunkt")
    secret_item = AgendaItem.objects.create(meeting=secret_meeting, order=1, name="Geheimpunkt")
    paper = Paper.objects.create(
        reference="1803/22", name="Zwischeninformation", kind="information", committee=public
    )
    Consultation.objects.create(
        paper=paper, agenda_item=item, meeting=meeting, committee=public, position=1
    )
    Consultation.objects.create(
        paper=paper, body_name="Dienstberatung OB", public=False, position=0
    )
    ausschuss = CommitteeFactory(
        name="Ausschuss für Soziales", slug="ausschuss", kind=Committee.Kind.COUNCIL
    )
    Consultation.objects.create(
        paper=paper, committee=ausschuss, role="decision", authoritative=True, position=2
    )
    main = File(
        name="Drucksache",
        file_name="1803-22.pdf",
        mime_type="application/pdf",
        size=4,
        paper=paper,
        is_main=True,
    )
    main.file.save("1803-22.pdf", ContentFile(b"%PDF"), save=True)
    item_file = File(
        name="Karte", file_name="karte.pdf", mime_type="application/pdf", size=4, agenda_item=item
    )
    item_file.file.save("karte.pdf", ContentFile(b"%PDF"), save=True)
    hidden_papers = [
        Paper.objects.create(
            reference="0001/23", name="Vertraulich", kind="information", public=False
        ),
        Paper.objects.create(reference="0002/23", name="Im Entwurf", kind="information"),
        Paper.objects.create(reference="0003/23", name="Nichtöffentlicher TOP", kind="information"),
        Paper.objects.create(
            reference="0004/23", name="Geheimgremium", kind="information", committee=hidden
        ),
    ]
    Consultation.objects.create(
        paper=hidden_papers[1], agenda_item=draft_item, meeting=draft, committee=public
    )
    Consultation.objects.create(
        paper=hidden_papers[2], agenda_item=closed_item, meeting=meeting, committee=public
    )
    secret_file = File(
        name="Geheim",
        file_name="g.pdf",
        mime_type="application/pdf",
        size=4,
        agenda_item=closed_item,
    )
    secret_file.file.save("g.pdf", ContentFile(b"%PDF"), save=True)
    return {
        "visible": {"meeting": meeting, "paper": paper, "item": item, "member": member},
        "hidden": {
            "organization": [hidden],
            "meeting": [draft, secret_meeting],
            "agendaitem": [closed_item, draft_item, secret_item],
            "paper": hidden_papers,
            "person": [secret_member.person],
            "membership": [secret_member],
            "location": [hidden_location],
            "file": [secret_file],
        },
    }


def crawl(client, start=ROOT, **headers):
    """Walk every URL reachable from the System; return {url: payload} and the reference checks."""
    seen, payloads, pending_refs = set(), {}, []
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        if "/download/" in url:
            continue
        assert response["Content-Type"].startswith("application/json")
        data = response.json()
        payloads[url] = data
        if "data" in data and "links" in data:
            objects = data["data"]
            if "next" in data["links"]:
                queue.append(data["links"]["next"])
        else:
            assert data["id"] == url, "id must equal the URL it is served at"
            objects = [data]
        for obj in objects:
            validate(obj)
            for ref, expected in references(obj):
                pending_refs.append((ref, expected))
                queue.append(ref)
            for name in ("accessUrl", "downloadUrl"):
                if name in obj:
                    queue.append(obj[name])
            for embedded in _embedded_files(obj):
                queue.append(embedded["accessUrl"])
    return payloads, pending_refs


def _embedded_files(obj):
    files = []
    for key in ("mainFile",):
        if key in obj:
            files.append(obj[key])
    for key in ("auxiliaryFile",):
        files += obj.get(key, [])
    items = obj.get("agendaItem")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            files += item.get("auxiliaryFile", [])
    return files


def test_every_object_type_validates_and_every_reference_resolves(client, platform, settings):
    payloads, refs = crawl(client)
    kinds = set()
    for data in payloads.values():
        for obj in data.get("data", [data]):
            kinds.add(obj["type"].removeprefix(PREFIX))
    assert kinds == set(TYPES)
    for url, expected in refs:
        data = payloads[url]
        if expected == "list":
            assert "data" in data and "links" in data, url
        else:
            assert data["type"] == PREFIX + expected, (url, expected)


def test_objects_fetched_alone_validate_against_their_schema(client, platform):
    visible = platform["visible"]
    for kind, pk in [
        ("meeting", visible["meeting"].pk),
        ("paper", visible["paper"].pk),
        ("agendaitem", visible["item"].pk),
        ("person", visible["member"].person_id),
        ("membership", visible["member"].pk),
        ("organization", visible["member"].committee_id),
    ]:
        url = f"{ROOT}{kind}/{pk}/"
        data = client.get(url).json()
        assert data["id"] == url
        validate(data)


def test_consumers_find_what_they_expect(client, platform):
    body = client.get(ROOT + "body/1/").json()
    assert body["system"] == ROOT
    meeting = client.get(ROOT + f"meeting/{platform['visible']['meeting'].pk}/").json()
    assert meeting["start"]
    assert [i["name"] for i in meeting["agendaItem"]] == [
        "Standorte ThINKA"
    ]  # embedded, public only
    assert meeting["location"]["geojson"]["geometry"]["type"] == "Point"
    paper = client.get(ROOT + f"paper/{platform['visible']['paper'].pk}/").json()
    assert len(paper["consultation"]) == 2  # the non-public Dienstberatung is left out
    assert paper["mainFile"]["accessUrl"].endswith("/download/")
    person = client.get(ROOT + f"person/{platform['visible']['member'].person_id}/").json()
    assert person["membership"][0]["organization"].endswith(
        f"/organization/{platform['visible']['member'].committee_id}/"
    )
    assert "email" not in person


def test_non_public_objects_never_appear(client, platform):
    payloads, _refs = crawl(client)
    everything = json.dumps(payloads, ensure_ascii=False)
    for kind, objects in platform["hidden"].items():
        for obj in objects:
            url = f"{ROOT}{kind}/{obj.pk}/"
            assert url not in everything, url
            response = client.get(url)
            assert response.status_code == 404, url
            assert response.json()["status"] == 404
    for text in (
        "Vertraulich",
        "Im Entwurf",
        "Nichtöffentlicher TOP",
        "Geheim",
        "Personalien",
        "Dienstberatung",
    ):
        assert text not in everything, text
    assert client.get(f"{ROOT}file/{platform['hidden']['file'][0].pk}/download/").status_code == 404


def test_ids_follow_the_proxy_scheme(client, platform):
    data = client.get(
        ROOT + "body/1/meeting/", HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="testserver"
    ).json()
    meeting = data["data"][0]
    assert meeting["id"].startswith("https://testserver/oparl/v1/meeting/")
    assert meeting["agendaItem"][0]["meeting"] == meeting["id"]


def _make_papers(n, start=0):
    Paper.objects.bulk_create(
        Paper(reference=f"{start + i + 1:04d}/24", name=f"Drucksache {i}", kind="information")
        for i in range(n)
    )


def test_lists_page_with_links_next_until_the_end(client, db):
    _make_papers(25)
    url, seen = ROOT + "body/1/paper/?limit=10", []
    pages = 0
    while url:
        data = client.get(url).json()
        pages += 1
        seen += [p["reference"] for p in data["data"]]
        url = data["links"].get("next")
    assert pages == 3
    assert len(seen) == len(set(seen)) == 25
    assert client.get(ROOT + "body/1/paper/?after=x").status_code == 400
    assert client.get(ROOT + "body/2/paper/").status_code == 404


@pytest.mark.parametrize("kind", ["paper", "meeting", "person", "organization", "agendaitem"])
def test_list_pages_cost_the_same_number_of_queries(client, platform, kind):
    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = queries(f"{ROOT}body/1/{kind}/")
    _make_papers(30, start=100)
    committee = Committee.objects.get(slug="bg")
    for n in range(3, 23):
        m = Meeting.objects.create(
            committee=committee,
            number=n,
            start=timezone.now(),
            end=timezone.now() + timedelta(hours=1),
            state=Meeting.State.HELD,
            location=Location.objects.first(),
        )
        AgendaItem.objects.create(meeting=m, order=1, name=f"TOP {n}")
        MembershipFactory(committee=committee)
    assert queries(f"{ROOT}body/1/{kind}/") == small
    assert queries(f"{ROOT}body/1/{kind}/?limit=5") == small


def test_modified_since_filters_lists(client, db):
    _make_papers(3)
    later = (timezone.now() + timedelta(days=1)).isoformat()
    assert client.get(ROOT + "body/1/paper/", {"modified_since": later}).json()["data"] == []
    earlier = (timezone.now() - timedelta(days=1)).isoformat()
    assert len(client.get(ROOT + "body/1/paper/", {"modified_since": earlier}).json()["data"]) == 3
    assert client.get(ROOT + "body/1/paper/", {"modified_since": "gestern"}).status_code == 400


def test_object_urls_match_the_url_patterns(client, platform):
    from django.urls import reverse

    visible = platform["visible"]
    assert ROOT.endswith(reverse("oparl:system"))
    for kind, pk in [("paper", visible["paper"].pk), ("meeting", visible["meeting"].pk)]:
        assert f"http://testserver{reverse(f'oparl:{kind}', kwargs={'pk': pk})}" == (
            f"{ROOT}{kind}/{pk}/"
        )
    assert reverse("oparl:body", kwargs={"pk": 1}) == "/oparl/v1/body/1/"
    assert reverse("oparl:file_download", kwargs={"pk": 7}) == "/oparl/v1/file/7/download/"
