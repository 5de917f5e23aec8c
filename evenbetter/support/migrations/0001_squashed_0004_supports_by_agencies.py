# The app's migrations 0001-0004 in one (Django 5.2.19's squashmigrations, 7 December 2026): a new
# database runs this one instead of 4, to the same tables, columns, indexes and constraints, in less
# time (docs/benchmarks.md, "make test's margin, session 14"). A database part-way through them
# finishes with the old files, which stay until every installation has passed them.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('support', '0001_initial'), ('support', '0002_brokerage'), ('support', '0003_generated'), ('support', '0004_supports_by_agencies')]

    initial = True

    dependencies = [
        ('partnerships', '0001_initial'),
        ('schools', '0002_school_identifiers'),
        ('schools', '0003_school_links'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HelpRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('area', models.CharField(choices=[('reading', 'Early reading and phonics'), ('writing', 'Writing'), ('maths', 'Maths'), ('curriculum', 'Curriculum'), ('attendance', 'Attendance'), ('behaviour', 'Behaviour'), ('send', 'SEND'), ('disadvantage', 'Disadvantaged pupils'), ('safeguarding', 'Safeguarding'), ('wellbeing', 'Pupil wellbeing'), ('staffing', 'Staffing and recruitment'), ('finance', 'Finance'), ('leadership', 'Leadership'), ('governance', 'Governance')], max_length=20)),
                ('title', models.CharField(max_length=200)),
                ('description', models.TextField()),
                ('urgency', models.CharField(choices=[('when_possible', 'When possible'), ('this_term', 'This term'), ('urgent', 'Urgent: within weeks')], default='this_term', max_length=20)),
                ('kind', models.CharField(choices=[('advice', 'Advice'), ('visit', 'A visit'), ('peer_review', 'Peer review'), ('leader_support', 'Leader-to-leader support'), ('shared_staff', 'Shared staff')], default='advice', max_length=20)),
                ('visibility', models.CharField(choices=[('named', 'Named: every school leader can see it is us'), ('anonymous', 'Anonymous to other schools (the broker sees who)'), ('broker_only', 'Broker only: no other school sees it')], default='named', max_length=20)),
                ('status', models.CharField(choices=[('requested', 'Requested'), ('suggested', 'Supporter suggested'), ('agreed', 'Agreed'), ('in_progress', 'In progress'), ('reviewed', 'Reviewed'), ('closed', 'Closed'), ('withdrawn', 'Withdrawn')], default='requested', max_length=20)),
                ('on_behalf', models.BooleanField(default=False, help_text="Made by a lead on the school's behalf")),
                ('school_agreed', models.BooleanField(default=True, help_text='The school agreed to a request made on its behalf')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='help_requests', to='schools.school')),
                ('agreed_at', models.DateTimeField(blank=True, null=True)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('objectives', models.TextField(blank=True, help_text='What the two schools agreed to work towards, one a line')),
                ('requester_agreed_at', models.DateTimeField(blank=True, null=True)),
                ('suggested_at', models.DateTimeField(blank=True, null=True)),
                ('supporter', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='supports_given', to='schools.school')),
                ('supporter_agreed_at', models.DateTimeField(blank=True, null=True)),
                ('is_generated', models.BooleanField(default=False, help_text='Made up for the demo')),
                ('supporter_agency', models.ForeignKey(blank=True, help_text='A partner agency or local-authority service asked to help, instead of a school', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='supports_given', to='partnerships.agency')),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['supporter', 'status'], name='help_request_supporter_status')],
            },
        ),
        migrations.CreateModel(
            name='Engagement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('on', models.DateField()),
                ('kind', models.CharField(choices=[('visit', 'Visit'), ('meeting', 'Meeting'), ('call', 'Call or video call'), ('peer_review', 'Peer review'), ('training', 'Training'), ('shared_staff', 'Shared staff')], default='visit', max_length=20)),
                ('days', models.DecimalField(decimal_places=1, help_text='Days of staff time given (0.5 = half a day)', max_digits=4)),
                ('notes', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('help_request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='engagements', to='support.helprequest')),
            ],
            options={
                'ordering': ['on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='SupportEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('step', models.CharField(max_length=20)),
                ('from_status', models.CharField(choices=[('requested', 'Requested'), ('suggested', 'Supporter suggested'), ('agreed', 'Agreed'), ('in_progress', 'In progress'), ('reviewed', 'Reviewed'), ('closed', 'Closed'), ('withdrawn', 'Withdrawn')], max_length=20)),
                ('to_status', models.CharField(choices=[('requested', 'Requested'), ('suggested', 'Supporter suggested'), ('agreed', 'Agreed'), ('in_progress', 'In progress'), ('reviewed', 'Reviewed'), ('closed', 'Closed'), ('withdrawn', 'Withdrawn')], max_length=20)),
                ('note', models.TextField(blank=True)),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('help_request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='support.helprequest')),
            ],
            options={
                'ordering': ['at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='SupportOffer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('area', models.CharField(choices=[('reading', 'Early reading and phonics'), ('writing', 'Writing'), ('maths', 'Maths'), ('curriculum', 'Curriculum'), ('attendance', 'Attendance'), ('behaviour', 'Behaviour'), ('send', 'SEND'), ('disadvantage', 'Disadvantaged pupils'), ('safeguarding', 'Safeguarding'), ('wellbeing', 'Pupil wellbeing'), ('staffing', 'Staffing and recruitment'), ('finance', 'Finance'), ('leadership', 'Leadership'), ('governance', 'Governance')], max_length=20)),
                ('description', models.TextField()),
                ('days_per_term', models.DecimalField(decimal_places=1, max_digits=4)),
                ('active', models.BooleanField(default=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='support_offers', to='schools.school')),
                ('is_generated', models.BooleanField(default=False, help_text='Made up for the demo')),
                ('agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='support_offers', to='partnerships.agency')),
            ],
            options={
                'ordering': ['area', '-created_at'],
            },
        ),
        migrations.CreateModel(
            name='SupportReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('side', models.CharField(choices=[('requester', 'The school that asked'), ('supporter', 'The school or service that helped')], max_length=10)),
                ('benefit', models.PositiveSmallIntegerField(help_text='1 (none) to 5 (a great deal)')),
                ('objectives_met', models.CharField(choices=[('yes', 'Met'), ('partly', 'Partly met'), ('no', 'Not met')], max_length=10)),
                ('what_changed', models.TextField(help_text='What changed, or what the school learnt')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('help_request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='support.helprequest')),
            ],
            options={
                'ordering': ['side'],
                'constraints': [models.UniqueConstraint(fields=('help_request', 'side'), name='support_review_once_per_side')],
            },
        ),
        migrations.AddIndex(
            model_name='helprequest',
            index=models.Index(fields=['supporter_agency', 'status'], name='help_request_agency_status'),
        ),
        migrations.AddConstraint(
            model_name='helprequest',
            constraint=models.CheckConstraint(condition=models.Q(('supporter__isnull', True), ('supporter_agency__isnull', True), _connector='OR'), name='help_request_one_supporter'),
        ),
        migrations.AddConstraint(
            model_name='supportoffer',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('school__isnull', False), ('agency__isnull', True)), models.Q(('school__isnull', True), ('agency__isnull', False)), _connector='OR'), name='support_offer_by_a_school_or_an_agency'),
        ),
    ]
