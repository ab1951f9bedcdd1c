from django.db import migrations


def create_row(apps, schema_editor):
    # The one version row, so writers only ever update it (services.area_data_changed creates
    # it again where a test flush removed it).
    apps.get_model("standorte", "AreaDataVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("standorte", "0003_area_data_version")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
