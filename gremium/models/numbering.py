"""The running numbers of Drucksachen (Paper.reference), one sequence per year."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["PaperNumberSequence"]


class PaperNumberSequence(models.Model):
    """The next Drucksache number of one year, in the city's format NNNN/YY.

    `next_number` only grows: a number once given out is never given out again, even when its
    paper is deleted. Staff may raise it (e.g. to continue after the city's own numbers) but not
    lower it below what was already given out (`last_issued`).
    """

    year = models.PositiveSmallIntegerField(_("Jahr"), primary_key=True)
    next_number = models.PositiveIntegerField(_("nächste Nummer"), default=1)
    last_issued = models.PositiveIntegerField(_("zuletzt vergeben"), default=0)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Nummernkreis für Drucksachen")
        verbose_name_plural = _("Nummernkreise für Drucksachen")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_number__gt=models.F("last_issued")),
                name="paper_number_sequence_never_reused",
            ),
            models.CheckConstraint(
                condition=models.Q(next_number__gte=1, next_number__lte=100000),
                name="paper_number_sequence_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.year}: {self.next_number:04d}/{self.year % 100:02d}"

    def clean(self):
        if self.next_number is not None and self.next_number <= (self.last_issued or 0):
            raise ValidationError(
                {
                    "next_number": _(
                        "Die Nummer %(n)s ist schon vergeben; die nächste Nummer muss größer "
                        "sein als %(last)s."
                    )
                    % {"n": self.next_number, "last": self.last_issued}
                }
            )
