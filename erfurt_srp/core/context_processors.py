from django.urls import NoReverseMatch, reverse

from erfurt_srp.accounts.roles import is_staff, role_of

from . import registry


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
        try:
            url = reverse(item.url_name, kwargs=item.url_kwargs or None)
        except NoReverseMatch:
            continue
        entry = {
            "label": item.label,
            "url": url,
            "active": request.path.startswith(url) and url != "/",
        }
        (staff if section == "staff" else main).append(entry)
    return {"nav_items": main, "staff_nav_items": staff, "user_role": role_of(user)}
