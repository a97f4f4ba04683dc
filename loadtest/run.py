"""`make loadtest`: reads and comment posts at once against gunicorn + PostgreSQL + Redis on loopback.

    python -m loadtest.run [--seconds 60] [--readers 100 --read-rps 5] [--posters 50 --post-rps 2]
                           [--web-workers 3 --threads 4] [--drain-seconds 60]

1. Builds a private stack (tests/ops/stack.py): database dhd_loadtest, its own redis-server on a free port
   from 6390, gunicorn on a free 127.0.0.1 port. Nothing else on the machine is touched.
2. Seeds an open consultation with a real bill (Sustainable Aviation Fuel Bill, Akoma Ntoso) and 300
   verified participants with API tokens. Posting limits are raised: all load comes from one IP.
3. Runs locust headless for --seconds (bounded), readers and participants each sending requests as a
   Poisson process at their rate (loadtest/pacing.py: independent people, not a crowd in step).
4. Prints requests/s, p50/p95/p99 and errors per request kind, then the "accepted = stored" check: every
   idempotency key the server acknowledged (201/200) must be in the database exactly once.
5. Measures how fast one Celery worker drains the enrichment and notification tasks the posts queued.
6. Writes .bench/loadtest.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.ops.stack import VENV_BIN, Stack, http  # noqa: E402

BILL = "bills/akn/sustainable-aviation-fuel-bill.xml"
QUEUE = os.environ.get("CELERY_QUEUE", "dhdigital")  # settings.CELERY_TASK_DEFAULT_QUEUE
CONVERSATIONS = ("scoop-hivemind.taxes", "scoop-hivemind.ubi", "march-on.operation-marchin-orders")
LOAD_ENV = {
    # one IP and a few hundred accounts stand for thousands of people: lift the per-user/IP limits
    "API_COMMENT_POST_RATE": "1000000/hour",
    "API_USER_RATE": "1000000/min",
    "API_IP_RATE": "1000000/min",
    "API_ANON_RATE": "1000000/min",
    "COMMENT_RATE_PER_USER": "1000000/60",
    "COMMENT_RATE_PER_IP": "1000000/60",
    "LOG_LEVEL": "WARNING",
    "PUBLIC_PAGE_CACHE_SECONDS": os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "30"),  # as in production
}

SEED = r"""
import json
from datetime import timedelta
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from api.models import ApiToken
from comments.demo import polis_comments
from consultations.models import Document, Section
from tests.factories import ConsultationFactory, TeamFactory, UserFactory
team = TeamFactory(name="Load test team", slug="load-test-team")
consultation = ConsultationFactory(team=team, slug="sustainable-aviation-fuel-bill",
                                   title="Sustainable Aviation Fuel Bill",
                                   closes_at=timezone.now() + timedelta(weeks=4))
call_command("import_document", consultation.slug, str(settings.DATA_DIR / BILL), "--json")
document = Document.objects.filter(consultation=consultation).latest("id")
Document.objects.filter(pk=document.pk).update(state=Document.State.PUBLISHED)
clauses = list(Section.objects.filter(document=document, kind="clause").order_by("position"))
tokens = [ApiToken.issue(user=UserFactory(email=f"load{n}@example.org", display_name=f"Participant {n}"),
                         name="load test")[1] for n in range(USERS)]
texts = [c["body"] for conv in CONVERSATIONS for c in polis_comments(conv)
         if 40 < len(c["body"]) < 500 and "http" not in c["body"] and "www" not in c["body"]]
result = {"consultation": consultation.slug, "document": document.id, "document_slug": document.slug,
          "clauses": [c.id for c in clauses], "anchors": [c.anchor for c in clauses], "tokens": tokens,
          "texts": texts, "clause_count": len(clauses)}
