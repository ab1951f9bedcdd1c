"""URL x role matrix for the downloads of leitlinien: every download answers by the rule of the
page it belongs to (a round's Abwägungstabelle by its round, the Sozialraumplan by the plan
pages). Invisible objects answer 404, pages that need an account send anonymous users to the
login, read-only ones 403."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from gremium.models import Committee
from leitlinien.models import Audience, PlanExport

from .factories import GuidelineFactory, RoundFactory, ThemeFactory, VersionFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "public_user", "outsider_user", "member_user", "staff_user", "admin_user"]

# url -> expected status per role, in ROLES order. "own" is a factions round of the members'
# committee, "other" a committee round of the outsider's committee.
MATRIX = {
    "own_disposition_table_csv": [404, 404, 404, 200, 200, 200],
    "other_disposition_table_csv": [404, 404, 200, 404, 200, 200],
    "own_round_export_page": [302, 404, 404, 200, 200, 200],
    "own_round_export_pdf": [302, 404, 404, 200, 200, 200],
    "own_round_export_docx": [302, 404, 404, 200, 200, 200],
    "other_round_export_page": [302, 404, 200, 404, 200, 200],
    "other_round_export_pdf": [302, 404, 200, 404, 200, 200],
    "other_round_export_docx": [302, 404, 200, 404, 200, 200],
    "plan_index": [302, 403, 200, 200, 200, 200],
    "plan_page": [302, 403, 200, 200, 200, 200],
    "plan_pdf": [302, 403, 200, 200, 200, 200],
}


def _done_export(consultation_round=None) -> PlanExport:
    export = PlanExport(
        round=consultation_round, status=PlanExport.Status.DONE, finished_at=timezone.now()
    )
    export.pdf.save("tabelle.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    export.docx.save("tabelle.docx", ContentFile(b"PK docx"), save=False)
    export.save()
    return export


@pytest.fixture
def urls(factions_round, outsider_user):
    other_committee = Committee.objects.get(slug="anderes-gremium")
    other_round = RoundFactory(
        version=VersionFactory(
            guideline=GuidelineFactory(theme=ThemeFactory(committee=other_committee))
        ),
        audience=Audience.COMMITTEE,
    )
    own, other, plan = _done_export(factions_round), _done_export(other_round), _done_export()

    def download(export, fmt):
        return reverse("leitlinien:plan_download", args=[export.pk, fmt])

    return {
        "own_disposition_table_csv": reverse(
            "leitlinien:round_export", args=[factions_round.pk, "csv"]
        ),
        "other_disposition_table_csv": reverse(
            "leitlinien:round_export", args=[other_round.pk, "csv"]
        ),
        "own_round_export_page": reverse("leitlinien:plan_detail", args=[own.pk]),
        "own_round_export_pdf": download(own, "pdf"),
        "own_round_export_docx": download(own, "docx"),
        "other_round_export_page": reverse("leitlinien:plan_detail", args=[other.pk]),
        "other_round_export_pdf": download(other, "pdf"),
        "other_round_export_docx": download(other, "docx"),
        "plan_index": reverse("leitlinien:plan_index"),
        "plan_page": reverse("leitlinien:plan_detail", args=[plan.pk]),
        "plan_pdf": download(plan, "pdf"),
    }


@pytest.mark.parametrize("role", ROLES)
def test_download_permission_matrix(client, request, urls, role):
    request.getfixturevalue("member_user")  # the committee's membership exists for every role
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    results = {name: client.get(url).status_code for name, url in urls.items()}
    expected = {name: MATRIX[name][ROLES.index(role)] for name in urls}
    assert results == expected
