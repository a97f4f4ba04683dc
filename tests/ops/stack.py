"""A private production-like stack for fault and load tests: its own PostgreSQL database, its own
redis-server on a free port, gunicorn on a free loopback port, and optionally a Celery worker.

Every process is started here and stopped by its own PID; the machine's shared PostgreSQL server and
Redis on 6379 are never stopped or restarted. PostgreSQL is reached through `PgProxy`, a TCP relay the
test owns, so "PostgreSQL goes away" is simulated by cutting the relay, not by touching the server.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("DHD_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def free_port(start: int | None = None) -> int:
    """A free loopback port: the first free one from `start`, or any the kernel offers."""
    candidates = range(start, start + 200) if start else [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port from {start}")


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


def http(
    method: str, url: str, *, body: dict | None = None, headers: dict | None = None, timeout: float = 15
) -> tuple[int, dict, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", "Accept": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - loopback only
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class PgProxy:
    """A TCP relay to PostgreSQL. `cut()` drops every connection and refuses new ones (the database
    "restarts"); `restore()` accepts again."""

    def __init__(self, target_port: int = 5432) -> None:
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", self.port))
        self._server.listen(128)
        self._up = True
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if not self._up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        pair = {a: b, b: a}
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 1.0)
                for s in readable:
                    data = s.recv(65536)
                    if not data:
                        return
                    pair[s].sendall(data)
        except OSError:
            return
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        self._up = False
        with self._lock:
            conns, self._conns = self._conns, []
        for s in conns:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                s.close()

    def restore(self) -> None:
        self._up = True

    def close(self) -> None:
        self._stop = True
        self.cut()
        with contextlib.suppress(OSError):
            self._server.close()


class Stack:
    """Database, Redis, gunicorn and workers for one test module or load test run."""

    def __init__(
        self, name: str, *, via_proxy: bool = False, extra_env: dict[str, str] | None = None
    ) -> None:
        self.name = name
        self.db_name = f"dhd_{name}"
        self.tmp = Path(tempfile.mkdtemp(prefix=f"dhd-{name}-"))
        self.procs: dict[str, subprocess.Popen] = {}
        self.proxy = PgProxy() if via_proxy else None
        self.redis_port = free_port(6390)
        self.web_port: int | None = None
        pg_port = self.proxy.port if self.proxy else 5432
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)},
            "DJANGO_SETTINGS_MODULE": "dhdigital.settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/{self.db_name}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/1",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "PLAIN_HTTP": "true",  # gunicorn on 127.0.0.1 over plain HTTP, no HTTPS redirect
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "CONN_MAX_AGE": "60",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "PYTHONPATH": str(ROOT),
            # faults are about the database and the queue, so pages are not served from the page cache;
            # the load test turns it back on, as production has it
            "PUBLIC_PAGE_CACHE_SECONDS": "0",
            **(extra_env or {}),
        }

    # --- database ----------------------------------------------------------------------------------
    def create_database(self) -> None:
        """A copy of the migrated template database (tests/dbtemplate.py)."""
        import psycopg2

        from tests import dbtemplate

        template = dbtemplate.ensure(PG_ADMIN_URL, dbtemplate.base_name())
        conn = psycopg2.connect(PG_ADMIN_URL)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{self.db_name}" TEMPLATE "{template}"')
        conn.close()

    def drop_database(self) -> None:
        import psycopg2

        conn = psycopg2.connect(PG_ADMIN_URL)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        conn.close()

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        """Straight to PostgreSQL (not through the proxy): the ground truth of what was stored."""
        import psycopg2

        conn = psycopg2.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{self.db_name}")
        try:
            with conn.cursor() as cur:
                cur.execute(query, params)
                rows = cur.fetchall() if cur.description else []
            conn.commit()  # a test may also set the stage (e.g. move a closing time)
            return rows
        finally:
            conn.close()

    def manage(self, *args: str, timeout: float = 600) -> str:
        proc = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{proc.stderr[-4000:]}")
        return proc.stdout

    def django(self, code: str, timeout: float = 300):
        """Run `code` with Django set up against this stack; it sets `result`, which is returned."""
        script = (
            "import django, json\ndjango.setup()\nresult = None\n"
            + code
            + "\nprint('@@RESULT@@' + json.dumps(result, default=str))\n"
        )
        proc = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"django snippet failed:\n{proc.stderr[-4000:]}")
        line = next(ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("@@RESULT@@"))
        return json.loads(line[len("@@RESULT@@") :])

    # --- redis -----------------------------------------------------------------------------------------
    def start_redis(self) -> None:
        self._start(
            "redis",
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.tmp),
                "--logfile",
                str(self.tmp / "redis.log"),
            ],
        )
        wait_for(self.redis_up, timeout=10, what="private redis")

    def redis_up(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.redis_port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    def stop_redis(self) -> None:
        self._stop("redis")

    # --- web and workers --------------------------------------------------------------------------------
    def start_web(self, *, workers: int = 2, threads: int = 4, port: int | None = None) -> str:
        self.web_port = port or self.web_port or free_port()
        self._start(
            "web",
            [
                str(VENV_BIN / "gunicorn"),
                "dhdigital.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
        )
        wait_for(lambda: http("GET", self.url("/healthz"), timeout=2)[0] == 200, timeout=60, what="gunicorn")
        return self.url("")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.web_port}{path}"

    def start_worker(self, name: str = "worker", concurrency: int = 1) -> subprocess.Popen:
        proc = self._start(
            name,
            [
                str(VENV_BIN / "celery"),
                "-A",
                "dhdigital",
                "worker",
                "--loglevel=INFO",
                "-P",
                "prefork",
                "-c",
                str(concurrency),
                "-n",
                f"{name}-{self.name}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
        )
        return proc

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill one of this stack's processes (and its children) by its own PID."""
        proc = self.procs.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def _start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )  # own process group: killed by its PID only
        self.procs[name] = proc
        return proc

    def _stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self, *, drop: bool = True) -> None:
        for name in list(self.procs):
            self._stop(name)
        if self.proxy:
            self.proxy.close()
        if os.environ.get("DHD_KEEP_STACK") == "1":  # keep the database and logs to look into a failure
            print(f"stack kept: database {self.db_name}, logs in {self.tmp}")
            return
        if drop:
            with contextlib.suppress(Exception):
                self.drop_database()
        shutil.rmtree(self.tmp, ignore_errors=True)