"""


def percentile_row(row: dict) -> dict:
    def num(key: str) -> float:
        value = row.get(key, "") or "0"
        return float(value) if value != "N/A" else 0.0

    return {
        "requests": int(num("Request Count")),
        "failures": int(num("Failure Count")),
        "rps": round(num("Requests/s"), 1),
        "p50_ms": num("50%"),
        "p95_ms": num("95%"),
        "p99_ms": num("99%"),
        "max_ms": round(num("Max Response Time"), 1),
        "mean_ms": round(num("Average Response Time"), 1),
    }


def warm_up(stack: Stack, plan: dict, workers: int) -> None:
    """Every gunicorn worker loads the analysis models on its first comment (10-20 s): do that before
    measuring, with a few concurrent posts per worker. Their keys start with "warmup-"."""
    from concurrent.futures import ThreadPoolExecutor

    def one(n: int) -> int:
        return http(
            "POST",
            stack.url("/api/v1/comments/"),
            body={
                "consultation": plan["consultation"],
                "document": plan["document"],
                "section": plan["clauses"][0],
                "category": "drafting",
                "body": plan["texts"][n % len(plan["texts"])],
            },
            headers={
                "Authorization": f"Token {plan['tokens'][n % len(plan['tokens'])]}",
                "Idempotency-Key": f"warmup-{n}",
            },
            timeout=300,
        )[0]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers * 3) as pool:
        statuses = list(pool.map(one, range(workers * 6)))
    print(
        f"warm-up: {len(statuses)} posts {sorted(set(statuses))} in {time.monotonic() - started:.0f}s "
        "(each worker loads the analysis models on its first comment)"
    )


def _ticks(pid: int, *, reaped: bool = False) -> int:
    """CPU ticks a process used; with `reaped`, those of its children that have ended (and were waited
    for) instead."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[13]) + int(fields[14]) if reaped else int(fields[11]) + int(fields[12])


def server_pids(stack: Stack) -> dict[str, list[int]]:
    """The server's processes by part: gunicorn (master and workers, its process group), this
    database's PostgreSQL backends, and redis-server."""
    group = stack.procs["web"].pid
    web = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group:
                web.append(int(d.name))
    rows = stack.sql(
        "SELECT pid, pid = pg_backend_pid() FROM pg_stat_activity WHERE datname = %s", (stack.db_name,)
    )
    postgres = [pid for pid, mine in rows if not mine]
    # A connection that closes during a run (CONN_MAX_AGE) takes its figures with it; its CPU is then
    # counted by the server's main process as a child that ended (machine-wide: other databases' ended
    # connections count too, so measure on a quiet machine; so does the short connection that looks up
    # these pids, a few milliseconds a reading).
    postmaster = [
        int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) for pid, mine in rows if mine
    ]
    return {
        "gunicorn": web,
        "postgres": postgres,
        "postgres (ended connections)": [-p for p in postmaster],
        "redis": [stack.procs["redis"].pid],
    }


def server_ticks(pids: dict[str, list[int]]) -> dict[str, dict[int, int]]:
    """Ticks by part and process; a negative pid stands for that process's ended children."""
    return {part: {p: _ticks(abs(p), reaped=p < 0) for p in ps} for part, ps in pids.items()}


def ticks_ms(
    before: dict[str, dict[int, int]], after: dict[str, dict[int, int]], per: float
) -> dict[str, float]:
    """CPU milliseconds by part between two server_ticks readings, divided by `per`. A process that
    started in between (a database connection a gunicorn thread opened) counts from zero; one that
    ended in between counts for nothing (its last figures are gone with it)."""
    hz = os.sysconf("SC_CLK_TCK")
    out = {}
    for part, now in after.items():
        then = before.get(part, {})
        used = sum(max(0, ticks - then.get(pid, 0)) for pid, ticks in now.items() if ticks)
        out[part] = round(used * 1000 / hz / per, 2)
    return out


