"""Area ranking, area page, projects, proposals, comparison, recommendations: pages and access."""

import functools
import re
import sys
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from standorte import demo
from standorte.models import Indicator, IndicatorValue, Recommendation, SiteProposal

from .factories import (
    DistrictFactory,
    IndicatorValueFactory,
    ProjectFactory,
    RecommendationFactory,
    SiteProposalFactory,
    SocialAreaFactory,
)

pytestmark = pytest.mark.django_db


def test_ranking_orders_areas_by_index_with_table_and_chart(client):
    low = IndicatorValueFactory(value=Decimal("80.0")).district.social_area
    high = IndicatorValueFactory(value=Decimal("140.0")).district.social_area
    response = client.get(reverse("standorte:area_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index(high.name) < body.index(low.name)
    assert "<svg" in body and 'role="img"' in body and "<table" in body
    assert "leaflet.js" not in body  # no shapes: no map


def test_demo_values_are_marked_on_the_page(client):
    demo.seed(sys.stderr)
    response = client.get(reverse("standorte:area_list"))
    body = response.content.decode()
    assert "Demo-Werte" in body
    assert "Großwohnsiedlungen Nord" in body
    assert "leaflet.js" in body  # the four ThINKA Ortsteile have real boundaries
    assert "Geoportal Erfurt, Landeshauptstadt Erfurt, DL-DE/BY-2.0" in body
    assert IndicatorValue.objects.filter(is_demo=False).count() == 0
    assert SiteProposal.objects.filter(project__slug="thinka-erfurt").count() == 4


def test_area_page_shows_districts_and_trend(client):
    area = SocialAreaFactory()
    district = DistrictFactory(social_area=area, name="Rieth")
    IndicatorValueFactory(district=district, year=2019, value=Decimal("120"))
    IndicatorValueFactory(district=district, year=2020, value=Decimal("125"))
    response = client.get(area.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rieth" in body and "2019" in body and "125" in body


def test_non_public_area_is_hidden_from_public_but_not_staff(client, public_user, staff_user):
    area = SocialAreaFactory(is_public=False)
    client.force_login(public_user)
    assert client.get(area.get_absolute_url()).status_code == 404
    assert area.name not in client.get(reverse("standorte:area_list")).content.decode()
    client.force_login(staff_user)
    assert client.get(area.get_absolute_url()).status_code == 200


def test_ranking_queries_do_not_grow_with_data(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    def make(n_areas):
        indicators = list(Indicator.objects.all())
        for _ in range(n_areas):
            district = DistrictFactory()
            IndicatorValue.objects.bulk_create(
                IndicatorValue(district=district, indicator=i, year=y, value=Decimal(y % 7 + i.pk))
                for y in range(2013, 2023)
                for i in indicators
            )

    with django_capture_on_commit_callbacks(execute=True):
        make(3)
    # rendering: indicators, years, areas + district count, aggregated values, shapes exist?
    with django_assert_num_queries(5):
        client.get(reverse("standorte:area_list"))
    with django_capture_on_commit_callbacks(execute=True):
        make(97)
    with django_assert_num_queries(5):
        response = client.get(reverse("standorte:area_list"))
    assert response.content.decode().count('href="/standorte/sozialraum/') == 100
    # the same data again: all from the cache
    with django_assert_num_queries(0):
        again = client.get(reverse("standorte:area_list"))
    assert again.content.decode().count('href="/standorte/sozialraum/') == 100


def test_cached_ranking_follows_every_kind_of_write(
    client, staff_user, django_capture_on_commit_callbacks
):
    """Admin-style saves, deletes and the bulk import all make the cached ranking stale once
    they commit."""
    from standorte import services_import

    committed = functools.partial(django_capture_on_commit_callbacks, execute=True)
    value = IndicatorValueFactory(value=Decimal("80.0"))
    area = value.district.social_area
    url = reverse("standorte:area_list")
    assert area.name in client.get(url).content.decode()

    with committed():
        area.name = "Umbenannter Sozialraum"
        area.save()  # what the admin does
    assert "Umbenannter Sozialraum" in client.get(url).content.decode()

    with committed():
        value.value = Decimal("91.5")
        value.save()
    assert "91.5" in client.get(url).content.decode().replace(",", ".")

    with committed():
        IndicatorValue.objects.filter(pk=value.pk).delete()
    assert "91.5" not in client.get(url).content.decode().replace(",", ".")

    district = value.district
    with committed():
        services_import.indicator_values_import(
            actor=staff_user,
            data=f"ortsteil_nr;jahr;sozialindex\n{district.number};{value.year};123,4\n".encode(),
        )
    assert "123.4" in client.get(url).content.decode().replace(",", ".")

    with committed():
        area.is_public = False
        area.save()
    assert "Umbenannter Sozialraum" not in client.get(url).content.decode()
    client.force_login(staff_user)  # staff see non-public areas: a cache entry of their own
    assert "Umbenannter Sozialraum" in client.get(url).content.decode()


@pytest.fixture
def project(committee):
    return ProjectFactory(committee=committee, name="ThINKA Test")


def test_project_page_shows_proposals_with_indicators(client, project):
    proposal = SiteProposalFactory(project=project, address="Kasseler Straße 1")
    IndicatorValueFactory(district=proposal.district, value=Decimal("133.3"))
    body = client.get(project.get_absolute_url()).content.decode()
    assert "Kasseler Straße 1" in body and "133.3" in body.replace(",", ".")


def test_compare_shows_selected_proposals_side_by_side(client, project):
    a = SiteProposalFactory(project=project, name="Berolina")
    b = SiteProposalFactory(project=project, name="Stadtteilbüro")
    c = SiteProposalFactory(project=project, name="Nicht gewählt")
    url = reverse("standorte:proposal_compare", args=[project.slug])
    body = client.get(url, {"v": [a.pk, b.pk]}).content.decode()
    assert "Berolina" in body and "Stadtteilbüro" in body and c.name not in body


def test_non_public_project_hidden_from_public_and_outsider(
    client, committee, public_user, outsider_user, member_user, staff_user
):
    project = ProjectFactory(committee=committee, is_public=False)
    url = project.get_absolute_url()
    assert client.get(url).status_code == 404
    for user, status in [
        (public_user, 404),
        (outsider_user, 404),
        (member_user, 200),
        (staff_user, 200),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_proposal_form_members_and_staff_only(
    client, project, public_user, outsider_user, member_user, staff_user
):
    url = reverse("standorte:proposal_create", args=[project.slug])
    assert client.get(url).status_code == 302  # anonymous -> login
    for user, status in [(public_user, 403), (outsider_user, 403), (member_user, 200)]:
        client.force_login(user)
        assert client.get(url).status_code == status
    district = DistrictFactory()
    client.force_login(staff_user)
    response = client.post(
        url, {"district": district.pk, "address": "", "rationale": "", "proposer": "X"}
    )
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich" in response.content.decode()
    response = client.post(
        url,
        {
            "district": district.pk,
            "address": "Am Anger 1",
            "rationale": "zentral",
            "proposer": "Jobcenter",
        },
        follow=True,
    )
    assert "wurde gespeichert" in response.content.decode()
    response = client.post(
        url, {"district": district.pk, "address": "am anger 1", "rationale": "x", "proposer": "Y"}
    )
    assert "schon einen Vorschlag" in response.content.decode()
    assert SiteProposal.objects.filter(project=project).count() == 1


def test_import_and_export_pages_staff_only(
    client, public_user, member_user, outsider_user, staff_user, admin_user
):
    for name in ("standorte:data_import", "standorte:export", "standorte:project_create"):
        url = reverse(name)
        client.logout()
        assert client.get(url).status_code == 302
        for user in (public_user, member_user, outsider_user):
            client.force_login(user)
            assert client.get(url).status_code == 403, (name, user)
        for user in (staff_user, admin_user):
            client.force_login(user)
            assert client.get(url).status_code == 200, (name, user)


def test_recommendation_visibility(
    client, project, public_user, outsider_user, member_user, staff_user
):
    public = RecommendationFactory(
        site=SiteProposalFactory(project=project), title="Öffentliche Empf"
    )
    hidden = RecommendationFactory(
        site=SiteProposalFactory(project=project), title="Interne Empf", public=False
    )
    body = client.get(reverse("standorte:recommendation_list")).content.decode()
    assert public.title in body and hidden.title not in body
    assert client.get(hidden.get_absolute_url()).status_code == 404
    for user, status in [
        (public_user, 404),
        (outsider_user, 404),
        (member_user, 200),
        (staff_user, 200),
    ]:
        client.force_login(user)
        assert client.get(hidden.get_absolute_url()).status_code == status


def test_recommendation_list_queries_constant(client, project, django_assert_num_queries):
    RecommendationFactory.create_batch(2, site=SiteProposalFactory(project=project))
    # count for the paginator, one page of recommendations with project, site, district, area
    with django_assert_num_queries(2):
        client.get(reverse("standorte:recommendation_list"))
    for _ in range(60):
        RecommendationFactory(site=SiteProposalFactory(project=project))
    with django_assert_num_queries(2):
        response = client.get(reverse("standorte:recommendation_list"))
    body = response.content.decode()
    detail_link = re.compile(r'href="/standorte/empfehlungen/\d+/"')
    assert len(detail_link.findall(body)) == 50
    assert "Seite 1 von 2" in body
    second = client.get(reverse("standorte:recommendation_list"), {"seite": 2}).content.decode()
    assert len(detail_link.findall(second)) == 12


def test_staff_records_decision(client, project, staff_user, member_user):
    recommendation = RecommendationFactory(site=SiteProposalFactory(project=project))
    url = recommendation.get_absolute_url()
    client.force_login(member_user)
    assert (
        client.post(url, {"decision": "agreed", "decision_date": "2026-01-10"}).status_code == 403
    )
    client.force_login(staff_user)
    today = date.today().isoformat()
    response = client.post(url, {"decision": "changed", "decision_date": today})
    assert "was der Ausschuss geändert hat" in response.content.decode()
    response = client.post(
        url, {"decision": "agreed", "decision_date": "2000-01-01", "decision_note": ""}
    )
    assert "nicht vor der Empfehlung" in response.content.decode()
    response = client.post(
        url, {"decision": "agreed", "decision_date": date.today().isoformat()}, follow=True
    )
    assert "wurde gespeichert" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.decision == Recommendation.Decision.AGREED
    assert recommendation.decision_recorded_by == staff_user


def test_decision_dates_the_ausschuss_step_of_the_paper(project, staff_user):
    """The Beratungsfolge of the Drucksache shows when the Ausschuss decided."""
    from gremium.models import Consultation
    from standorte import services

    recommendation = RecommendationFactory(site=SiteProposalFactory(project=project))
    paper = services._paper_for(
        recommendation,
        actor=staff_user,
        committee=project.committee,
        vote_date=recommendation.recommended_on,
    )
    recommendation.paper = paper
    recommendation.save(update_fields=["paper"])
    services.recommendation_record_decision(
        actor=staff_user,
        recommendation=recommendation,
        decision=Recommendation.Decision.REJECTED,
        decision_date=recommendation.recommended_on,
    )
    steps = list(paper.consultations.order_by("position"))
    accompanying, ausschuss = steps
    assert ausschuss.role == Consultation.Role.DECISION and ausschuss.authoritative
    assert ausschuss.date == recommendation.recommended_on
    assert accompanying.committee == project.committee  # the Begleitgremium step is unchanged


def test_recommendation_list_links_the_drucksache_number(client, project):
    from tests.gremium.factories import PaperFactory

    paper = PaperFactory(reference="0042/25", name="Empfehlung ThINKA")
    RecommendationFactory(site=SiteProposalFactory(project=project), paper=paper)
    body = client.get(reverse("standorte:recommendation_list")).content.decode()
    url = reverse("gremium:paper_detail", args=[paper.pk])
    assert f'<a href="{url}">0042/25</a>' in body
