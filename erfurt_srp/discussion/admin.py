from django.contrib import admin

from .models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "target_type", "target_id", "anchor", "created_at", "hidden_at"]
    list_filter = ["target_type", "hidden_at"]
    search_fields = ["body", "author_name", "author_email"]
    raw_id_fields = ["author", "parent", "hidden_by"]
    # The body is sanitised when the comment is saved (Comment.save), here as everywhere.
