# The register's stamp (schools.selectors.register_stamp) reads the latest updated_at: indexed,
# it is one step of an index instead of a read of every school's row. Only the index is made (on
# SQLite, Django's AlterField would copy the schools table); the name is Django's own for this
# field, the same on SQLite and PostgreSQL.

from django.db import migrations, models

INDEX = "schools_school_updated_at_ed1a22f1"


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0004_agreed_locality_links"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "schools_school" ("updated_at")',
                    reverse_sql=f'DROP INDEX IF EXISTS "{INDEX}"',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="school",
                    name="updated_at",
                    field=models.DateTimeField(auto_now=True, db_index=True),
                ),
            ],
        ),
    ]
