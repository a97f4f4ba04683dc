"""GIN indexes for the response explorer's full-text search on PostgreSQL (dashboards/explorer.py).

The expressions are exactly what `SearchVector(<field>, config="english")` generates, so the planner
uses them for `@@`. SQLite has no such index; its search is a plain word match."""

from django.db import migrations

INDEXES = {
    "dhd_answer_text_fts": ("responses_answer", "text"),
    "dhd_comment_body_fts": ("comments_comment", "body"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (to_tsvector('english'::regconfig, COALESCE({column}, '')))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_saved_views_reviews_export_log"),
        ("responses", "0004_publication_can_be_withheld"),
        ("comments", "0001_comments_reactions_flags_follows"),
    ]

    operations = [migrations.RunPython(create, drop)]
