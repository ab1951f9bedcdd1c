from django.urls import NoReverseMatch, get_script_prefix, reverse

from erfurt_srp.accounts.roles import is_staff, role_of

from . import registry

# URLs are language-neutral, so a nav item's URL depends only on the script prefix and its
# arguments: reversed once per process instead of on every request.
_url_cache: dict[tuple, str | None] = {}


def _nav_url(item, prefix: str) -> str | None:
    kwargs = tuple(sorted(item.url_kwargs.items())) if item.url_kwargs else ()
    key = (prefix, item.url_name, kwargs)
    if key not in _url_cache:
        try:
            _url_cache[key] = reverse(item.url_name, kwargs=item.url_kwargs or None)
        except NoReverseMatch:
            _url_cache[key] = None
    return _url_cache[key]


def _navigation(request, user) -> dict:
    main, staff = [], []
    user_is_staff = is_staff(user)
    prefix = get_script_prefix()
    for item in registry.nav_items:
        # Items shown only to staff (section="staff", or visible=roles.is_staff) go to the
        # staff bar, so the main navigation stays short for everyone.
        section = "staff" if item.section == "staff" or item.visible is is_staff else "main"
        if section == "staff" and not user_is_staff:
            continue
        if not item.visible(user):
            continue
        url = _nav_url(item, prefix)
        if url is None:
            continue
        entry = {
            "label": item.label,
            "url": url,
            "active": request.path.startswith(url) and url != "/",
        }
        (staff if section == "staff" else main).append(entry)
    return {
        "nav_items": main,
        "staff_nav_items": staff,
        "user_role": role_of(user),
    }


def navigation(request):
    """Navigation entries the user may see, split into the main and the staff section, and the
    user's role.

    Computed once per request and user: a page whose parts render with the request (the home
    page's sections, htmx partials) runs the context processors for each part."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    memo = getattr(request, "_srp_navigation", None)
    if memo is None or memo[0] is not user:
        memo = (user, _navigation(request, user))
        request._srp_navigation = memo
    return memo[1]
