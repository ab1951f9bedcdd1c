"""The one staff check of every staff page: erfurt_srp.accounts.decorators.staff_required."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from erfurt_srp.accounts.decorators import staff_required


@staff_required
def staff_page(request, pk):
    """The staff page."""
    return HttpResponse(f"ok {pk}")


def _request(user):
    request = RequestFactory().get("/intern/seite/?filter=1")
    request.user = user
    return request


def test_anonymous_visitor_is_sent_to_the_login_and_back():
    response = staff_page(_request(AnonymousUser()), pk=7)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/intern/seite/%3Ffilter%3D1"


@pytest.mark.django_db
def test_logged_in_user_without_staff_role_is_refused(public_user):
    with pytest.raises(PermissionDenied):
        staff_page(_request(public_user), pk=7)


@pytest.mark.django_db
def test_inactive_staff_account_is_refused(staff_user):
    staff_user.is_active = False

    with pytest.raises(PermissionDenied):
        staff_page(_request(staff_user), pk=7)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff_user", "admin_user"])
def test_staff_and_admins_get_the_page(who, request):
    response = staff_page(_request(request.getfixturevalue(who)), pk=7)

    assert response.content == b"ok 7"
    assert staff_page.__name__ == "staff_page"
    assert staff_page.__doc__ == "The staff page."
