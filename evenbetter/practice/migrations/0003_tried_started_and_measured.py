"""When a school started trying an item, and what its tries achieved against similar schools.

Tries recorded before the question was asked are given the day they were recorded (in the
project's time zone) as their start: the best date known, and never earlier than the truth
could be for a school that said "we tried this" on that day. Their schools can correct it by
saying "we tried this" again. The results are worked out by the next refresh (or
``measures_refresh``); nothing is measured here."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def started_when_recorded(apps, schema_editor):
    Tried = apps.get_model("practice", "Tried")
    for tried in Tried.objects.filter(started_on__isnull=True).only("pk", "created_at").iterator():
        Tried.objects.filter(pk=tried.pk).update(started_on=timezone.localdate(tried.created_at))


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0010_inspection_dates_types_judgements'),
        ('practice', '0002_search'),
    ]

    operations = [
        migrations.AddField(
            model_name='tried',
            name='started_on',
            field=models.DateField(help_text="When the school started trying it (a term's first day is fine)", null=True),
        ),
        migrations.RunPython(started_when_recorded, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='tried',
            name='started_on',
            field=models.DateField(help_text="When the school started trying it (a term's first day is fine)"),
        ),
        migrations.CreateModel(
            name='ItemEvidence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('verdict', models.CharField(choices=[('better', "Better than similar schools' change"), ('unclear', "No clear difference from similar schools' change"), ('worse', "Worse than similar schools' change"), ('too_few', 'Too few similar schools to say'), ('not_yet', 'Not measured yet'), ('no_before', 'No result from the year before it started'), ('no_indicator', 'No published result measures its areas')], max_length=20)),
                ('rank', models.PositiveSmallIntegerField(help_text="The verdict's place in the order by evidence")),
                ('strength', models.FloatField(blank=True, help_text='The headline effect in standard errors', null=True)),
                ('words', models.TextField(blank=True, help_text="The headline in a line, for the library's cards")),
                ('measured_at', models.DateTimeField()),
                ('item', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='practice.practiceitem')),
            ],
        ),
        migrations.CreateModel(
            name='PooledResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField()),
                ('tried', models.PositiveIntegerField(help_text='Schools that tried the item')),
                ('schools', models.PositiveIntegerField(help_text='Schools pooled: measured, with enough similar schools')),
                ('effect', models.FloatField(blank=True, null=True)),
                ('low', models.FloatField(blank=True, null=True)),
                ('high', models.FloatField(blank=True, null=True)),
                ('standard_error', models.FloatField(blank=True, null=True)),
                ('verdict', models.CharField(choices=[('better', "Better than similar schools' change"), ('unclear', "No clear difference from similar schools' change"), ('worse', "Worse than similar schools' change"), ('too_few', 'Too few similar schools to say'), ('not_yet', 'Not measured yet'), ('no_before', 'No result from the year before it started'), ('no_indicator', 'No published result measures its areas')], max_length=20)),
                ('words', models.TextField()),
                ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='indicators.indicator')),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pooled_results', to='practice.practiceitem')),
            ],
            options={
                'ordering': ['item', 'position'],
                'constraints': [models.UniqueConstraint(fields=('item', 'indicator'), name='practice_pooled_result_once')],
            },
        ),
        migrations.CreateModel(
            name='TriedResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(help_text="Among the item's indicators: the headline first")),
                ('before_period', models.CharField(max_length=20)),
                ('after_period', models.CharField(blank=True, max_length=20)),
                ('effect', models.FloatField(blank=True, help_text="The school's change less its family's; + is better", null=True)),
                ('low', models.FloatField(blank=True, null=True)),
                ('high', models.FloatField(blank=True, null=True)),
                ('noise_sd', models.FloatField(blank=True, help_text='How far one school strays by chance', null=True)),
                ('comparison_schools', models.PositiveIntegerField(default=0)),
                ('verdict', models.CharField(choices=[('better', "Better than similar schools' change"), ('unclear', "No clear difference from similar schools' change"), ('worse', "Worse than similar schools' change"), ('too_few', 'Too few similar schools to say'), ('not_yet', 'Not measured yet'), ('no_before', 'No result from the year before it started'), ('no_indicator', 'No published result measures its areas')], max_length=20)),
                ('words', models.TextField()),
                ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='indicators.indicator')),
                ('tried', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='results', to='practice.tried')),
            ],
            options={
                'ordering': ['tried', 'position'],
                'constraints': [models.UniqueConstraint(fields=('tried', 'indicator'), name='practice_tried_result_once')],
            },
        ),
    ]
