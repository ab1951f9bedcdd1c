"""Every list pages with one parameter (?seite=) and one partial that keeps the other filters."""

from django.template.loader import render_to_string
from django.test import RequestFactory

from erfurt_srp.core.pagination import paginate


def _request(query):
    return RequestFactory().get("/liste/", query)


def test_paginate_reads_the_page_from_seite():
    page = paginate(_request({"seite": "2"}), list(range(30)), 10)

    assert page.number == 2 and list(page) == list(range(10, 20))


def test_paginate_ignores_the_old_page_parameter_and_bad_numbers():
    assert paginate(_request({"page": "2"}), list(range(30)), 10).number == 1
    assert paginate(_request({"seite": "x"}), list(range(30)), 10).number == 1
    assert paginate(_request({"seite": "99"}), list(range(30)), 10).number == 3


def test_partial_links_keep_the_filters_and_replace_only_the_page():
    request = _request({"status": "offen", "q": "Kita Süd", "seite": "2"})
    page = paginate(request, list(range(30)), 10)

    html = render_to_string("core/includes/pagination.html", {"page": page}, request=request)

    assert 'href="?status=offen&amp;q=Kita+S%C3%BCd&amp;seite=1" rel="prev"' in html
    assert 'href="?status=offen&amp;q=Kita+S%C3%BCd&amp;seite=3" rel="next"' in html
    assert "Seite 2 von 3" in html


def test_partial_renders_nothing_for_a_single_page():
    request = _request({})
    page = paginate(request, [1, 2], 10)

    assert (
        render_to_string("core/includes/pagination.html", {"page": page}, request=request).strip()
        == ""
    )
