"""Demo logins for the roles that do not come from a committee membership."""

from allauth.account.models import EmailAddress

from .models import User

DEMO_PASSWORD = "demo-erfurt-2022"

DEMO_USERS = [
    ("admin", "admin@demo.erfurt-srp.de", "Ada", "Admin", {"is_staff": True, "is_superuser": True}),
    ("staff", "geschaeftsstelle@demo.erfurt-srp.de", "Sven", "Sozialplaner", {"is_staff": True}),
    ("public", "buergerin@demo.erfurt-srp.de", "Berta", "Bürgerin", {}),
]


def ensure_demo_user(email: str, first_name: str, last_name: str, **flags) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first_name, "last_name": last_name, "is_demo": True, **flags},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(out) -> list[tuple[str, str, str]]:
    logins = []
    for role, email, first, last, flags in DEMO_USERS:
        ensure_demo_user(email, first, last, **flags)
        logins.append((role, email, DEMO_PASSWORD))
    return logins
