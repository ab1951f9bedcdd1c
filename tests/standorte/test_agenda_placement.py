"""From a recommendation, staff put its Drucksache on a meeting of a body of its Beratungsfolge in
one step; the existing Beratungsfolge row is linked (no second one), and the decision recorded
there flows back to the recommendation page, the export and OParl."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from erfurt_srp.core.errors import DomainError
from gremium.models import AgendaItem, Consultation, Meeting
from gremium.services import meetings as meeting_services
from standorte import exports, selectors, services
from standorte.models import Recommendation
from tests.gremium.factories import CommitteeFactory, MeetingFactory

from .factories import RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommendation(committee):
    rec = RecommendationFactory(
        site__project__committee=committee,
        recommended_on=timezone.localdate() - timedelta(days=5),
    )
    rec.paper = services._paper_for(
        rec, actor=None, committee=committee, vote_date=rec.recommended_on
    )
    rec.save(update_fields=["paper"])
    return rec


@pytest.fixture
def ausschuss():
    committee = services._ausschuss()
    committee.is_public = True
    committee.save(update_fields=["is_public"])
    return committee


@pytest.fixture
def meeting(ausschuss):
    return MeetingFactory(committee=ausschuss, start=timezone.now() + timedelta(days=10))


def _url(rec):
    return reverse("standorte:recommendation_place_on_agenda", args=[rec.pk])


def _ausschuss_step(rec):
    return Consultation.objects.get(paper=rec.paper, committee__slug="ausschuss-soziales")


def test_one_step_creates_the_agenda_item_and_links_the_existing_step(
    client, staff_user, recommendation, meeting
):
    assert Consultation.objects.filter(paper=recommendation.paper).count() == 2
    client.force_login(staff_user)
    response = client.post(_url(recommendation), {"agenda-meeting": meeting.pk})
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting)
    assert recommendation.paper.reference in item.name
    # The same two steps: the Ausschuss's is now on the agenda item and dated with the meeting.
    assert Consultation.objects.filter(paper=recommendation.paper).count() == 2
    step = _ausschuss_step(recommendation)
    assert (step.agenda_item, step.meeting) == (item, meeting)
    assert step.date == timezone.localdate(meeting.start)
    assert step.authoritative
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert f"TOP {item.number}" in page
    rec = selectors.recommendations_for_export(recommendation_id=recommendation.pk).get()
    rows = exports.consultation_rows(rec)
    assert rows[1]["date"] == timezone.localdate(meeting.start).strftime("%d.%m.%Y")
    # A second placement is refused next to the field instead of adding another item.
    response = client.post(_url(recommendation), {"agenda-meeting": meeting.pk})
    assert response.status_code == 400
    assert "steht schon auf TOP" in response.content.decode()
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_gremium_agenda_form_links_the_existing_step_too(staff_user, recommendation, meeting):
    """Putting the paper on an item from the meeting's agenda page finds the same step."""
    item = meeting_services.agenda_item_add(
        actor=staff_user, meeting=meeting, name="Empfehlung ThINKA", papers=[recommendation.paper]
    )
    assert Consultation.objects.filter(paper=recommendation.paper).count() == 2
    assert _ausschuss_step(recommendation).agenda_item == item


