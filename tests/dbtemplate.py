"""A migrated PostgreSQL database that test databases are copied from (CREATE DATABASE ... TEMPLATE).

Running the migrations takes about 10 s, and a CI run needs a fresh database four times: one per test
process of `pytest -n 2`, one for the worker and fault tests, one for the fault tests' own stack. Copying
a migrated template takes a fraction of a second, and Django's migrate on the copy then finds nothing to
apply.

The template's name carries a digest of Django's version and of every installed app's migration files
(the project's and the packages'), so a new or changed migration, or an upgraded package with new
migrations, gets a template of its own, migrated from scratch. It is built under a PostgreSQL advisory
lock (test processes started together wait for one build), migrated under a temporary name and renamed
only once complete.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from functools import cache
from importlib import import_module
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]


@cache
def digest() -> str:
    """Of Django's version and every migration file of every installed app (the project's and the
    packages'), as the app registry finds them."""
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dhdigital.settings")
        django.setup()
    h = hashlib.sha256(django.get_version().encode())
    for app in sorted(apps.get_app_configs(), key=lambda a: a.label):
        try:
            migrations = import_module(f"{app.name}.migrations")
        except ImportError:
            continue
        for path in sorted(Path(next(iter(migrations.__path__))).glob("*.py")):
            h.update(f"{app.label}/{path.name}\n".encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def base_name() -> str:
    """The database name of DATABASE_URL when it is PostgreSQL (each CI run or person has their own)."""
    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    name = url.path.lstrip("/") if url.scheme.startswith("postgres") else ""
    return name or "dhd"


def admin_url(db: dict) -> str:
    """The maintenance database on the server of Django's connection settings `db`."""
    user = quote(db.get("USER") or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/postgres"


def ensure(admin: str, base: str) -> str:
    """The name of the migrated template for `base` on the server of `admin`, built if it is missing."""
    import psycopg2

    prefix = f"{base[:40]}_tmpl_"
    name = prefix + digest()
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(hashtext(%s))", [prefix])
            try:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cur.fetchone() is None:
                    _build(cur, admin, name)
                    cur.execute(
                        "SELECT datname FROM pg_database WHERE left(datname, %s) = %s AND datname <> %s",
                        [len(prefix), prefix, name],
                    )
                    for (old,) in cur.fetchall():  # earlier migrations' templates
                        cur.execute(f'DROP DATABASE IF EXISTS "{old}"')
            finally:
                cur.execute("SELECT pg_advisory_unlock(hashtext(%s))", [prefix])
    finally:
        conn.close()
    return name


def _build(cur, admin: str, name: str) -> None:
    building = f"{name}_new"
    cur.execute(f'DROP DATABASE IF EXISTS "{building}"')
    cur.execute(f'CREATE DATABASE "{building}"')
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dhdigital.settings",
        "DATABASE_URL": admin.rsplit("/", 1)[0] + f"/{building}",
    }
    proc = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        cur.execute(f'DROP DATABASE IF EXISTS "{building}"')
        raise RuntimeError(f"migrating the template database failed:\n{proc.stderr[-4000:]}")
    cur.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
