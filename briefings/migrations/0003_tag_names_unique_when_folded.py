from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("briefings", "0002_live_counts_and_folded_names"),
    ]

    operations = [
        migrations.AlterField(
            model_name="tag",
            name="name_key",
            field=models.CharField(editable=False, max_length=100, unique=True),
        ),
    ]
