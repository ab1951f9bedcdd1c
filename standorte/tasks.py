"""Background jobs of standorte: thin, take ids, call the builders."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erfurt_srp.accounts.languages import recipient_language
from erfurt_srp.notifications.services import message_queue

from . import exports, selectors
from .models import ExportJob

logger = logging.getLogger(__name__)


# The hard time limit stays below ExportJob.LEASE: a job still running after its lease lost its
# worker (erfurt_srp.exports.leases).
@shared_task(acks_late=True, max_retries=2, soft_time_limit=1500, time_limit=1560)
def export_job_run(job_id: int) -> None:
    """Build an export file and store it; idempotent (a finished job is left alone, a running
    one too unless its lease has run out)."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
        if job is None or job.state == ExportJob.State.DONE:
            return
        now = timezone.now()
        if job.state == ExportJob.State.RUNNING and job.lease_until and job.lease_until >= now:
            return
        job.state = ExportJob.State.RUNNING
        job.progress = 0
        job.lease_until = ExportJob.new_lease(now)
        job.save(update_fields=["state", "progress", "lease_until"])
    recommendations = list(
        selectors.recommendations_for_export(
            recommendation_id=job.recommendation_id,
            date_from=job.date_from,
            date_to=job.date_to,
        )
    )
    last = {"value": -1}

    def progress(done, total):
        # Building takes most of the time after the rows; keep 10 % for rendering.
        value = int(90 * done / max(total, 1))
        if value - last["value"] >= 10:
            ExportJob.objects.filter(pk=job.pk).update(progress=value)
            last["value"] = value

    try:
        if not recommendations:
            raise ValueError(_("Es gibt keine Empfehlungen mehr für diesen Export."))
        filename, mimetype, content = exports.BUILDERS[job.format](recommendations, progress)
    except Exception as exc:
        # The job page shows the failure and offers a retry; the log keeps the traceback.
        logger.exception("standorte: export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return
    job.file.save(filename, ContentFile(content), save=False)
    job.filename = filename
    job.mimetype = mimetype
    job.state = ExportJob.State.DONE
    job.progress = 100
    job.total = len(recommendations)
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save(
            update_fields=[
                "file",
                "filename",
                "mimetype",
                "state",
                "progress",
                "total",
                "finished_at",
            ]
        )
        user = job.requested_by
        if user is not None and user.email:
            from django.conf import settings

            with recipient_language(user.email):
                subject = _("Ihr Export ist fertig: %(name)s") % {"name": filename}
                body = _(
                    "Guten Tag,\n\nder angeforderte Export „%(name)s“ ist fertig und kann hier "
                    "heruntergeladen werden:\n%(url)s\n\nGeschäftsstelle Sozialraumplanung"
                ) % {"name": filename, "url": settings.SITE_URL + job.get_absolute_url()}
            message_queue(
                kind="standorte.export_ready",
                recipient=user.email,
                subject=subject,
                body=body,
                related=job,
            )


@shared_task(acks_late=True, max_retries=2)
def recommendation_paper_pdf(recommendation_id: int) -> None:
    """Attach the Drucksache PDF as the main file of the recommendation's paper (once)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gremium.services import papers as paper_services

    recommendation = selectors.recommendations_for_export(
        recommendation_id=recommendation_id
    ).first()
    if recommendation is None or recommendation.paper_id is None:
        return
    if recommendation.paper.files.filter(is_main=True).exists():
        return
    filename, mimetype, content = exports.build_pdf([recommendation])
    paper_services.file_attach(
        actor=None,
        upload=SimpleUploadedFile(filename, content, content_type=mimetype),
        paper=recommendation.paper,
        is_main=True,
        name=_("Drucksache %(reference)s (PDF)") % {"reference": recommendation.paper.reference},
    )
