# The app's migrations 0001-0008 in one (Django 5.2.19's squashmigrations, 7 December 2026): a new
# database runs this one instead of 8, to the same tables, columns, indexes and constraints, in less
# time (docs/benchmarks.md, "make test's margin, session 14"). A database part-way through them
# finishes with the old files, which stay until every installation has passed them.

import django.contrib.auth.models
import django.contrib.auth.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('accounts', '0001_initial'), ('accounts', '0002_audit_events'), ('accounts', '0003_audit_sign_ins_memberships_exports'), ('accounts', '0004_locality_lead_and_staff_member_roles'), ('accounts', '0005_audit_concerns'), ('accounts', '0006_invitations_and_their_audit_events'), ('accounts', '0007_audit_concerns_and_invitations'), ('accounts', '0008_audit_api_tokens')]

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('schools', '0001_initial'),
        ('schools', '0002_school_identifiers'),
        ('schools', '0003_school_links'),
    ]

    operations = [
        migrations.CreateModel(
            name='User',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='password')),
                ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                ('username', models.CharField(error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, unique=True, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')),
                ('first_name', models.CharField(blank=True, max_length=150, verbose_name='first name')),
                ('last_name', models.CharField(blank=True, max_length=150, verbose_name='last name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                ('is_staff', models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')),
                ('is_active', models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')),
                ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')),
                ('organisation', models.CharField(blank=True, help_text='For partner agencies: the service the user works for', max_length=200)),
                ('is_generated', models.BooleanField(default=False, help_text='A demo account, not a real person')),
                ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
            ],
            options={
                'verbose_name': 'user',
                'verbose_name_plural': 'users',
                'abstract': False,
            },
            managers=[
                ('objects', django.contrib.auth.models.UserManager()),
            ],
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('system_lead', 'System lead'), ('locality_lead', 'Locality lead'), ('partnership_lead', 'Partnership lead'), ('school_leader', 'School leader'), ('staff_member', 'Staff member'), ('governor', 'Governor'), ('partner_agency', 'Partner agency')], max_length=30)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('locality', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='user_memberships', to='schools.locality')),
                ('partnership', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='user_memberships', to='schools.partnership')),
                ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='user_memberships', to='schools.school')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['user__username', 'role'],
            },
        ),
        migrations.CreateModel(
            name='Invitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254)),
                ('role', models.CharField(choices=[('system_lead', 'System lead'), ('locality_lead', 'Locality lead'), ('partnership_lead', 'Partnership lead'), ('school_leader', 'School leader'), ('staff_member', 'Staff member'), ('governor', 'Governor'), ('partner_agency', 'Partner agency')], max_length=30)),
                ('status', models.CharField(choices=[('pending', 'Waiting'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn')], default='pending', max_length=20)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('sent_at', models.DateTimeField()),
                ('sendings', models.PositiveSmallIntegerField(default=1)),
                ('answered_at', models.DateTimeField(blank=True, help_text='When it was accepted, declined or withdrawn', null=True)),
                ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='invitations_accepted', to=settings.AUTH_USER_MODEL)),
                ('invited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='invitations_sent', to=settings.AUTH_USER_MODEL)),
                ('locality', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='schools.locality')),
                ('partnership', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='schools.partnership')),
                ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='schools.school')),
            ],
            options={
                'ordering': ['-sent_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('risk_view', 'Viewed risk'), ('watch_list_view', 'Viewed the watch list'), ('risk_response', 'Responded to a risk score'), ('watch_decision', 'Recorded a watch-list decision'), ('risk_run', 'Ran the early warning'), ('sign_in', 'Signed in'), ('sign_in_failed', 'Sign-in refused'), ('locked_out', 'Locked out after repeated wrong passwords'), ('sign_out', 'Signed out'), ('membership_change', 'Changed a role (membership)'), ('export', 'Exported'), ('concern_raised', 'Raised a concern about a school'), ('concern_answered', 'Answered a concern'), ('concern_withdrawn', 'Withdrew a concern'), ('concern_closed', 'Closed a concern'), ('concerns_view', 'Viewed the concerns about a school'), ('invitation_sent', 'Invited someone (or sent the invitation again)'), ('invitation_withdrawn', 'Withdrew an invitation'), ('invitation_accepted', 'Accepted an invitation'), ('invitation_declined', 'Declined an invitation'), ('invitation_refused', 'Invitation link refused (expired, used or withdrawn)'), ('account_deactivated', 'Switched an account off'), ('api_token_made', 'Made an API token'), ('api_token_revoked', 'Revoked an API token')], db_index=True, max_length=30)),
                ('detail', models.JSONField(blank=True, default=dict)),
                ('path', models.CharField(blank=True, max_length=300)),
                ('at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit_events', to='schools.school')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit_events', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-at', '-pk'],
            },
        ),
    ]
