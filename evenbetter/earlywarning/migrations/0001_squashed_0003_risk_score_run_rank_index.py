# The app's migrations 0001-0003 in one (Django 5.2.19's squashmigrations, 7 December 2026): a new
# database runs this one instead of 3, to the same tables, columns, indexes and constraints, in less
# time (docs/benchmarks.md, "make test's margin, session 14"). A database part-way through them
# finishes with the old files, which stay until every installation has passed them.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('earlywarning', '0001_initial'), ('earlywarning', '0002_riskscore_set_aside_and_evidence'), ('earlywarning', '0003_risk_score_run_rank_index')]

    initial = True

    dependencies = [
        ('schools', '0002_school_identifiers'),
        ('schools', '0004_agreed_locality_links'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RiskRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('outcome', models.JSONField(help_text='What counts as decline: kind, grade or indicator and fall')),
                ('outcome_text', models.CharField(max_length=300)),
                ('as_of', models.CharField(help_text='The academic year the scores describe', max_length=20)),
                ('model_kind', models.CharField(max_length=20)),
                ('random_state', models.IntegerField(default=0)),
                ('settings', models.JSONField(default=dict)),
                ('data_fingerprint', models.CharField(help_text='SHA-256 of the observations the run read', max_length=64)),
                ('training_examples', models.PositiveIntegerField(default=0)),
                ('training_positives', models.PositiveIntegerField(default=0)),
                ('backtest', models.JSONField(blank=True, default=dict, help_text='Backtest method, table and fairness report')),
                ('schools_scored', models.PositiveIntegerField(default=0)),
                ('uses_generated_data', models.BooleanField(default=False)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='RiskScore',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('risk', models.FloatField(help_text='Calibrated probability of the outcome')),
                ('rank', models.PositiveIntegerField()),
                ('band', models.CharField(choices=[('high', 'High'), ('raised', 'Raised'), ('usual', 'Usual')], max_length=10)),
                ('previous_risk', models.FloatField(blank=True, help_text="The school's risk in the run before", null=True)),
                ('reasons', models.JSONField(default=list, help_text='[feature, contribution in log-odds, plain words], largest first')),
                ('triggers', models.JSONField(default=list, help_text='Triggers measured: code, name, kind, fired, severity, explanation')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='earlywarning.riskrun')),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='risk_scores', to='schools.school')),
            ],
            options={
                'ordering': ['run', 'rank'],
            },
        ),
        migrations.CreateModel(
            name='RiskResponse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='risk_responses', to='schools.school')),
                ('score', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='responses', to='earlywarning.riskscore')),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='WatchDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('monitor', 'Keep watching'), ('conversation', 'Have a conversation with the school'), ('offer_support', 'Offer support'), ('support_in_place', 'Support already in place'), ('no_action', 'No action: the score is explained')], max_length=20)),
                ('note', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('decided_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='watch_decisions', to='schools.school')),
                ('score', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='decisions', to='earlywarning.riskscore')),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.AddConstraint(
            model_name='riskscore',
            constraint=models.UniqueConstraint(fields=('run', 'school'), name='risk_score_once_per_run'),
        ),
        migrations.AddField(
            model_name='riskscore',
            name='evidence',
            field=models.JSONField(blank=True, default=dict, help_text='What the score rests on: indicators (with a value), indicators_in_model, newest, oldest, inspection'),
        ),
        migrations.AddField(
            model_name='riskscore',
            name='set_aside',
            field=models.JSONField(blank=True, default=list, help_text='[feature, contribution, plain words, why] pushes up not shown as reasons, and why'),
        ),
        migrations.AddIndex(
            model_name='riskscore',
            index=models.Index(fields=['run', 'rank'], name='risk_score_run_rank'),
        ),
    ]