def settle(stack: Stack, *, idle_cores: float = 0.05, timeout: float = 180) -> float:
    """Wait until the server is idle: each gunicorn process loads the analysis models in a background
    thread as it starts (insights/apps.py), which would otherwise be counted as the requests' cost."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        pids = server_pids(stack)
        del pids["postgres (ended connections)"]  # machine-wide: not this server's alone
        before = server_ticks(pids)
        time.sleep(1)
        if sum(ticks_ms(before, server_ticks(pids), 1).values()) / 1000 < idle_cores:
            break
    return time.monotonic() - started


def cpu_probe(stack: Stack, plan: dict, *, reads: int = 60, posts: int = 30) -> dict:
    """Server CPU (gunicorn + PostgreSQL backends + Redis) per request, one request at a time: what a
    request costs whatever else the machine is doing, so capacity per core can be estimated. Each kind
    is sent once unmeasured first, so that what is measured is the steady state (database connections
    open, pages in the public page cache, token use recorded), as under sustained load."""
    out = {}
    base = f"/consultations/{plan['consultation']}/{plan['document_slug']}/"
    kinds = {
        "clause page": lambda n, _: http(
            "GET", stack.url(base + plan["anchors"][n % len(plan["anchors"])] + "/")
        )[0],
        "document page": lambda n, _: http("GET", stack.url(base))[0],
        "post comment": lambda n, key: http(
            "POST",
            stack.url("/api/v1/comments/"),
            body={
                "consultation": plan["consultation"],
                "document": plan["document"],
                "section": plan["clauses"][n % len(plan["clauses"])],
                "category": "drafting",
                "body": plan["texts"][(n * 7) % len(plan["texts"])],
            },
            headers={
                "Authorization": f"Token {plan['tokens'][n % len(plan['tokens'])]}",
                "Idempotency-Key": f"{key}{n}",
            },
            timeout=120,
        )[0],
    }
    for name, call in kinds.items():
        count = posts if name == "post comment" else reads
        for n in range(count):
            call(n, "probe-warm-")
        pids = server_pids(stack)
        before = server_ticks(pids)
        started = time.monotonic()
        statuses = {call(n, "probe-") for n in range(count)}
        wall = time.monotonic() - started
        parts = ticks_ms(before, server_ticks(server_pids(stack)), count)
        cpu_ms = sum(parts.values())
        out[name] = {
            "requests": count,
            "statuses": sorted(statuses),
            "server_cpu_ms": round(cpu_ms, 1),
            "server_cpu_ms_by_part": parts,
            "wall_ms": round(wall * 1000 / count, 1),
            "per_core_per_s": round(1000 / cpu_ms, 1) if cpu_ms else None,
        }
    return out


def redis_llen(port: int, db: int, key: str) -> int:
    import redis

    return int(redis.Redis(host="127.0.0.1", port=port, db=db).llen(key))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=int(os.environ.get("LOADTEST_SECONDS", 60)))
    ap.add_argument("--readers", type=int, default=100)
    ap.add_argument("--read-rps", type=float, default=5.0, help="requests/s per reader")
    ap.add_argument("--posters", type=int, default=50)
    ap.add_argument("--post-rps", type=float, default=2.0, help="posts/s per participant")
    ap.add_argument("--web-workers", type=int, default=3)  # cores + 1: best measured (docs/scaling.md)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--users", type=int, default=300, help="participant accounts")
    ap.add_argument("--drain-seconds", type=int, default=60)
    ap.add_argument("--out", default=str(ROOT / ".bench" / "loadtest.json"))
    args = ap.parse_args(argv)
    args.seconds = max(10, min(args.seconds, 600))  # bounded

    env = dict(LOAD_ENV)
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if manifest.exists():  # production-like: hashed, compressed static files through WhiteNoise
        env["STATICFILES_BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"
    stack = Stack("loadtest", extra_env=env)
    report: dict = {"started_at": datetime.now(UTC).isoformat(timespec="seconds")}
    try:
        print("load test: private stack (PostgreSQL database dhd_loadtest, own redis-server, gunicorn)")
        stack.start_redis()
        stack.create_database()
        plan = stack.django(
            f"BILL = {BILL!r}\nUSERS = {args.users}\nCONVERSATIONS = {CONVERSATIONS!r}\n" + SEED, timeout=600
        )
        plan_file = stack.tmp / "plan.json"
        plan_file.write_text(json.dumps(plan))
        stack.start_web(workers=args.web_workers, threads=args.threads)
        for path in (
            f"/consultations/{plan['consultation']}/",
            f"/consultations/{plan['consultation']}/{plan['document_slug']}/",
            f"/consultations/{plan['consultation']}/{plan['document_slug']}/{plan['anchors'][0]}/",
        ):
            status = http("GET", stack.url(path), headers={"Accept": "text/html"})[0]
            if status != 200:
                raise SystemExit(f"warm-up GET {path} answered {status}; see {stack.tmp}/web.log")
        warm_up(stack, plan, args.web_workers)
        print(
            f"seeded: {plan['clause_count']} clauses of a real bill, {len(plan['tokens'])} participants, "
            f"{len(plan['texts'])} real comment texts; "
            f"gunicorn {args.web_workers} workers x {args.threads} threads"
        )

        print(f"server settled (analysis models loaded) after {settle(stack):.0f}s")
        probe = cpu_probe(stack, plan)
        for name, p in probe.items():
            print(
                f"cost, one at a time: {name}: {p['server_cpu_ms']} ms server CPU "
                f"({', '.join(f'{k} {v}' for k, v in p['server_cpu_ms_by_part'].items())}), "
                f"{p['wall_ms']} ms wall -> about {p['per_core_per_s']}/s per core"
            )
        accepted_dir = stack.tmp / "accepted"
        users = args.readers + args.posters
        locust_env = {
            **os.environ,
            "LOADTEST_PLAN": str(plan_file),
            "LOADTEST_ACCEPTED": str(accepted_dir),
            "LOADTEST_READERS": str(args.readers),
            "LOADTEST_POSTERS": str(args.posters),
            "LOADTEST_READ_RPS": str(args.read_rps),
            "LOADTEST_POST_RPS": str(args.post_rps),
        }
        csv_prefix = stack.tmp / "locust"
        target = {"reads_per_s": args.readers * args.read_rps, "posts_per_s": args.posters * args.post_rps}
        print(
            f"locust: {users} users for {args.seconds}s, aiming at {target['reads_per_s']:.0f} reads/s "
            f"and {target['posts_per_s']:.0f} posts/s"
        )
        load1_before = os.getloadavg()[0]
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_before = server_ticks(server_pids(stack))
        started = time.monotonic()
        proc = subprocess.run(  # noqa: S603 - our own venv's locust, fixed arguments
            [
                str(VENV_BIN / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(users),  # all at once: each user's first request comes at a random moment (pacing.py)
                "-t",
                f"{args.seconds}s",
                "--host",
                stack.url(""),
                "--csv",
                str(csv_prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env=locust_env,
            capture_output=True,
            text=True,
            timeout=args.seconds + 120,
        )
        wall = time.monotonic() - started
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # Where the 2 cores went: the load generator shares the machine with the server.
        used = ticks_ms(server_before, server_ticks(server_pids(stack)), wall)
        by_part = {k: round(v / 1000, 2) for k, v in used.items()}
        cpu_share = {
            "server_cores": round(sum(by_part.values()), 2),
            "server_cores_by_part": by_part,
            "load_generator_cores": round(
                (
                    children_after.ru_utime
                    + children_after.ru_stime
                    - children_before.ru_utime
                    - children_before.ru_stime
                )
                / wall,
                2,
            ),
        }
        if proc.returncode != 0:
            print(proc.stderr[-3000:])
            raise SystemExit(f"locust failed ({proc.returncode})")
        with open(f"{csv_prefix}_stats.csv", newline="") as fh:
            rows = {r["Name"]: percentile_row(r) for r in csv.DictReader(fh)}
        total_rps = rows.get("Aggregated", {}).get("rps") or 0
        if total_rps:
            cpu_share["server_cpu_ms_per_request"] = round(cpu_share["server_cores"] * 1000 / total_rps, 2)
        failures_csv = Path(f"{csv_prefix}_failures.csv")
        errors = list(csv.DictReader(failures_csv.read_text().splitlines())) if failures_csv.exists() else []

        # accepted = stored, exactly once
        accepted: list[str] = []
        for f in sorted(accepted_dir.glob("accepted-*.txt")):
            accepted += [k for k in f.read_text().split() if k]
        counts = (
            dict(
                stack.sql(
                    "SELECT idempotency_key, count(*) FROM comments_comment WHERE idempotency_key = ANY(%s) "
                    "GROUP BY idempotency_key",
                    (accepted,),
                )
            )
            if accepted
            else {}
        )
        stored_total = stack.sql(
            "SELECT count(*) FROM comments_comment WHERE idempotency_key <> '' "
            "AND idempotency_key NOT LIKE 'warmup-%%' AND idempotency_key NOT LIKE 'probe-%%'"
        )[0][0]
        check = {
            "accepted": len(accepted),
            "distinct_accepted": len(set(accepted)),
            "stored_of_accepted": sum(1 for k in set(accepted) if counts.get(k)),
            "missing": sum(1 for k in set(accepted) if not counts.get(k)),
            "duplicated": sum(1 for c in counts.values() if c > 1),
            "stored_total": stored_total,
            "stored_not_acknowledged": stored_total - len(set(accepted)),
        }
        check["ok"] = check["missing"] == 0 and check["duplicated"] == 0 and check["accepted"] > 0

        queued = redis_llen(stack.redis_port, 1, QUEUE)
        drain = {"queued_after_load": queued}
        if queued and args.drain_seconds > 0:
            stack.start_worker("drain-worker", concurrency=2)
            warm_deadline = time.monotonic() + 180  # the worker loads the analysis models first
            while time.monotonic() < warm_deadline and redis_llen(stack.redis_port, 1, QUEUE) >= queued - 4:
                time.sleep(0.5)
            start_len, t0 = redis_llen(stack.redis_port, 1, QUEUE), time.monotonic()
            deadline = t0 + args.drain_seconds
            while time.monotonic() < deadline and redis_llen(stack.redis_port, 1, QUEUE) > 0:
                time.sleep(1)
            left = redis_llen(stack.redis_port, 1, QUEUE)
            spent = time.monotonic() - t0
            drain.update(
                {
                    "seconds": round(spent, 1),
                    "left": left,
                    "measured_from": start_len,
                    "tasks_per_s": round((start_len - left) / spent, 1) if spent else None,
                }
            )
            stack._stop("drain-worker")

        report.update(
            {
                "seconds": args.seconds,
                "wall_seconds": round(wall, 1),
                "cpu_count": os.cpu_count(),
                "platform": platform.platform(),
                "load1_before": load1_before,
                "load1_after": os.getloadavg()[0],
                "gunicorn": {"workers": args.web_workers, "threads": args.threads},
                "users": {
                    "readers": args.readers,
                    "read_rps_each": args.read_rps,
                    "participants": args.posters,
                    "post_rps_each": args.post_rps,
                },
                "target": target,
                "cost_one_at_a_time": probe,
                "cpu_cores_used": cpu_share,
                "requests": rows,
                "errors": errors[:20],
                "accepted_equals_stored": check,
                "queue": drain,
            }
        )
        print_report(report)
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2))
        print(f"\nwritten to {out}")
        return 0 if check["ok"] else 1
    finally:
        stack.close()


def print_report(report: dict) -> None:
    rows = report["requests"]
    print(
        f"\n{'request':<20}{'count':>8}{'errors':>8}{'req/s':>9}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    )
    for name in ("consultation page", "document page", "clause page", "post comment", "Aggregated"):
        r = rows.get(name)
        if r:
            print(
                f"{name:<20}{r['requests']:>8}{r['failures']:>8}{r['rps']:>9}{r['p50_ms']:>9.0f}"
                f"{r['p95_ms']:>9.0f}{r['p99_ms']:>9.0f}{r['max_ms']:>9.0f}"
            )
    reads = sum(rows[n]["rps"] for n in ("consultation page", "document page", "clause page") if n in rows)
    posts = rows.get("post comment", {}).get("rps", 0)
    print(
        f"\nreads/s {reads:.1f} (target {report['target']['reads_per_s']:.0f}), "
        f"posts/s {posts:.1f} (target {report['target']['posts_per_s']:.0f}) on {report['cpu_count']} cores"
    )
    share = report.get("cpu_cores_used")
    if share:
        print(
            f"CPU during the load: server {share['server_cores']} cores "
            f"({', '.join(f'{k} {v}' for k, v in share.get('server_cores_by_part', {}).items())}), "
            f"load generator (locust) {share['load_generator_cores']} cores; "
            f"{share.get('server_cpu_ms_per_request', '?')} ms server CPU a request on average"
        )
    for e in report["errors"][:5]:
        print(f"  error: {e.get('Method')} {e.get('Name')}: {e.get('Error')} x{e.get('Occurrences')}")
    c = report["accepted_equals_stored"]
    print(
        f"\naccepted = stored: {'OK' if c['ok'] else 'FAILED'} - {c['accepted']} comments acknowledged, "
        f"{c['stored_of_accepted']} of them stored, {c['missing']} missing, {c['duplicated']} stored twice; "
        f"{c['stored_not_acknowledged']} stored but never acknowledged (client gave up first)"
    )
    q = report["queue"]
    if "tasks_per_s" in q:
        print(
            f"queue: {q['queued_after_load']} enrichment/notification tasks queued; one worker (2 processes) "
            f"once warm drained {q['measured_from'] - q['left']} in {q['seconds']}s "
            f"= {q['tasks_per_s']} tasks/s"
        )
    else:
        print(f"queue: {q['queued_after_load']} tasks queued after the load")


if __name__ == "__main__":
    raise SystemExit(main())
