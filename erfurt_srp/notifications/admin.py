from django.contrib import admin

from .models import OutboxAttachment, OutboxMessage


class AttachmentInline(admin.TabularInline):
    model = OutboxAttachment
    fields = ["filename", "mimetype"]
    readonly_fields = ["filename", "mimetype"]
    extra = 0
    can_delete = False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-mostly: staff use /outbox/ (send again there); rows change only through services."""

    list_display = ["kind", "recipient", "subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "subject", "related_label"]
    list_select_related = ["related_type"]
    readonly_fields = [
        "related_type",
        "related_id",
        "related_label",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sending_since",
        "sent_at",
        "resend_count",
        "last_error",
    ]
    inlines = [AttachmentInline]
