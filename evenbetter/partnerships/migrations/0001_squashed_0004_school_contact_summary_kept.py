# The app's migrations 0001-0004 in one (Django 5.2.19's squashmigrations, 7 December 2026): a new
# database runs this one instead of 4, to the same tables, columns, indexes and constraints, in less
# time (docs/benchmarks.md, "make test's margin, session 14"). A database part-way through them
# finishes with the old files, which stay until every installation has passed them.
# One difference, on SQLite only: agency's column kind comes before is_generated, as on PostgreSQL,
# where the old migrations left it after (SQLite rebuilt the table around it).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('partnerships', '0001_initial'), ('partnerships', '0002_agency_members_and_action_assignee'), ('partnerships', '0003_agency_contact_team'), ('partnerships', '0004_school_contact_summary_kept')]

    initial = True

    dependencies = [
        ('schools', '0002_school_identifiers'),
        ('schools', '0003_school_links'),
        ('schools', '0004_agreed_locality_links'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Agency',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True)),
                ('kind', models.CharField(choices=[('police', 'Police'), ('police_liaison', 'Police liaison (safer schools)'), ('health', 'Health'), ('school_nursing', 'School nursing'), ('social_care', 'Social care'), ('early_help', 'Early help'), ('educational_psychology', 'Educational psychology'), ('attendance', 'Attendance service'), ('send', 'SEND service'), ('voluntary', 'Voluntary sector'), ('other', 'Other')], max_length=30)),
                ('is_generated', models.BooleanField(default=False)),
            ],
            options={
                'verbose_name_plural': 'agencies',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='AgencyContact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=150)),
                ('role', models.CharField(blank=True, max_length=150)),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('phone', models.CharField(blank=True, max_length=40)),
                ('is_generated', models.BooleanField(default=False)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='partnerships.agency')),
                ('team', models.CharField(blank=True, help_text='The team within the agency, e.g. "Early help south"', max_length=150)),
            ],
            options={
                'ordering': ['agency', 'team', 'name'],
            },
        ),
        migrations.CreateModel(
            name='BoardMeeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('held_on', models.DateField()),
                ('governors_places', models.PositiveSmallIntegerField(help_text='Seats on the board')),
                ('governors_present', models.PositiveSmallIntegerField()),
                ('vacancies', models.PositiveSmallIntegerField(default=0, help_text='Seats empty on the day')),
                ('notes', models.TextField(blank=True)),
                ('is_generated', models.BooleanField(default=False)),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='board_meetings', to='schools.school')),
            ],
            options={
                'ordering': ['-held_on', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='Challenge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('area', models.CharField(choices=[('reading', 'Early reading and phonics'), ('writing', 'Writing'), ('maths', 'Maths'), ('curriculum', 'Curriculum'), ('attendance', 'Attendance'), ('behaviour', 'Behaviour'), ('send', 'SEND'), ('disadvantage', 'Disadvantaged pupils'), ('safeguarding', 'Safeguarding'), ('wellbeing', 'Pupil wellbeing'), ('staffing', 'Staffing and recruitment'), ('finance', 'Finance'), ('leadership', 'Leadership'), ('governance', 'Governance')], max_length=20)),
                ('question', models.TextField()),
                ('is_generated', models.BooleanField(default=False)),
                ('board_meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='challenges', to='partnerships.boardmeeting')),
            ],
        ),
        migrations.CreateModel(
            name='GovernanceReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reviewed_on', models.DateField()),
                ('kind', models.CharField(choices=[('self', 'Self-review'), ('external', 'External review')], max_length=10)),
                ('summary', models.TextField()),
                ('is_generated', models.BooleanField(default=False)),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='governance_reviews', to='schools.school')),
            ],
            options={
                'ordering': ['-reviewed_on'],
            },
        ),
        migrations.CreateModel(
            name='Meeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('held_on', models.DateField()),
                ('title', models.CharField(max_length=200)),
                ('notes', models.TextField(blank=True)),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('is_generated', models.BooleanField(default=False, help_text='Made up for the demo, not a real record')),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meetings', to='schools.partnership')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('schools_present', models.ManyToManyField(blank=True, related_name='meetings_attended', to='schools.school')),
            ],
            options={
                'ordering': ['-held_on', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='AgencyLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.CharField(blank=True, max_length=200)),
                ('is_generated', models.BooleanField(default=False)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='partnerships.agency')),
                ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='partnerships.agencycontact')),
                ('locality', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='agency_links', to='schools.locality')),
                ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='agency_links', to='schools.school')),
            ],
            options={
                'ordering': ['agency__name'],
                'constraints': [models.CheckConstraint(condition=models.Q(('school__isnull', False), ('locality__isnull', False), _connector='OR'), name='agency_link_has_a_school_or_locality')],
            },
        ),
        migrations.CreateModel(
            name='Contact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('visit', 'Visit'), ('joint_training', 'Joint training'), ('peer_review', 'Peer review'), ('shared_staff', 'Shared staff'), ('call', 'Call or online meeting')], max_length=20)),
                ('happened_on', models.DateField()),
                ('about', models.CharField(blank=True, max_length=250)),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('is_generated', models.BooleanField(default=False)),
                ('other_school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts_received', to='schools.school')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts_made', to='schools.school')),
            ],
            options={
                'ordering': ['-happened_on', '-pk'],
                'indexes': [models.Index(fields=['happened_on'], name='contact_happened_on')],
                'constraints': [models.CheckConstraint(condition=models.Q(('school', models.F('other_school')), _negated=True), name='contact_two_schools')],
            },
        ),
        migrations.CreateModel(
            name='Action',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=250)),
                ('agreed_on', models.DateField()),
                ('due_on', models.DateField()),
                ('status', models.CharField(choices=[('agreed', 'Agreed'), ('in_progress', 'In progress'), ('done', 'Done'), ('dropped', 'Dropped')], default='agreed', max_length=20)),
                ('done_on', models.DateField(blank=True, null=True)),
                ('evidence', models.TextField(blank=True, help_text='What shows it was done')),
                ('is_generated', models.BooleanField(default=False)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('owner_school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions_owned', to='schools.school')),
                ('partnership', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='schools.partnership')),
                ('agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='actions', to='partnerships.agency')),
                ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='actions', to='partnerships.meeting')),
                ('assigned_to_agency', models.BooleanField(default=False, help_text="Given to the agency it is shared with: that agency's users update it")),
                ('assignee', models.ForeignKey(blank=True, help_text='The person it is given to', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='actions_assigned', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['due_on', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('assigned_to_agency', False), ('agency__isnull', False), _connector='OR'), name='action_given_to_its_agency')],
            },
        ),
        migrations.CreateModel(
            name='AgencyMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='partnerships.agency')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agency_memberships', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['agency__name', 'user__username'],
                'constraints': [models.UniqueConstraint(fields=('user', 'agency'), name='agency_member_once')],
            },
        ),
        migrations.CreateModel(
            name='SchoolContactSummary',
            fields=[
                ('school', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='schools.school')),
                ('as_of', models.DateField()),
                ('contacts', models.PositiveIntegerField(help_text='Contacts in the last 12 months')),
                ('distinct_peers', models.PositiveIntegerField(help_text='Other schools in contact in the last 12 months')),
                ('days_since_contact', models.FloatField(help_text='Days since the latest contact; empty for none', null=True)),
                ('outside_partnership_share', models.FloatField(help_text="Share of the 12 months' contacts with schools outside its partnerships", null=True)),
                ('isolated', models.BooleanField()),
                ('worked_out_at', models.DateTimeField(auto_now=True)),
            ],
        ),
    ]
