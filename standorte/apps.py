from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandorteConfig(AppConfig):
    name = "standorte"
    verbose_name = _("Standorte")
