import hashlib

import django.db.models.deletion
from django.db import migrations, models


def store_contents_once(apps, schema_editor):
    AttachmentContent = apps.get_model("notifications", "AttachmentContent")
    OutboxAttachment = apps.get_model("notifications", "OutboxAttachment")
    stored = {}
    for attachment in OutboxAttachment.objects.order_by("pk").iterator(chunk_size=200):
        content = bytes(attachment.content)
        digest = hashlib.sha256(content).hexdigest()
        if digest not in stored:
            stored[digest] = AttachmentContent.objects.get_or_create(
                sha256=digest, defaults={"content": content}
            )[0].pk
        OutboxAttachment.objects.filter(pk=attachment.pk).update(stored_id=stored[digest])
    if schema_editor.connection.vendor == "postgresql":
        # the foreign keys are deferred: check them now, before the table is altered again
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_outbox_link_secret_pruned_recipient"),
    ]

    operations = [
        migrations.CreateModel(
            name="AttachmentContent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sha256", models.CharField(max_length=64, unique=True)),
                ("content", models.BinaryField(verbose_name="Inhalt")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="angelegt")),
            ],
            options={
                "verbose_name": "Inhalt eines Anhangs",
                "verbose_name_plural": "Inhalte von Anhängen",
            },
        ),
        migrations.AddField(
            model_name="outboxattachment",
            name="stored",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="attachments",
                to="notifications.attachmentcontent",
                verbose_name="Inhalt",
            ),
        ),
        migrations.RunPython(store_contents_once, migrations.RunPython.noop),
        migrations.RemoveField(model_name="outboxattachment", name="content"),
        migrations.AlterField(
            model_name="outboxattachment",
            name="stored",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="attachments",
                to="notifications.attachmentcontent",
                verbose_name="Inhalt",
            ),
        ),
    ]
