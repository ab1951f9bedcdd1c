from .models import Membership


def user_has_active_membership(user) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.active().filter(person__user=user).exists()
