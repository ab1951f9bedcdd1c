"""Progress reports to the Ausschuss: the draft, the texts, the export, the paper, the reminder."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.models import OutboxMessage
from gremium.models import Meeting, Paper
from leitlinien.models import (
    Audience,
    Disposition,
    GuidelineVersion,
    Measure,
    PlanExport,
    ProgressReport,
    ReportCycle,
)
from leitlinien.plan import plan_build
from leitlinien.reports import services
from leitlinien.tasks import report_reminders_send
from standorte.models import Recommendation
from standorte.services import indicators_ensure_defaults
from tests.gremium.factories import CommitteeFactory, MeetingFactory
from tests.standorte.factories import (
    DistrictFactory,
    IndicatorValueFactory,
    RecommendationFactory,
    SiteProposalFactory,
    SocialAreaFactory,
)

from .factories import MeasureFactory, RoundFactory, answer, round_comment

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_END = TODAY - timedelta(days=200)


def _at(day: date, hour=12):
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def ausschuss(db):
    return CommitteeFactory(name="Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung")


@pytest.fixture
def period_data(staff_user):
    """A submitted report (period up to LAST_END, it showed the indicators of 2020) and data
    inside and outside the period after it."""
    ProgressReport.objects.create(
        title="Letzter Bericht",
        period_end=LAST_END,
        state=ProgressReport.State.SUBMITTED,
        data={"indicators": {"year": 2020}},
    )
    MeasureFactory(title="Stadtteilbüro", status=Measure.Status.DONE, social_areas="Nord")
    MeasureFactory(title="Beratung", status=Measure.Status.IN_PROGRESS)
    old = MeasureFactory(title="Treffpunkt", status=Measure.Status.IN_PROGRESS)
    GuidelineVersion.objects.filter(pk=old.source_version_id).update(
        adopted_on=LAST_END - timedelta(days=3), adoption_reference="alte Sitzung"
    )
    held = RoundFactory(
        version=old.source_version,
        audience=Audience.FACTIONS,
        title="Runde Fraktionen",
        starts_at=_at(LAST_END + timedelta(days=10)),
        ends_at=_at(LAST_END + timedelta(days=40)),
    )
    first = round_comment(held, body="Mehr Angebote")
    round_comment(held, body="Bitte barrierefrei")
    answer(first, held, decision=Disposition.Decision.ACCEPTED)
    RoundFactory(
        version=old.source_version,
        title="Runde vor dem Zeitraum",
        starts_at=_at(LAST_END - timedelta(days=30)),
        ends_at=_at(LAST_END - timedelta(days=5)),
    )
    indicators_ensure_defaults()
    area = SocialAreaFactory(number=1, name="Nord")
    district = DistrictFactory(social_area=area, name="Nord-Ost")
    for year, value in [(2020, "100.0"), (2021, "104.0"), (2022, "110.5")]:
        IndicatorValueFactory(district=district, year=year, value=Decimal(value))
    site = SiteProposalFactory(district=district, name="Treff Nord")
    RecommendationFactory(
        site=site,
        project=site.project,
        title="Empfehlung Treff Nord",
        recommended_on=LAST_END - timedelta(days=20),
        decision=Recommendation.Decision.AGREED,
        decision_date=LAST_END + timedelta(days=50),
    )


def test_draft_gathers_the_data_of_the_period_since_the_last_report(period_data, staff_user):
    report = services.progress_report_draft(actor=staff_user, period_end=TODAY)
    assert report.period_start == LAST_END + timedelta(days=1) and report.period_end == TODAY
    data = report.data
    assert [row[0] for row in data["measures"]["rows"]] == [
        "Beratung",
        "Stadtteilbüro",
        "Treffpunkt",
    ]
    assert data["measures"]["counts"] == {
        "geplant": 0,
        "in Umsetzung": 2,
        "umgesetzt": 1,
        "zurückgestellt": 0,
    }
    assert "Von 3 Maßnahmen sind 0 geplant, 2 in Umsetzung, 1 umgesetzt" in report.measures_text
    # indicators: the latest year against the year the last report showed
    indicators = data["indicators"]
    assert (indicators["base_year"], indicators["year"]) == (2020, 2022)
    assert indicators["rows"] == [["Nord", "Sozialindex", "100,0", "110,5", "+10,5"]]
    # only the round that ended in the period, with its Abwägung
    assert data["rounds"]["rows"] == [
        [
            data["rounds"]["rows"][0][0],
            "Runde Fraktionen",
            "Stadtratsfraktionen",
            data["rounds"]["rows"][0][3],
            2,
            1,
            0,
            0,
            0,
            1,
        ]
    ]
    # decisions in the period: two adoptions (factories adopt today) and the Ausschuss decision;
    # the old adoption and the recommendation made before the period are left out
    decisions = [row[1] for row in data["decisions"]["rows"]]
    assert decisions[0] == "Ausschuss zur Standortempfehlung „Empfehlung Treff Nord“: zugestimmt"
    assert len(decisions) == 3 and not any(
        "alte Sitzung" in row for r in data["decisions"]["rows"] for row in r
    )
    assert all("Fassung" in d for d in decisions[1:])


def test_first_report_has_an_open_start_and_compares_with_the_year_before(staff_user):
    indicators_ensure_defaults()
    district = DistrictFactory(social_area=SocialAreaFactory(name="Süd"))
    IndicatorValueFactory(district=district, year=2021, value=Decimal("90"))
    IndicatorValueFactory(district=district, year=2022, value=Decimal("88"))
    report = services.progress_report_draft(actor=staff_user)
    assert report.period_start is None
    assert report.data["indicators"]["rows"] == [["Süd", "Sozialindex", "90,0", "88,0", "-2,0"]]


def test_only_one_draft_at_a_time_and_only_staff(staff_user, member_user):
    services.progress_report_draft(actor=staff_user)
    with pytest.raises(DomainError):
        services.progress_report_draft(actor=staff_user)
    with pytest.raises(DomainError):
        services.progress_report_draft(actor=member_user)


def _export(report) -> PlanExport:
    export = PlanExport.objects.create(report=report)
    return plan_build(export.pk)


def test_edited_texts_and_tables_reach_pdf_and_docx_built_in_the_background(
    period_data, client, staff_user, django_capture_on_commit_callbacks
):
    report = services.progress_report_draft(actor=staff_user, period_end=TODAY)
    client.force_login(staff_user)
    response = client.post(
        report.get_absolute_url(),
        {
            "title": report.title,
            "summary": "Der Ausschuss erhält den ersten Bericht.",
            "measures_text": "Die Maßnahmen laufen planmäßig.",
            "indicators_text": "",
            "rounds_text": "",
            "decisions_text": "",
        },
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("leitlinien:report_export", args=[report.pk]))
    export = PlanExport.objects.get(report=report)
    assert response["Location"] == export.get_absolute_url() and len(callbacks) == 1
    page = client.get(export.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page
    export = plan_build(export.pk)
    assert export.status == PlanExport.Status.DONE and export.progress == 100
    pdf = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(export.pdf.read())).pages).split()
    )
    assert "Der Ausschuss erhält den ersten Bericht." in pdf
    assert "Die Maßnahmen laufen planmäßig." in pdf and "Stadtteilbüro" in pdf
    assert "+10,5" in pdf and "Runde Fraktionen" in pdf
    document = Document(export.docx.path)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Die Maßnahmen laufen planmäßig." in text and "1 Maßnahmen und ihr Stand" in text
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Treffpunkt" in cells and "+10,5" in cells
    # the plan list still shows plans only
    assert (
        export.get_absolute_url()
        not in client.get(reverse("leitlinien:plan_index")).content.decode()
    )


def test_submit_makes_a_paper_on_the_ausschuss_agenda_and_moves_the_due_date(staff_user, ausschuss):
    due = TODAY + timedelta(days=10)
    services.report_cycle_set(
        actor=staff_user,
        interval_months=12,
        next_due_on=due,
        remind_days_before=28,
        committee=ausschuss,
    )
    report = services.progress_report_draft(actor=staff_user)
    meeting = MeetingFactory(committee=ausschuss, state=Meeting.State.DRAFT, published_at=None)
    with pytest.raises(DomainError, match="PDF"):
        services.progress_report_submit(actor=staff_user, report=report, reference="0101/26")
    _export(report)
    # a later edit makes the built files stale
    report = services.progress_report_update(actor=staff_user, report=report, summary="Neu.")
    assert services.current_export(report) is None
    _export(report)
    report = services.progress_report_submit(
        actor=staff_user, report=report, reference="0101/26", meeting=meeting
    )
    paper = Paper.objects.get(reference="0101/26")
    assert report.paper == paper and report.state == ProgressReport.State.SUBMITTED
    assert paper.kind == Paper.Kind.INFORMATION and paper.name == report.title
    assert paper.files.get(is_main=True).mime_type == "application/pdf"
    item = meeting.agenda_items.get()
    assert item.name == report.title and item.consultations.get().paper == paper
    assert ReportCycle.objects.get().next_due_on == date(due.year + 1, due.month, due.day)
    with pytest.raises(DomainError):
        services.progress_report_update(actor=staff_user, report=report, summary="Zu spät.")


def test_submit_without_meeting_adds_the_ausschuss_to_the_beratungsfolge(staff_user, ausschuss):
    services.report_cycle_set(
        actor=staff_user,
        interval_months=6,
        next_due_on=TODAY,
        remind_days_before=0,
        committee=ausschuss,
    )
    report = services.progress_report_draft(actor=staff_user)
    _export(report)
    services.progress_report_submit(actor=staff_user, report=report, reference="0102/26")
    consultation = Paper.objects.get(reference="0102/26").consultations.get()
    assert consultation.committee == ausschuss and consultation.authoritative


def test_submit_form_shows_a_taken_reference_next_to_the_field(client, staff_user, ausschuss):
    services.report_cycle_set(
        actor=staff_user,
        interval_months=12,
        next_due_on=TODAY,
        remind_days_before=0,
        committee=ausschuss,
    )
    Paper.objects.create(reference="0103/26", name="Andere", kind=Paper.Kind.INFORMATION)
    report = services.progress_report_draft(actor=staff_user)
    _export(report)
    client.force_login(staff_user)
    response = client.post(
        reverse("leitlinien:report_submit", args=[report.pk]), {"reference": "0103/26"}
    )
    assert response.status_code == 200
    assert "0103/26" in response.context["form"].errors["reference"][0]
    assert response.context["form"]["reference"].value() == "0103/26"


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    assert services.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert services.add_months(date(2024, 11, 15), 3) == date(2025, 2, 15)
    assert services.add_months(date(2024, 6, 30), 12) == date(2025, 6, 30)


@pytest.mark.parametrize(
    ("days_until_due", "remind_days_before", "expected"),
    [(10, 28, True), (28, 28, True), (29, 28, False), (0, 0, True), (-3, 7, True)],
)
def test_reminder_is_due_from_the_remind_date_on(days_until_due, remind_days_before, expected):
    cycle = ReportCycle(
        next_due_on=TODAY + timedelta(days=days_until_due), remind_days_before=remind_days_before
    )
    assert cycle.reminder_due(TODAY) is expected
    cycle.reminded_for = cycle.next_due_on
    assert cycle.reminder_due(TODAY) is False


def test_beat_job_reminds_every_staff_member_once_per_due_date(
    staff_user, admin_user, member_user, ausschuss, django_capture_on_commit_callbacks
):
    cycle = services.report_cycle_set(
        actor=staff_user,
        interval_months=12,
        next_due_on=TODAY + timedelta(days=40),
        remind_days_before=28,
        committee=ausschuss,
    )
    assert report_reminders_send() == 0  # not yet
    ReportCycle.objects.filter(pk=cycle.pk).update(next_due_on=TODAY + timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=False):
        assert report_reminders_send() == 2
        assert report_reminders_send() == 0  # the second run sends nothing
    messages = OutboxMessage.objects.filter(kind="leitlinien.report_due")
    assert sorted(m.recipient for m in messages) == ["admin@example.org", "staff@example.org"]
    assert "Ausschuss für Soziales" in messages[0].body
    # a new due date (the next cycle) is announced again, once
    ReportCycle.objects.filter(pk=cycle.pk).update(next_due_on=TODAY + timedelta(days=5))
    with django_capture_on_commit_callbacks(execute=False):
        assert report_reminders_send() == 2
        assert report_reminders_send() == 0
    assert OutboxMessage.objects.filter(kind="leitlinien.report_due").count() == 4


def test_cycle_form_refuses_a_past_due_date_next_to_the_field(client, staff_user, ausschuss):
    client.force_login(staff_user)
    response = client.post(
        reverse("leitlinien:report_index"),
        {
            "interval_months": "12",
            "next_due_on": (TODAY - timedelta(days=1)).isoformat(),
            "remind_days_before": "28",
            "committee": ausschuss.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["cycle_form"].errors["next_due_on"]
    assert not ReportCycle.objects.exists()


def test_plan_texts_are_saved_by_staff_and_reach_the_plan(client, staff_user):
    from leitlinien.selectors import plan_content

    client.force_login(staff_user)
    response = client.post(
        reverse("leitlinien:plan_texts"),
        {"needs_city": "Bedarf A\n\nBedarf B", "quarter_strategy": "Strategie."},
    )
    assert response.status_code == 302
    content = plan_content()
    assert content["needs"][0]["paragraphs"] == ["Bedarf A", "Bedarf B"]
    assert content["strategy"][1]["paragraphs"] == ["Strategie."]


# --- permissions ------------------------------------------------------------------------------


@pytest.fixture
def report(staff_user):
    return services.progress_report_draft(actor=staff_user)


def _urls(report):
    return [
        ("get", reverse("leitlinien:report_index")),
        ("get", reverse("leitlinien:report_detail", args=[report.pk])),
        ("get", reverse("leitlinien:report_submit", args=[report.pk])),
        ("get", reverse("leitlinien:plan_texts")),
        ("post", reverse("leitlinien:report_draft")),
        ("post", reverse("leitlinien:report_refresh", args=[report.pk])),
        ("post", reverse("leitlinien:report_export", args=[report.pk])),
    ]


def test_anonymous_users_are_sent_to_the_login(client, report):
    for method, url in _urls(report):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


@pytest.mark.parametrize("role", ["member_user", "public_user"])
def test_members_and_the_public_are_refused(client, report, role, request):
    client.force_login(request.getfixturevalue(role))
    for method, url in _urls(report):
        assert getattr(client, method)(url).status_code == 403, url
    assert ProgressReport.objects.count() == 1 and not PlanExport.objects.exists()


def test_report_exports_are_staff_only_while_plan_exports_are_open_to_members(
    client, report, member_user
):
    report_export = _export(report)
    plan_export = PlanExport.objects.create()
    client.force_login(member_user)
    assert client.get(report_export.get_absolute_url()).status_code == 403
    pdf = reverse("leitlinien:plan_download", args=[report_export.pk, "pdf"])
    assert client.get(pdf).status_code == 403
    assert client.get(plan_export.get_absolute_url()).status_code == 200


def test_staff_pages_render(client, staff_user, report):
    client.force_login(staff_user)
    for _method, url in _urls(report)[:4]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("count", [1, 20])
def test_report_list_queries_do_not_grow_with_rows(
    client, staff_user, count, django_assert_max_num_queries
):
    for index in range(count):
        ProgressReport.objects.create(
            title=f"Bericht {index}",
            period_end=TODAY - timedelta(days=index),
            state=ProgressReport.State.SUBMITTED,
            paper=Paper.objects.create(
                reference=f"{index + 1:04d}/25", name="B", kind=Paper.Kind.INFORMATION
            ),
        )
    client.force_login(staff_user)
    # session, user, MFA check, cycle, reports with papers, navigation and layout
    with django_assert_max_num_queries(12):
        response = client.get(reverse("leitlinien:report_index"))
    assert response.content.decode().count("/gremium/") >= count


def test_the_database_holds_one_draft_only():
    from django.db import IntegrityError, transaction

    ProgressReport.objects.create(title="A", period_end=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.create(title="B", period_end=TODAY)


def test_an_overdue_cycle_can_change_its_committee_without_a_new_date(staff_user, ausschuss):
    cycle = services.report_cycle_set(
        actor=staff_user,
        interval_months=12,
        next_due_on=TODAY,
        remind_days_before=0,
        committee=None,
    )
    ReportCycle.objects.filter(pk=cycle.pk).update(next_due_on=TODAY - timedelta(days=3))
    cycle = services.report_cycle_set(
        actor=staff_user,
        interval_months=12,
        next_due_on=TODAY - timedelta(days=3),
        remind_days_before=0,
        committee=ausschuss,
    )
    assert cycle.committee == ausschuss
    with pytest.raises(DomainError):
        services.report_cycle_set(
            actor=staff_user,
            interval_months=12,
            next_due_on=TODAY - timedelta(days=1),
            remind_days_before=0,
            committee=ausschuss,
        )
