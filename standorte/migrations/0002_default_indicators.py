from django.db import migrations

DEFAULT_INDICATORS = [
    ("sozialindex", "Sozialindex", "", True, 0),
    ("sgb_ii_quote", "SGB-II-Quote", "%", False, 10),
    ("kinderarmut", "Kinderarmut (Kinder unter 15 Jahren mit SGB-II-Bezug)", "%", False, 20),
    ("arbeitslosenquote", "Arbeitslosenquote", "%", False, 30),
    ("anteil_aeltere", "Anteil Ältere (65 Jahre und älter)", "%", False, 40),
]


def create_indicators(apps, schema_editor):
    Indicator = apps.get_model("standorte", "Indicator")
    for key, name, unit, is_index, order in DEFAULT_INDICATORS:
        Indicator.objects.get_or_create(
            key=key, defaults={"name": name, "unit": unit, "is_index": is_index, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("standorte", "0001_initial")]

    operations = [migrations.RunPython(create_indicators, migrations.RunPython.noop)]
