"""Every token expires. A token made before expiry existed (when each worked until revoked)
works for 90 days from this migration, the default lifetime of a new one: it keeps working
for now, and its owner sees on the API tokens page when it stops."""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone

EXISTING_TOKENS_WORK_FOR = dt.timedelta(days=90)


def expire_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=timezone.now() + EXISTING_TOKENS_WORK_FOR)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, help_text="When the token stops working, as its maker chose"),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(help_text="When the token stops working, as its maker chose"),
        ),
    ]
