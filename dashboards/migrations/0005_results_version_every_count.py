"""A second token on the results version (0004), `activity`, that moves on with every other table the
dashboard counts: comments, letters on clauses, events and their notes, attached files' text, ideas,
enrichment (stances) and what commenters say about themselves on their profile. The dashboard's other
counts can then be kept in the cache under both tokens (dashboards.selectors.Tallies) without ever being
stale, while a comment or an enrichment leaves the responses' and closed answers' counts (the costly
ones, under `token` alone) in the cache."""

import importlib
import uuid

from django.db import migrations, models

first = importlib.import_module("dashboards.migrations.0004_results_version")

# table -> the consultation ids of its changed rows (`rows`: the statement's transition table)
TABLES = {
    "comments_comment": "SELECT consultation_id FROM rows",
    "responses_letterpart": (
        "SELECT r.consultation_id FROM rows JOIN responses_response r ON r.id = rows.response_id"
    ),
    "responses_responseattachment": (
        "SELECT r.consultation_id FROM rows JOIN responses_response r ON r.id = rows.response_id"
    ),
    "responses_engagementevent": "SELECT consultation_id FROM rows",
    "responses_eventnote": (
        "SELECT e.consultation_id FROM rows JOIN responses_engagementevent e ON e.id = rows.event_id"
    ),
    "responses_idea": "SELECT consultation_id FROM rows",
    "insights_enrichment": "SELECT consultation_id FROM rows",
}

BUMP = """
CREATE OR REPLACE FUNCTION dhd_activity_bump(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO dashboards_resultsversion (consultation_id, n, token, activity)
    SELECT c, 1, gen_random_uuid(), gen_random_uuid()
    FROM (SELECT DISTINCT c FROM unnest(ids) AS c WHERE c IS NOT NULL ORDER BY c) AS changed
    ON CONFLICT (consultation_id)
    DO UPDATE SET n = dashboards_resultsversion.n + 1, activity = EXCLUDED.activity
$$;
"""

# What commenters gave about themselves on their profile (dashboards.selectors.commenter_counts): a change
# to it moves the activity token of every consultation they commented on. Only updates: a new account has
# no comments yet, and an account deleted leaves its comments through an update or a delete of theirs.
USER = """
CREATE OR REPLACE FUNCTION dhd_activity_bump_accounts_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM dhd_activity_bump(ARRAY(
        SELECT DISTINCT c.consultation_id
        FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN comments_comment c ON c.author_id = n.id
        WHERE (n.respondent_type, n.organisation_type, n.region)
            IS DISTINCT FROM (o.respondent_type, o.organisation_type, o.region)
    ));
    RETURN NULL;
END
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A row first written by 0004's function (a response before any comment) gets its activity token from
    # the column's default.
    schema_editor.execute(
        "ALTER TABLE dashboards_resultsversion ALTER COLUMN activity SET DEFAULT gen_random_uuid()"
    )
    schema_editor.execute(BUMP)
    for table, ids in TABLES.items():
        schema_editor.execute(
            first.FUNCTION.format(table=table, ids=ids).replace("dhd_results_bump", "dhd_activity_bump")
        )
        for suffix, (event, referencing) in first.TRIGGERS.items():
            schema_editor.execute(
                f"CREATE TRIGGER dhd_activity_{suffix} AFTER {event} ON {table} REFERENCING {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION dhd_activity_bump_{table}()"
            )
    schema_editor.execute(USER)
    schema_editor.execute(
        "CREATE TRIGGER dhd_activity_upd AFTER UPDATE ON accounts_user "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION dhd_activity_bump_accounts_user()"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for suffix in first.TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS dhd_activity_{suffix} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS dhd_activity_bump_{table}()")
    schema_editor.execute("DROP TRIGGER IF EXISTS dhd_activity_upd ON accounts_user")
    schema_editor.execute("DROP FUNCTION IF EXISTS dhd_activity_bump_accounts_user()")
    schema_editor.execute("DROP FUNCTION IF EXISTS dhd_activity_bump(bigint[])")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_who_comments"),
        ("comments", "0004_fewer_indexes"),
        ("dashboards", "0004_results_version"),
        ("insights", "0006_enrichment_stance_pending"),
        ("responses", "0008_letter_parts_event_note_questions_file_text"),
    ]

    operations = [
        # Existing rows get a token nothing was counted under yet.
        migrations.AddField(
            model_name="resultsversion", name="activity", field=models.UUIDField(default=uuid.uuid4)
        ),
        migrations.RunPython(create, drop),
    ]