SEED = r"""
from datetime import timedelta
from django.utils import timezone
from api.models import ApiToken
from consultations.models import Section
from tests.factories import ConsultationFactory, TeamFactory, UserFactory, make_document
team = TeamFactory(name=f"Team for {SLUG}", slug=f"team-{SLUG}")
closes_at = CLOSES_AT or timezone.now() + timedelta(weeks=4)
consultation = ConsultationFactory(team=team, slug=SLUG, closes_at=closes_at)
document = make_document(consultation=consultation, clauses=CLAUSES)
clauses = list(Section.objects.filter(document=document, kind="clause").values_list("id", flat=True))
tokens = []
for n in range(USERS):
    user = UserFactory(email=f"{SLUG}-{n}@example.org", display_name=f"Participant {n}")
    tokens.append(ApiToken.issue(user=user, name="load test")[1])
result = {"consultation": consultation.slug, "document": document.id, "document_slug": document.slug,
          "clauses": clauses, "anchors": [f"clause-{i + 1}" for i in range(len(clauses))], "tokens": tokens}
"""


def seed(
    stack: Stack, *, users: int, clauses: int = 5, slug: str = "care-bill", closes_at: str | None = None
):
    code = (
        f"SLUG = {slug!r}\nUSERS = {users}\nCLAUSES = {clauses}\n"
        "import datetime\n"
        f"CLOSES_AT = {f'datetime.datetime.fromisoformat({closes_at!r})' if closes_at else None}\n" + SEED
    )
    return stack.django(code)
