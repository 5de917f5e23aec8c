# The app's migrations 0001-0012 in one (Django 5.2.19's squashmigrations, 7 December 2026): a new
# database runs this one instead of 12, to the same tables, columns, indexes and constraints, in less
# time (docs/benchmarks.md, "make test's margin, session 14"). A database part-way through them
# finishes with the old files, which stay until every installation has passed them.
# One difference, on SQLite only: importrun's column confirmed_by_run_id comes after run_by_id, as on
# PostgreSQL, where the old migrations left it last (SQLite rebuilt the table around it).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('indicators', '0001_initial'), ('indicators', '0002_indicators_observations_inspections'), ('indicators', '0003_import_run_options_examples'), ('indicators', '0004_disputes'), ('indicators', '0005_data_quality_domain'), ('indicators', '0006_indicator_headline'), ('indicators', '0007_indicator_standard_and_cohort'), ('indicators', '0008_indicator_is_public'), ('indicators', '0009_importrun_process_and_interrupted'), ('indicators', '0010_inspection_dates_types_judgements'), ('indicators', '0011_observation_no_separate_school_and_indicator_indexes'), ('indicators', '0012_school_data_glance')]

    initial = True

    dependencies = [
        ('schools', '0001_initial'),
        ('schools', '0002_school_identifiers'),
        ('schools', '0003_school_links'),
        ('schools', '0004_agreed_locality_links'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Indicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=80, unique=True)),
                ('name', models.CharField(max_length=200)),
                ('description', models.TextField(blank=True)),
                ('unit', models.CharField(blank=True, help_text='e.g. "%", "pupils", "£", "score"', max_length=30)),
                ('direction', models.CharField(choices=[('higher', 'Higher is better'), ('lower', 'Lower is better'), ('neither', 'Neither (context)')], default='neither', max_length=10)),
                ('domain', models.CharField(choices=[('outcomes', 'Outcomes'), ('attendance', 'Attendance'), ('workforce', 'Workforce'), ('governance', 'Governance'), ('partnership', 'Partnership'), ('wellbeing', 'Wellbeing and trust'), ('context', 'Context'), ('data_quality', 'Confidence in the evidence')], db_index=True, max_length=20)),
                ('source', models.CharField(blank=True, max_length=200)),
                ('comparison', models.CharField(choices=[('percent', 'Percentage'), ('score', 'Score'), ('count', 'Count'), ('ordinal', 'Ordinal grade'), ('amount', 'Amount or ratio')], max_length=10)),
                ('decimal_places', models.PositiveSmallIntegerField(default=1)),
                ('minimum', models.FloatField(blank=True, help_text='Lowest valid value; lower is an error', null=True)),
                ('maximum', models.FloatField(blank=True, help_text='Highest valid value; higher is an error', null=True)),
                ('ordinal_labels', models.JSONField(blank=True, default=dict, help_text='For grades: value to label, e.g. {"1": "Outstanding"}')),
                ('headline', models.BooleanField(default=False, help_text='Shown as a chart on the school page; the rest are listed beneath')),
                ('cohort_indicator', models.SlugField(blank=True, help_text='The code of the indicator counting the pupils this one rests on, for small-cohort warnings', max_length=80)),
                ('standard', models.FloatField(blank=True, help_text='An absolute standard shown beside the peer comparison (e.g. 0 for a progress score); when blank, the median of all schools of the phase is used', null=True)),
                ('standard_label', models.CharField(blank=True, help_text='e.g. "National average progress"', max_length=120)),
                ('is_public', models.BooleanField(default=True, help_text="Published data anyone who may open the school's page sees; local records (partnership life, workforce returns, staff surveys) are seen only by the school's own people and those who see it in full")),
            ],
            options={
                'ordering': ['domain', 'name'],
            },
        ),
        migrations.CreateModel(
            name='ImportRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source_format', models.CharField(max_length=40)),
                ('file_name', models.CharField(max_length=255)),
                ('file_size', models.PositiveBigIntegerField(default=0)),
                ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                ('started_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('status', models.CharField(choices=[('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed: nothing written'), ('dry_run', 'Dry run: nothing written'), ('interrupted', 'Interrupted: stopped part-way, nothing written')], max_length=20)),
                ('dry_run', models.BooleanField(default=False)),
                ('rows_read', models.PositiveIntegerField(default=0)),
                ('rows_accepted', models.PositiveIntegerField(default=0)),
                ('rows_rejected', models.PositiveIntegerField(default=0)),
                ('records_created', models.PositiveIntegerField(default=0)),
                ('records_updated', models.PositiveIntegerField(default=0)),
                ('records_unchanged', models.PositiveIntegerField(default=0)),
                ('problems', models.JSONField(blank=True, default=list, help_text='Every problem with file, line and column')),
                ('run_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='import_runs', to=settings.AUTH_USER_MODEL)),
                ('confirmed_by_run', models.OneToOneField(blank=True, help_text='For a preview: the import that carried it out', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='preview', to='indicators.importrun')),
                ('examples', models.JSONField(blank=True, default=list, help_text='A sample of what was (or would be) changed')),
                ('options', models.JSONField(blank=True, default=dict, help_text='What the import was told: period, scheme, …')),
                ('process', models.CharField(blank=True, help_text='host:pid of the process that ran it, to tell a run still going from one whose process died', max_length=300)),
            ],
            options={
                'ordering': ['-started_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='Observation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.CharField(help_text='An academic year "2018/19" or a date "2019-01-17"', max_length=20)),
                ('period_start', models.DateField(help_text='When the period starts, for ordering')),
                ('value', models.FloatField(blank=True, null=True)),
                ('status', models.CharField(choices=[('value', 'Value'), ('suppressed', 'Suppressed (too few pupils to publish)'), ('missing', 'Missing (not available)')], default='value', max_length=10)),
                ('provisional', models.BooleanField(default=False)),
                ('import_run', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='observations', to='indicators.importrun')),
                ('indicator', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='observations', to='indicators.indicator')),
                ('school', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='observations', to='schools.school')),
            ],
            options={
                'ordering': ['indicator', 'period_start'],
                'indexes': [models.Index(fields=['indicator', 'period'], name='observation_indicator_period')],
                'constraints': [models.UniqueConstraint(fields=('school', 'indicator', 'period'), name='observation_unique_period')],
            },
        ),
        migrations.CreateModel(
            name='Dispute',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('raised_at', models.DateTimeField(auto_now_add=True)),
                ('reason', models.TextField(help_text='What is wrong with the value, and what it should be if known')),
                ('suggested_value', models.FloatField(blank=True, null=True)),
                ('status', models.CharField(choices=[('open', 'Open'), ('corrected', 'Corrected'), ('upheld', 'Value upheld as it was')], db_index=True, default='open', max_length=10)),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
                ('resolution_note', models.TextField(blank=True)),
                ('value_before', models.FloatField(blank=True, help_text='The value when the dispute was raised', null=True)),
                ('status_before', models.CharField(blank=True, max_length=10)),
                ('observation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='disputes', to='indicators.observation')),
                ('raised_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='disputes_raised', to=settings.AUTH_USER_MODEL)),
                ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='disputes_resolved', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-raised_at', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('observation',), name='dispute_one_open_per_value')],
            },
        ),
        migrations.CreateModel(
            name='Inspection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('inspected_on', models.DateField(blank=True, null=True)),
                ('as_at', models.CharField(help_text='The period the source reports the grade for: the academic year of the date when there is one', max_length=20)),
                ('grade', models.PositiveSmallIntegerField(blank=True, help_text='1 Outstanding … 4 Inadequate', null=True)),
                ('grade_label', models.CharField(max_length=40)),
                ('source', models.CharField(max_length=100)),
                ('import_run', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='inspections', to='indicators.importrun')),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='inspections', to='schools.school')),
                ('inspection_type', models.CharField(blank=True, help_text='As the source names it, e.g. "Section 5" or "Full inspection"', max_length=60)),
                ('judgements', models.JSONField(blank=True, default=dict, help_text='Sub-judgements by name, as grades 1-4, e.g. {"quality_of_education": 2}')),
            ],
            options={
                'ordering': ['school', '-inspected_on'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('inspected_on__isnull', False)), fields=('school', 'source', 'inspected_on'), name='inspection_unique_source_date'), models.UniqueConstraint(condition=models.Q(('inspected_on__isnull', True)), fields=('school', 'source', 'as_at'), name='inspection_unique_source_as_at')],
            },
        ),
        migrations.CreateModel(
            name='SchoolDataGlance',
            fields=[
                ('school', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='schools.school')),
                ('published_up_to', models.CharField(blank=True, help_text='Latest period of published values', max_length=20)),
                ('local_up_to', models.CharField(blank=True, help_text='Latest period of local records', max_length=20)),
                ('generated_published_up_to', models.CharField(blank=True, help_text='Latest period of generated values of published indicators', max_length=20)),
                ('generated_up_to', models.CharField(blank=True, help_text='Latest period of any generated value', max_length=20)),
                ('worked_out_at', models.DateTimeField(auto_now=True)),
                ('confidence', models.ForeignKey(blank=True, help_text='The latest confidence in the evidence base (data_confidence) with a value', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='indicators.observation')),
            ],
        ),
    ]