def test_decision_flows_back_to_page_export_and_oparl(client, staff_user, recommendation, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(
        start=timezone.now() - timedelta(days=1), end=timezone.now() - timedelta(hours=22)
    )
    meeting.refresh_from_db()
    item = services.recommendation_place_on_agenda(
        actor=staff_user, recommendation=recommendation, meeting=meeting
    )
    day = timezone.localdate(meeting.start)
    client.force_login(staff_user)
    # The decision form offers the meeting's date.
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert f'value="{day.isoformat()}"' in page
    response = client.post(
        recommendation.get_absolute_url(),
        {
            "decision": "changed",
            "decision_date": day.isoformat(),
            "decision_note": "Mit Außensprechstunde im Rieth.",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.result == "geändert beschlossen"
    assert item.resolution_text == "Mit Außensprechstunde im Rieth."
    step = _ausschuss_step(recommendation)
    assert step.date == day and Consultation.objects.filter(paper=step.paper).count() == 2
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert "geändert beschlossen" in page and "Mit Außensprechstunde im Rieth." in page
    rec = selectors.recommendations_for_export(recommendation_id=recommendation.pk).get()
    _name, _mime, content = exports.build_docx([rec])
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"geändert beschlossen ({day:%d.%m.%Y})" in text
    beratung = next(t for t in document.tables if t.rows[0].cells[0].text == "Beratungsfolge")
    assert beratung.rows[2].cells[1].text == f"{day:%d.%m.%Y}"
    # OParl: the consultation points at the meeting and the agenda item, which has the result.
    client.logout()
    body = client.get(reverse("oparl:consultation", kwargs={"pk": step.pk})).json()
    assert body["meeting"].endswith(f"/meeting/{meeting.pk}/")
    assert body["agendaItem"].endswith(f"/agendaitem/{item.pk}/")
    assert body["authoritative"] is True
    agenda = client.get(body["agendaItem"]).json()
    assert agenda["result"] == "geändert beschlossen"
    assert agenda["resolutionText"] == "Mit Außensprechstunde im Rieth."


def test_result_recorded_in_gremium_shows_on_the_recommendation(
    client, staff_user, recommendation, meeting
):
    from gremium.services import papers as paper_services

    item = services.recommendation_place_on_agenda(
        actor=staff_user, recommendation=recommendation, meeting=meeting
    )
    paper_services.agenda_item_record_result(
        actor=staff_user, item=item, result="vertagt", resolution_text=""
    )
    client.force_login(staff_user)
    assert "vertagt" in client.get(recommendation.get_absolute_url()).content.decode()
    rec = selectors.recommendations_for_export(recommendation_id=recommendation.pk).get()
    assert "vertagt" in exports.drucksache_context(rec)["agenda_line"]


@pytest.mark.parametrize("role", ["member_user", "public_user"])
def test_non_staff_cannot_place_on_agenda(client, request, role, recommendation, meeting):
    client.force_login(request.getfixturevalue(role))
    assert client.post(_url(recommendation), {"agenda-meeting": meeting.pk}).status_code in (
        403,
        404,
    )
    assert not AgendaItem.objects.exists()
    with pytest.raises(Exception, match="Geschäftsstelle"):
        services.recommendation_place_on_agenda(
            actor=request.getfixturevalue(role), recommendation=recommendation, meeting=meeting
        )


def test_anonymous_is_sent_to_login(client, recommendation, meeting):
    response = client.post(_url(recommendation), {"agenda-meeting": meeting.pk})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not AgendaItem.objects.exists()


def _field_error(response, field_id):
    body = response.content.decode()
    assert response.status_code == 400
    marker = f'id="{field_id}_error"'
    assert marker in body, body[-3000:]
    return body.split(marker, 1)[1].split("</ul>", 1)[0]


def test_bad_input_gets_a_message_next_to_the_field(client, staff_user, recommendation, meeting):
    client.force_login(staff_user)
    # No meeting chosen.
    error = _field_error(client.post(_url(recommendation), {}), "id_agenda-meeting")
    assert "Bitte wählen Sie eine Sitzung" in error
    # A meeting of a body that is not in the Beratungsfolge.
    other = MeetingFactory(committee=CommitteeFactory(name="AK Quartiersarbeit"))
    error = _field_error(
        client.post(_url(recommendation), {"agenda-meeting": other.pk}), "id_agenda-meeting"
    )
    assert "Gremiums der Beratungsfolge" in error
    # A cancelled meeting of the Ausschuss.
    cancelled = MeetingFactory(committee=meeting.committee, state=Meeting.State.CANCELLED)
    error = _field_error(
        client.post(_url(recommendation), {"agenda-meeting": cancelled.pk}), "id_agenda-meeting"
    )
    assert "nicht abgesagt" in error
    # A meeting before the recommendation was made.
    earlier = MeetingFactory(
        committee=meeting.committee, start=timezone.now() - timedelta(days=30), number=99
    )
    error = _field_error(
        client.post(_url(recommendation), {"agenda-meeting": earlier.pk}), "id_agenda-meeting"
    )
    assert "nicht vor der Empfehlung" in error
    with pytest.raises(DomainError) as exc:
        services.recommendation_place_on_agenda(
            actor=staff_user, recommendation=recommendation, meeting=earlier
        )
    assert exc.value.field == "meeting"
    assert not AgendaItem.objects.exists()


def test_service_refuses_a_body_outside_the_beratungsfolge(staff_user, recommendation):
    other = MeetingFactory(committee=CommitteeFactory(name="AK Quartiersarbeit"))
    with pytest.raises(Exception) as exc:
        services.recommendation_place_on_agenda(
            actor=staff_user, recommendation=recommendation, meeting=other
        )
    assert exc.value.field == "meeting"
    assert "AK Quartiersarbeit steht nicht in der Beratungsfolge" in str(exc.value)


def test_decision_without_date_or_on_another_day_is_refused_next_to_the_field(
    client, staff_user, recommendation, meeting
):
    services.recommendation_place_on_agenda(
        actor=staff_user, recommendation=recommendation, meeting=meeting
    )
    client.force_login(staff_user)
    url = recommendation.get_absolute_url()
    response = client.post(url, {"decision": "agreed", "decision_date": "", "decision_note": "x"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_decision_date_error"' in body and "x</textarea>" in body
    other_day = timezone.localdate(meeting.start) + timedelta(days=1)
    response = client.post(url, {"decision": "agreed", "decision_date": other_day.isoformat()})
    body = response.content.decode()
    error = body.split('id="id_decision_date_error"', 1)[1].split("</ul>", 1)[0]
    assert "Tagesordnung der Sitzung am" in error
    assert Recommendation.objects.get(pk=recommendation.pk).decision == "pending"
