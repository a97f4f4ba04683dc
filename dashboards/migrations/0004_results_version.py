"""The version of a consultation's counted responses (dashboards.models.ResultsVersion), moved on by
PostgreSQL itself whenever a row the dashboard's tallies read changes, so that no way of writing them (a
service, a bulk import, an analysis run, a queryset update, the admin, SQL by hand) can leave a cached
count stale (ResultsVersion's token: a new random one for every change). One statement-level trigger per table and operation: a bulk insert of 100,000 answers moves
each consultation's version once, not once a row. SQLite has no statement-level triggers with transition
tables: there nothing is cached (dashboards.selectors.Tallies) and every count is read live."""

from django.db import migrations, models

# table -> the consultation ids of its changed rows (`rows`: the statement's transition table)
TABLES = {
    "responses_response": "SELECT consultation_id FROM rows",
    "responses_answer": (
        "SELECT r.consultation_id FROM rows JOIN responses_response r ON r.id = rows.response_id"
    ),
    "insights_campaign": "SELECT consultation_id FROM rows",
    "insights_campaignmember": (
        "SELECT c.consultation_id FROM rows JOIN insights_campaign c ON c.id = rows.campaign_id"
    ),
    "insights_theme": "SELECT consultation_id FROM rows",
    "insights_themeassignment": (
        "SELECT t.consultation_id FROM rows JOIN insights_theme t ON t.id = rows.theme_id"
    ),
}

BUMP = """
CREATE OR REPLACE FUNCTION dhd_results_bump(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO dashboards_resultsversion (consultation_id, n, token)
    SELECT c, 1, gen_random_uuid()
    FROM (SELECT DISTINCT c FROM unnest(ids) AS c WHERE c IS NOT NULL ORDER BY c) AS changed
    ON CONFLICT (consultation_id)
    DO UPDATE SET n = dashboards_resultsversion.n + 1, token = EXCLUDED.token
$$;
"""

FUNCTION = """
CREATE OR REPLACE FUNCTION dhd_results_bump_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dhd_results_bump(ARRAY(WITH rows AS (SELECT * FROM new_rows) {ids}));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM dhd_results_bump(ARRAY(WITH rows AS (SELECT * FROM old_rows) {ids}));
    ELSE
        PERFORM dhd_results_bump(ARRAY(
            WITH rows AS (SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows) {ids}
        ));
    END IF;
    RETURN NULL;
END
$$;
"""

TRIGGERS = {
    "ins": ("INSERT", "NEW TABLE AS new_rows"),
    "upd": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    "del": ("DELETE", "OLD TABLE AS old_rows"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BUMP)
    # Responses counted before the triggers existed: a version of their own for every consultation.
    schema_editor.execute(
        "INSERT INTO dashboards_resultsversion (consultation_id, n, token) "
        "SELECT id, 1, gen_random_uuid() FROM consultations_consultation"
    )
    for table, ids in TABLES.items():
        schema_editor.execute(FUNCTION.format(table=table, ids=ids))
        for suffix, (event, referencing) in TRIGGERS.items():
            schema_editor.execute(
                f"CREATE TRIGGER dhd_results_{suffix} AFTER {event} ON {table} REFERENCING {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION dhd_results_bump_{table}()"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for suffix in TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS dhd_results_{suffix} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS dhd_results_bump_{table}()")
    schema_editor.execute("DROP FUNCTION IF EXISTS dhd_results_bump(bigint[])")


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0013_import_of_a_new_version"),
        ("dashboards", "0003_closed_results_statistics"),
        ("insights", "0005_enrichment_stance_correction"),
        ("responses", "0008_letter_parts_event_note_questions_file_text"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResultsVersion",
            fields=[
                ("consultation_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("n", models.BigIntegerField()),
                ("token", models.UUIDField()),
            ],
        ),
        migrations.RunPython(create, drop),
    ]
