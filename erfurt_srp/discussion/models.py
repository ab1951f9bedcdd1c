from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .sanitize import sanitize_comment


class Comment(models.Model):
    """A comment (or a reply) on anything: an agenda item, a guideline paragraph, a proposal.

    `anchor` narrows the target (e.g. a paragraph key "3" of a guideline version). Authors are
    users, or people who came through a personal link (author_name/author_email, no account).
    `body` is stored sanitised (nh3, on every save, the admin's included) and may hold a small
    set of inline HTML. A comment held for review (`held_at`) is hidden until staff release it.
    """

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    anchor = models.CharField(_("Bezug"), max_length=64, blank=True, default="")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("Antwort auf"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("Verfasst von"),
    )
    author_name = models.CharField(_("Name"), max_length=200, blank=True)
    author_email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    # The author deleted their account; the comment stays as part of a public record.
    author_deleted = models.BooleanField(_("Konto gelöscht"), default=False)
    author_group = models.CharField(
        _("Zielgruppe / Institution"),
        max_length=200,
        blank=True,
        help_text=_("z. B. Fraktion, Träger, Ortsteil"),
    )
    body = models.TextField(_("Kommentar"))
    # The privacy notice version (erfurt_srp.core.legal) a person without an account agreed to.
    privacy_version = models.CharField(
        _("Fassung der Datenschutzhinweise"), max_length=40, blank=True, default=""
    )
    created_at = models.DateTimeField(_("verfasst am"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("bearbeitet am"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("ausgeblendet am"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(_("Grund der Ausblendung"), max_length=500, blank=True)
    # Held for review: also hidden (hidden_at), so every list that leaves out hidden comments
    # leaves it out; released by comment_release, rejected (deleted) by comment_reject.
    held_at = models.DateTimeField(_("zur Prüfung zurückgehalten seit"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "anchor"]),
            models.Index(
                fields=["held_at"],
                name="comment_held_idx",
                condition=models.Q(held_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.author_display}: {self.body[:60]}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body = sanitize_comment(self.body)
        super().save(*args, **kwargs)

    @property
    def author_display(self) -> str:
        if self.author_id:
            return self.author.display_name
        if self.author_deleted:
            return str(_("gelöschtes Konto"))
        return self.author_name or str(_("Unbekannt"))

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None
