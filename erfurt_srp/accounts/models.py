from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. Logs in by e-mail; there is no username.

    Roles: admin (is_superuser), staff of the Geschäftsstelle (is_staff), committee member
    (derived from an active gremium membership), registered public user (anyone else).
    """

    username = None
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    is_demo = models.BooleanField(
        _("Demo-Konto"), default=False, help_text=_("Angelegt von seed_demo, keine reale Person.")
    )
    language = models.CharField(
        _("Sprache"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("In dieser Sprache schreibt Ihnen die Plattform E-Mails."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("Benutzerkonto")
        verbose_name_plural = _("Benutzerkonten")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class Invitation(models.Model):
    """A personal link that lets someone create an account for a purpose (e.g. a membership).

    Only the SHA-256 hash of the token is stored; sending again issues a new token. What happens
    on acceptance is decided by the handler registered for `purpose` (accounts.invitations).
    """

    email = models.EmailField(_("E-Mail-Adresse"), db_index=True)
    token_hash = models.CharField(_("Token-Hash"), max_length=64, unique=True, editable=False)
    purpose = models.CharField(_("Zweck"), max_length=80, db_index=True)
    payload = models.JSONField(_("Daten"), default=dict, blank=True)
    invited_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
        verbose_name=_("eingeladen von"),
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    used_at = models.DateTimeField(_("angenommen am"), null=True, blank=True)
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
        verbose_name=_("Benutzerkonto"),
    )
    send_count = models.PositiveSmallIntegerField(_("Anzahl Versand"), default=0)
    last_sent_at = models.DateTimeField(_("zuletzt gesendet"), null=True, blank=True)

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        USED = "used", _("angenommen")
        EXPIRED = "expired", _("abgelaufen")

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.email} ({self.purpose})"

    @property
    def status(self) -> str:
        from django.utils import timezone

        if self.used_at:
            return self.Status.USED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.OPEN

    def get_status_display(self) -> str:
        return self.Status(self.status).label
