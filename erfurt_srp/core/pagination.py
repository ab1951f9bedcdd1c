"""Every paginated list reads its page from one query parameter and renders one partial
(templates/core/includes/pagination.html, which keeps the other parameters of the request)."""

from django.core.paginator import Page, Paginator

PAGE_PARAM = "seite"


def paginate(request, object_list, per_page: int) -> Page:
    """The requested page of `object_list`; a missing, invalid or too large number gives the
    first or last page instead of an error."""
    return Paginator(object_list, per_page).get_page(request.GET.get(PAGE_PARAM))


def page_number(request) -> int:
    """The requested page number for a cache key: 1 for anything but a whole number from 1 (a
    number past the last page is the caller's to check once it knows the count)."""
    try:
        return max(int(request.GET.get(PAGE_PARAM, "")), 1)
    except ValueError:
        return 1
