"""Full-text search kept by the database itself, so every write path (forms, the demo's
bulk inserts, the admin) is indexed: FTS5 with triggers on SQLite, a generated tsvector
column with a GIN index on PostgreSQL. Other databases search without an index (slower)."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE practice_fts USING fts5(
        title, summary, body, content='practice_practiceitem', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER practice_fts_ai AFTER INSERT ON practice_practiceitem BEGIN
        INSERT INTO practice_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body);
    END""",
    """CREATE TRIGGER practice_fts_ad AFTER DELETE ON practice_practiceitem BEGIN
        INSERT INTO practice_fts(practice_fts, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
    END""",
    """CREATE TRIGGER practice_fts_au AFTER UPDATE OF title, summary, body ON practice_practiceitem BEGIN
        INSERT INTO practice_fts(practice_fts, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
        INSERT INTO practice_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body);
    END""",
    "INSERT INTO practice_fts(practice_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS practice_fts_ai",
    "DROP TRIGGER IF EXISTS practice_fts_ad",
    "DROP TRIGGER IF EXISTS practice_fts_au",
    "DROP TABLE IF EXISTS practice_fts",
]
POSTGRESQL = [
    """ALTER TABLE practice_practiceitem ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(summary, '')), 'B')
        || setweight(to_tsvector('english', coalesce(body, '')), 'C')) STORED""",
    "CREATE INDEX practice_item_search ON practice_practiceitem USING gin (search)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS practice_item_search",
    "ALTER TABLE practice_practiceitem DROP COLUMN IF EXISTS search",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("practice", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
