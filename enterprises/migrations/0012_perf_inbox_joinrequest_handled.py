"""The triage queue's handled requests, latest first, read in index order (decision 012)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0011_merge_iss17b"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="joinrequest",
            index=models.Index(
                condition=models.Q(("status", "new"), _negated=True),
                fields=["-handled_at", "-id"],
                name="joinrequest_handled_latest",
            ),
        ),
    ]
