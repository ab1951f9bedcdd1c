"""URL x role matrix for standorte: who may see and change what (anonymous users are sent to the
login where a page needs an account; invisible objects answer 404, read-only ones 403)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from standorte.models import ExportJob, ImportUpload, Indicator

from .factories import (
    DistrictFactory,
    ProjectFactory,
    RecommendationFactory,
    SiteProposalFactory,
    SocialAreaFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "public_user", "outsider_user", "member_user", "staff_user", "admin_user"]

# page -> expected status per role, in ROLES order
MATRIX = {
    "area_list": [200, 200, 200, 200, 200, 200],
    "public_area": [200, 200, 200, 200, 200, 200],
    "hidden_area": [404, 404, 404, 404, 200, 200],
    "public_project": [200, 200, 200, 200, 200, 200],
    "hidden_project": [404, 404, 404, 200, 200, 200],
    "proposal_create": [302, 403, 403, 200, 200, 200],
    "compare": [200, 200, 200, 200, 200, 200],
    "recommendation_list": [200, 200, 200, 200, 200, 200],
    "public_recommendation": [200, 200, 200, 200, 200, 200],
    "hidden_recommendation": [404, 404, 404, 200, 200, 200],
    "data_import": [302, 403, 403, 403, 200, 200],
    "export": [302, 403, 403, 403, 200, 200],
    "export_job_of_staff": [302, 403, 403, 403, 200, 200],
    "export_download_of_staff": [302, 403, 403, 403, 200, 200],
    "export_job_of_admin": [302, 403, 403, 403, 404, 200],
    "export_download_of_admin": [302, 403, 403, 403, 404, 200],
    "project_create": [302, 403, 403, 403, 200, 200],
    "indicator_csv": [200, 200, 200, 200, 200, 200],
    "district_map": [200, 200, 200, 200, 200, 200],
    "indicator_list": [302, 403, 403, 403, 200, 200],
    "indicator_create": [302, 403, 403, 403, 200, 200],
    "indicator_edit": [302, 403, 403, 403, 200, 200],
    "import_preview_of_staff": [302, 403, 403, 403, 200, 404],
    # POST only: a GET is refused for everyone (anonymous users are sent to the login first).
    "recommendation_place_on_agenda": [302, 405, 405, 405, 405, 405],
}


def _done_job(user) -> ExportJob:
    job = ExportJob(
        format="csv", total=1, requested_by=user, state=ExportJob.State.DONE, filename="e.csv"
    )
    job.file.save("e.csv", ContentFile(b"a;b\r\n"), save=False)
    job.save()
    return job


@pytest.fixture
def urls(committee, staff_user, admin_user):
    public_area = DistrictFactory().social_area
    hidden_area = SocialAreaFactory(is_public=False)
    project = ProjectFactory(committee=committee)
    hidden_project = ProjectFactory(committee=committee, is_public=False)
    public_rec = RecommendationFactory(site=SiteProposalFactory(project=project))
    hidden_rec = RecommendationFactory(site=SiteProposalFactory(project=project), public=False)
    job = _done_job(staff_user)
    admins_job = _done_job(admin_user)
    indicator = Indicator.objects.get(key="sozialindex")
    upload = ImportUpload.objects.create(
        kind="districts",
        filename="a.csv",
        data=b"nr;name\n6;X\n",
        sha256="0",
        uploaded_by=staff_user,
    )
    return {
        "area_list": reverse("standorte:area_list"),
        "public_area": public_area.get_absolute_url(),
        "hidden_area": hidden_area.get_absolute_url(),
        "public_project": project.get_absolute_url(),
        "hidden_project": hidden_project.get_absolute_url(),
        "proposal_create": reverse("standorte:proposal_create", args=[project.slug]),
        "compare": reverse("standorte:proposal_compare", args=[project.slug]),
        "recommendation_list": reverse("standorte:recommendation_list"),
        "public_recommendation": public_rec.get_absolute_url(),
        "hidden_recommendation": hidden_rec.get_absolute_url(),
        "data_import": reverse("standorte:data_import"),
        "export": reverse("standorte:export"),
        "export_job_of_staff": job.get_absolute_url(),
        "export_download_of_staff": reverse("standorte:export_download", args=[job.pk]),
        "export_job_of_admin": admins_job.get_absolute_url(),
        "export_download_of_admin": reverse("standorte:export_download", args=[admins_job.pk]),
        "project_create": reverse("standorte:project_create"),
        "indicator_csv": reverse("standorte:indicator_csv"),
        "district_map": reverse("standorte:district_map"),
        "indicator_list": reverse("standorte:indicator_list"),
        "indicator_create": reverse("standorte:indicator_create"),
        "indicator_edit": reverse("standorte:indicator_edit", args=[indicator.pk]),
        "import_preview_of_staff": upload.get_absolute_url(),
        "recommendation_place_on_agenda": reverse(
            "standorte:recommendation_place_on_agenda", args=[public_rec.pk]
        ),
    }


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, request, urls, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    else:
        # the member fixtures create the committee's membership: make them exist for all roles
        request.getfixturevalue("member_user")
    results = {}
    for name, url in urls.items():
        results[name] = client.get(url).status_code
    expected = {name: MATRIX[name][ROLES.index(role)] for name in urls}
    assert results == expected


@pytest.mark.parametrize("role", ["public_user", "member_user"])
def test_staff_only_data_pages_refuse_posts_of_others(client, request, role, staff_user):
    client.force_login(request.getfixturevalue(role))
    indicator = Indicator.objects.get(key="sozialindex")
    upload = ImportUpload.objects.create(
        kind="districts",
        filename="a.csv",
        data=b"nr;name\n6;X\n",
        sha256="0",
        uploaded_by=staff_user,
    )
    posts = {
        reverse("standorte:data_import"): {"kind": "districts"},
        reverse("standorte:indicator_create"): {"name": "X", "key": "x", "better": "lower"},
        reverse("standorte:indicator_edit", args=[indicator.pk]): {"name": "Y"},
        upload.get_absolute_url(): {"action": "confirm", "sha256": "0"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert not Indicator.objects.filter(key="x").exists()
    assert Indicator.objects.get(pk=indicator.pk).name == indicator.name
    assert ImportUpload.objects.filter(pk=upload.pk).exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("public_user", 403), ("outsider_user", 403), ("member_user", 403), ("staff_user", 302)],
)
def test_only_staff_put_a_recommendation_on_an_agenda(client, request, role, status, committee):
    from gremium.models import AgendaItem
    from standorte import services
    from tests.gremium.factories import MeetingFactory

    rec = RecommendationFactory(
        site=SiteProposalFactory(project=ProjectFactory(committee=committee))
    )
    rec.paper = services._paper_for(
        rec, actor=None, committee=committee, vote_date=rec.recommended_on
    )
    rec.save(update_fields=["paper"])
    meeting = MeetingFactory(committee=services._ausschuss())
    client.force_login(request.getfixturevalue(role))
    url = reverse("standorte:recommendation_place_on_agenda", args=[rec.pk])
    assert client.post(url, {"agenda-meeting": meeting.pk}).status_code == status
    assert AgendaItem.objects.filter(meeting=meeting).count() == (1 if status == 302 else 0)
