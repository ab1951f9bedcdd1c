"""The ranking of the social areas is cached per year that has data: a year without data
shows the latest year and adds no cache key."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.standorte.factories import DistrictFactory, IndicatorValueFactory, index_indicator

pytestmark = pytest.mark.django_db


def _keys() -> set:
    return set(cache._cache)  # the tests' local-memory cache (settings_test)


def test_years_without_data_add_no_cache_keys(client):
    district = DistrictFactory(number=6, name="Rieth")
    for year in (2022, 2023):
        IndicatorValueFactory(
            district=district, indicator=index_indicator(), year=year, value=Decimal("1.5")
        )
    url = reverse("standorte:area_list")
    assert client.get(url).status_code == 200
    known = _keys()
    for junk in ("1950", "2099", "1", "999999999999", "x", "2023.0"):
        assert client.get(f"{url}?jahr={junk}").status_code == 200
    assert _keys() == known
    assert client.get(f"{url}?jahr=2022").status_code == 200
    assert len(_keys() - known) == 1
