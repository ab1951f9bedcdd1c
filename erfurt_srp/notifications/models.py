from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .links import mask_link


class OutboxMessage(models.Model):
    """One outgoing e-mail. Written in the transaction of the change that causes it.

    Unique per (kind, related object, recipient, revision): queueing the same message twice
    returns the existing row, and a re-run send task finds it already sent.

    Life cycle: pending -> sending -> sent; a failed try goes to retrying (and back to sending
    on the next try); after the last try it ends in failed, which staff can send again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENDING = "sending", _("wird gesendet")
        RETRYING = "retrying", _("neuer Versuch geplant")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")
        CANCELLED = "cancelled", _("verworfen")

    # States a send task may claim (sending only once it is stuck, see sending.claim).
    SENDABLE = (Status.PENDING, Status.RETRYING)
    OPEN = (Status.PENDING, Status.SENDING, Status.RETRYING)

    kind = models.CharField(_("Art"), max_length=80, db_index=True)
    recipient = models.EmailField(_("Empfänger"))
    subject = models.CharField(_("Betreff"), max_length=255)
    body = models.TextField(_("Text"))
    html_body = models.TextField(_("HTML-Text"), blank=True)
    # The secret part of a personal link while the message waits to be sent; the texts hold
    # links.LINK_PLACEHOLDER in its place. Cleared when the message is sent, fails for good or is
    # withdrawn. Not editable: no form (admin, staff pages) ever shows it.
    link_secret = models.CharField(max_length=255, blank=True, default="", editable=False)
    related_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("Objekttyp")
    )
    related_id = models.CharField(_("Objekt-ID"), max_length=64, blank=True)
    related = GenericForeignKey("related_type", "related_id")
    related_label = models.CharField(_("Objekt"), max_length=255, blank=True)
    revision = models.CharField(_("Revision"), max_length=64, blank=True, default="")
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("Letzter Fehler"), blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True, db_index=True)
    # When the next try is due: the beat job re-enqueues open rows whose time has long passed
    # (an enqueue lost between commit and broker, a retry message lost with its worker).
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), default=timezone.now)
    sending_since = models.DateTimeField(_("in Versand seit"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    resend_count = models.PositiveSmallIntegerField(_("erneut gesendet"), default=0)
    # After the retention period (OUTBOX_RETENTION_DAYS) text, attachments, recipient address
    # and object label are deleted; the row stays as a count of what was sent of which kind.
    pruned_at = models.DateTimeField(_("Inhalt gelöscht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Postausgang")
        ordering = ["-created_at", "-id"]
        # Pruned rows have no recipient any more and drop out of the uniqueness.
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "related_type", "related_id", "recipient", "revision"],
                condition=Q(pruned_at__isnull=True),
                name="outbox_unique_message",
            ),
            # NULLs are distinct in a unique index: messages without an object need their own.
            models.UniqueConstraint(
                fields=["kind", "recipient", "revision"],
                condition=Q(related_type__isnull=True, pruned_at__isnull=True),
                name="outbox_unique_message_no_object",
            ),
        ]
        indexes = [
            models.Index(fields=["related_type", "related_id"]),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due_idx"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient} ({self.get_status_display()})"

    @property
    def can_resend(self) -> bool:
        return self.status == self.Status.FAILED and self.pruned_at is None

    @property
    def masked_body(self) -> str:
        """The text as staff may see it: a personal link shows as dots."""
        return mask_link(self.body)

    @property
    def masked_html_body(self) -> str:
        return mask_link(self.html_body)


class AttachmentContent(models.Model):
    """The bytes of an attachment, stored once however many messages carry them (an agenda PDF
    sent to every member is one row), found by their SHA-256."""

    sha256 = models.CharField(max_length=64, unique=True)
    content = models.BinaryField(_("Inhalt"))
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Inhalt eines Anhangs")
        verbose_name_plural = _("Inhalte von Anhängen")

    def __str__(self):
        return self.sha256[:12]


class OutboxAttachment(models.Model):
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("Dateiname"), max_length=255)
    mimetype = models.CharField(_("Dateityp"), max_length=100)
    stored = models.ForeignKey(
        AttachmentContent,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("Inhalt"),
    )

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")
        ordering = ["id"]

    def __str__(self):
        return self.filename

    @property
    def content(self) -> bytes:
        return bytes(self.stored.content)
