# The benchmarks' and family members' own indexes on school and indicator go: the unique
# (school, indicator, period), the (indicator, period) index and the unique (school, member)
# lead with those columns already. Only the indexes are dropped (on SQLite, Django's AlterField
# would copy the whole table: 4.9 million benchmarks at national scale); the names are Django's
# own for these fields, the same on SQLite and PostgreSQL.

import django.db.models.deletion
from django.db import migrations, models

DROPPED = [
    ("benchmarks_benchmark_indicator_id_34d0547d", "benchmarks_benchmark", "indicator_id"),
    ("benchmarks_benchmark_school_id_f4ea291d", "benchmarks_benchmark", "school_id"),
    ("benchmarks_familymember_school_id_6cf04d83", "benchmarks_familymember", "school_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarks", "0002_school_strengths_kept"),
        ("indicators", "0012_school_data_glance"),
        ("schools", "0004_agreed_locality_links"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"', reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")'
                )
                for name, table, column in DROPPED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="benchmark",
                    name="indicator",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="benchmarks",
                        to="indicators.indicator",
                    ),
                ),
                migrations.AlterField(
                    model_name="benchmark",
                    name="school",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="benchmarks",
                        to="schools.school",
                    ),
                ),
                migrations.AlterField(
                    model_name="familymember",
                    name="school",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="family_members",
                        to="schools.school",
                    ),
                ),
            ],
        )
    ]
