"""Drucksache numbers: the city's format NNNN/YY, one sequence per year, unique under concurrent
allocation, never given out twice (not even after the paper is deleted), start configurable."""

import threading
import time
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from erfurt_srp.core.errors import DomainError
from gremium.models import Paper, PaperNumberSequence
from gremium.services import papers as paper_services

from .factories import PaperFactory

ON = date(2026, 3, 1)


@pytest.mark.django_db
def test_format_is_four_digits_slash_two_digit_year():
    assert paper_services.paper_reference_allocate(on=ON) == "0001/26"
    assert paper_services.paper_reference_allocate(on=ON) == "0002/26"
    assert paper_services.paper_reference_allocate(on=date(2022, 10, 20)) == "0001/22"
    assert paper_services.format_paper_reference(12345, 2031) == "12345/31"


@pytest.mark.django_db
def test_start_number_from_the_setting(settings):
    settings.GREMIUM_PAPER_NUMBER_START = 1804
    assert paper_services.paper_reference_allocate(on=date(2022, 11, 1)) == "1804/22"
    assert paper_services.paper_reference_allocate(on=date(2022, 11, 2)) == "1805/22"


@pytest.mark.django_db
def test_staff_set_a_year_start_but_never_below_a_number_given_out(staff_user):
    paper_services.paper_number_sequence_set(actor=staff_user, year=2026, next_number=1201)
    assert paper_services.paper_reference_allocate(on=ON) == "1201/26"
    with pytest.raises(DomainError) as exc:
        paper_services.paper_number_sequence_set(actor=staff_user, year=2026, next_number=1201)
    assert exc.value.field == "next_number"
    with pytest.raises(DomainError):
        paper_services.paper_number_sequence_set(actor=staff_user, year=2026, next_number=0)
    paper_services.paper_number_sequence_set(actor=staff_user, year=2026, next_number=1500)
    assert paper_services.paper_reference_allocate(on=ON) == "1500/26"


@pytest.mark.django_db
def test_a_deleted_papers_number_is_not_given_out_again():
    reference = paper_services.paper_reference_allocate(on=ON)
    paper = PaperFactory(reference=reference)
    paper.delete()
    assert paper_services.paper_reference_allocate(on=ON) != reference
    assert PaperNumberSequence.objects.get(year=2026).last_issued == 2


@pytest.mark.django_db
def test_numbers_typed_in_by_hand_are_skipped():
    PaperFactory(reference="0001/26")
    PaperFactory(reference="0002/26")
    assert paper_services.paper_reference_allocate(on=ON) == "0003/26"


@pytest.mark.django_db
def test_the_database_refuses_lowering_the_sequence_below_a_given_number():
    paper_services.paper_reference_allocate(on=ON)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperNumberSequence.objects.filter(year=2026).update(next_number=1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_allocations_get_different_numbers():
    assert connection.vendor == "postgresql"
    # The year's row exists already, so only its row lock keeps the two apart.
    paper_services.paper_number_sequence_set(actor=None, year=2026, next_number=1)
    barrier = threading.Barrier(2)
    results: list[str] = []
    errors: list[BaseException] = []

    def allocate():
        try:
            barrier.wait()
            with transaction.atomic():
                reference = paper_services.paper_reference_allocate(on=ON)
                # Hold the transaction open so the other allocation has to wait for it.
                time.sleep(0.3)
                Paper.objects.create(reference=reference, name="x", kind=Paper.Kind.INFORMATION)
            results.append(reference)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(results) == ["0001/26", "0002/26"]
    assert Paper.objects.count() == 2


@pytest.mark.django_db
def test_a_short_number_is_written_in_the_city_form(staff_user):
    paper = paper_services.paper_create(
        actor=staff_user, reference="18/22", name="A", kind="information"
    )
    assert paper.reference == "0018/22"
    with pytest.raises(DomainError) as exc:
        paper_services.paper_create(
            actor=staff_user, reference="0018/22", name="B", kind="information"
        )
    assert exc.value.field == "reference"


@pytest.mark.django_db
def test_staff_leave_the_number_empty_and_get_the_next_one(client, staff_user):
    client.force_login(staff_user)
    data = {"name": "Zwischeninformation", "kind": "information", "public": "on"}
    response = client.post(reverse("gremium:paper_create"), data | {"date": "2022-10-20"})
    assert response.status_code == 302
    assert Paper.objects.get().reference == "0001/22"
    # A wrong form is a message next to the field; what was typed stays.
    response = client.post(
        reverse("gremium:paper_create"), data | {"date": "2022-10-20", "reference": "18-22"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_reference_error"' in html and "Form 1803/22" in html
    assert 'value="18-22"' in html and 'value="Zwischeninformation"' in html
    assert Paper.objects.count() == 1


@pytest.mark.django_db
def test_staff_page_sets_a_year_start_and_refuses_a_lower_one_next_to_the_field(client, staff_user):
    client.force_login(staff_user)
    url = reverse("gremium:paper_numbers")
    response = client.post(url, {"year": "2026", "next_number": "1201"})
    assert response.status_code == 302
    assert paper_services.paper_reference_allocate(on=ON) == "1201/26"
    page = client.get(url).content.decode()
    assert "1202/26" in page and "1201/26" in page
    response = client.post(url, {"year": "2026", "next_number": "1000"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_next_number_error"' in html and "schon vergeben" in html
    assert 'value="1000"' in html
    assert PaperNumberSequence.objects.get(year=2026).next_number == 1202
