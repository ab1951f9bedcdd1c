from django.urls import NoReverseMatch, reverse

from erfurt_srp.accounts.roles import role_of

from . import registry


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    items = []
    for item in registry.nav_items:
        if not item.visible(user):
            continue
        try:
            url = reverse(item.url_name, kwargs=item.url_kwargs or None)
        except NoReverseMatch:
            continue
        items.append(
            {"label": item.label, "url": url, "active": request.path.startswith(url) and url != "/"}
        )
    return {"nav_items": items, "user_role": role_of(user)}
