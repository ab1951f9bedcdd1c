from django.urls import NoReverseMatch, get_script_prefix, reverse

from erfurt_srp.accounts.roles import is_staff, role_of

from . import registry

# URLs are language-neutral, so a nav item's URL only depends on the script prefix: reverse
# once per process instead of on every request (profiling showed it on every page).
_url_cache: dict[tuple, str | None] = {}


def _nav_url(item) -> str | None:
    key = (get_script_prefix(), item.url_name, tuple(sorted((item.url_kwargs or {}).items())))
    if key not in _url_cache:
        try:
            _url_cache[key] = reverse(item.url_name, kwargs=item.url_kwargs or None)
        except NoReverseMatch:
            _url_cache[key] = None
    return _url_cache[key]


def navigation(request):
    """Navigation entries the user may see, split into the main and the staff section."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    main, staff = [], []
    user_is_staff = is_staff(user)
    for item in registry.nav_items:
        # Items shown only to staff (section="staff", or visible=roles.is_staff) go to the
        # staff bar, so the main navigation stays short for everyone.
        section = "staff" if item.section == "staff" or item.visible is is_staff else "main"
        if section == "staff" and not user_is_staff:
            continue
        if not item.visible(user):
            continue
        url = _nav_url(item)
        if url is None:
            continue
        entry = {
            "label": item.label,
            "url": url,
            "active": request.path.startswith(url) and url != "/",
        }
        (staff if section == "staff" else main).append(entry)
    return {"nav_items": main, "staff_nav_items": staff, "user_role": role_of(user)}
