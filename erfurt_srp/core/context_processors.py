from django.urls import NoReverseMatch, get_script_prefix, reverse

from erfurt_srp.accounts.roles import is_staff, role_of

from . import registry

# URLs are language-neutral, so a URL without arguments only depends on the script prefix:
# reverse once per process instead of on every request.
_url_cache: dict[tuple, str | None] = {}

# The links of the layout itself (templates/base.html: brand, account menu, language form,
# footer), as `layout_urls.<name>` with ":" written "_".
LAYOUT_URL_NAMES = (
    "home",
    "dashboard",
    "account_login",
    "account_signup",
    "account_email",
    "accounts:my_data",
    "accounts:settings",
    "account_logout",
    "set_language",
    "impressum",
    "privacy",
    "accessibility",
)
_layout_urls: dict[str, dict[str, str]] = {}


def _nav_url(item, prefix: str) -> str | None:
    kwargs = tuple(sorted(item.url_kwargs.items())) if item.url_kwargs else ()
    key = (prefix, item.url_name, kwargs)
    if key not in _url_cache:
        try:
            _url_cache[key] = reverse(item.url_name, kwargs=item.url_kwargs or None)
        except NoReverseMatch:
            _url_cache[key] = None
    return _url_cache[key]


def layout_urls(prefix: str) -> dict[str, str]:
    urls = _layout_urls.get(prefix)
    if urls is None:
        urls = {name.replace(":", "_"): reverse(name) for name in LAYOUT_URL_NAMES}
        _layout_urls[prefix] = urls
    return urls


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
        "layout_urls": layout_urls(prefix),
    }


def navigation(request):
    """Navigation entries the user may see, split into the main and the staff section; the
    user's role; the layout's links.

    Computed once per request and user: a page whose parts render with the request (the home
    page's sections, htmx partials) runs the context processors for each part."""
    user = getattr(request, "user", None)
    if user is None:
        return {"layout_urls": layout_urls(get_script_prefix())}
    memo = getattr(request, "_srp_navigation", None)
    if memo is None or memo[0] is not user:
        memo = (user, _navigation(request, user))
        request._srp_navigation = memo
    return memo[1]
