"""A comment's reader counters (replies, agree, disagree, flags) no longer move the activity token (0005).

The dashboard reads none of them, and they are updated by readers' reactions and replies many at a time
(`UPDATE ... SET agree_count = agree_count + 1`). With the token moved by those updates too, a reaction
(holding the comment's row, then wanting the consultation's version row) and a reply (holding the version
row after its insert, then wanting the parent's row for its reply count) could each wait for the other:
PostgreSQL found the deadlock and failed one of them. An update that changes nothing else now leaves the
version row alone."""

import importlib

from django.db import migrations

first = importlib.import_module("dashboards.migrations.0004_results_version")

COUNTERS = ("reply_count", "agree_count", "disagree_count", "flag_count")
_OTHER = " - ".join(["to_jsonb({r})", *(f"'{c}'" for c in COUNTERS)])

FUNCTION = f"""
CREATE OR REPLACE FUNCTION dhd_activity_bump_comments_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dhd_activity_bump(ARRAY(SELECT consultation_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM dhd_activity_bump(ARRAY(SELECT consultation_id FROM old_rows));
    ELSE
        PERFORM dhd_activity_bump(ARRAY(
            SELECT n.consultation_id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE ({_OTHER.format(r="n")}) IS DISTINCT FROM ({_OTHER.format(r="o")})
            UNION ALL
            SELECT o.consultation_id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE n.consultation_id IS DISTINCT FROM o.consultation_id
        ));
    END IF;
    RETURN NULL;
END
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    previous = importlib.import_module("dashboards.migrations.0005_results_version_every_count")
    schema_editor.execute(
        first.FUNCTION.format(table="comments_comment", ids=previous.TABLES["comments_comment"]).replace(
            "dhd_results_bump", "dhd_activity_bump"
        )
    )


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0005_results_version_every_count")]

    operations = [migrations.RunPython(create, drop)]
