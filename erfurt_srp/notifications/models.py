from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One outgoing e-mail. Written in the transaction of the change that causes it.

    Unique per (kind, related object, recipient, revision): queueing the same message twice
    returns the existing row, and a re-run send task finds it already sent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENDING = "sending", _("wird gesendet")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")
        CANCELLED = "cancelled", _("verworfen")

    kind = models.CharField(_("Art"), max_length=80, db_index=True)
    recipient = models.EmailField(_("Empfänger"))
    subject = models.CharField(_("Betreff"), max_length=255)
    body = models.TextField(_("Text"))
    html_body = models.TextField(_("HTML-Text"), blank=True)
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
    sending_since = models.DateTimeField(_("in Versand seit"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Postausgang")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "related_type", "related_id", "recipient", "revision"],
                name="outbox_unique_message",
            )
        ]
        indexes = [models.Index(fields=["related_type", "related_id"])]

    def __str__(self):
        return f"{self.kind} → {self.recipient} ({self.get_status_display()})"


class OutboxAttachment(models.Model):
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    mimetype = models.CharField(max_length=100)
    content = models.BinaryField()

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")

    def __str__(self):
        return self.filename
