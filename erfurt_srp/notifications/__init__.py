"""The outbox: every e-mail the platform sends, with its state. Public API for other apps:

Queue (in your service's transaction; the send is enqueued on commit, a rollback queues nothing):
    from erfurt_srp.notifications.services import Attachment, message_queue, message_queue_bulk
    message_queue(kind="meeting.invitation", recipient=email, subject=..., body=...,
                  related=meeting, revision=meeting.revision, html_body="", attachments=[...])
  An attachment's bytes are stored once (AttachmentContent, by SHA-256) however many messages
  carry them: an agenda PDF sent to every member is one row.
    message_queue_bulk([{...same keys...}, ...])      # many recipients, bounded queries
    messages_cancel_for_object(related=registration)  # withdraw what is not sent yet
  One message per (kind, related, recipient, revision): queueing it again returns the first row
  and sends nothing; raise the revision to send an update.
  A personal link: put links.LINK_PLACEHOLDER in the text where its token goes and pass the
  token as link_secret=...; no row keeps it once sent. Register a reissuer for the kind in your
  app's AppConfig.ready() (links.register_link_reissuer) so that staff can send a failed one
  again (see links.py).
    messages_delete_for_objects(model=..., pks=[...])  # retention: the mails go with the objects

Write mails as templates:
    from erfurt_srp.notifications.rendering import render_message
    subject, body, html_body = render_message("gremium/mail/invitation", context)
  (<prefix>_subject.txt, <prefix>_body.txt, optional <prefix>_body.html)

Calendar files and feeds:
    from erfurt_srp.notifications.ics import CalendarEvent, calendar_uid, ics_attachment, ics_feed

Show who got what about an object (staff pages):
    from erfurt_srp.notifications.selectors import outbox_for_object
    {% include "notifications/_object_outbox.html" with outbox_messages=outbox_messages %}
    or {% load outbox_tags %}{% object_outbox meeting %}

Staff pages: notifications:outbox_list (/outbox/), notifications:outbox_detail.
Workers must consume the `mail` queue: celery -A erfurt_srp worker -Q default,mail
"""
