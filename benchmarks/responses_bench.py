"""Responses figures: the CSV import of offline responses (parse + validate, then the all-or-nothing
commit), measured on real public comments from regulations.gov (shared/data/comments/regulations_gov)."""

from __future__ import annotations

import csv
import io
import time
from unittest import mock

from django.conf import settings
from django.utils import timezone

ROWS = 10_000


def _real_texts() -> list[str]:
    path = settings.DATA_DIR / "comments" / "regulations_gov" / "text_comments_example.csv"
    with path.open(encoding="utf-8") as fh:
        texts = [r["Text Comment"].split("\nRe:")[0].strip() for r in csv.DictReader(fh)]
    return [t for t in texts if len(t) > 20]


def _setup():
    from responses.models import Question
    from tests.factories import ConsultationFactory

    c = ConsultationFactory(slug=f"bench-responses-{int(time.time())}", kind="formal")
    Question.objects.create(
        consultation=c,
        position=1,
        kind="text",
        required=True,
        text="Which regulations should be repealed, replaced or modified, and why?",
    )
    Question.objects.create(
        consultation=c,
        position=2,
        kind="single",
        choices=["Yes", "No", "Don't know"],
        text="Should work requirements be reinstated?",
    )
    Question.objects.create(
        consultation=c,
        position=3,
        kind="multiple",
        choices=["Employers", "Workers", "Families"],
        text="Who would be affected?",
    )
    Question.objects.create(
        consultation=c, position=4, kind="scale", ask_why=True, text="The rules are clear."
    )
    return c


def _csv(consultation, n: int) -> bytes:
    from responses.importing import template_columns

    texts = _real_texts()
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=template_columns(consultation))
    w.writeheader()
    today = timezone.localdate().isoformat()
    for i in range(n):
        w.writerow(
            {
                "respondent_type": "organisation" if i % 10 == 0 else "individual",
                "name": f"Respondent {i}",
                "email": f"respondent{i}@example.org",
                "address": "",
                "organisation_name": f"Org {i}" if i % 10 == 0 else "",
                "organisation_type": "business" if i % 10 == 0 else "",
                "region": "London",
                "consent": ["named", "anonymous", "none"][i % 3],
                "channel": ["email", "post", "event"][i % 3],
                "received_on": today,
                "q1": texts[i % len(texts)],
                "q2": ["Yes", "No"][i % 2],
                "q3": "Employers;Workers",
                "q4": "Agree",
                "q4_why": texts[(i * 7) % len(texts)] if i % 4 == 0 else "",
            }
        )
    return out.getvalue().encode("utf-8-sig")


def run(results: dict) -> None:
    from dhdigital.accounts.models import User
    from responses import importing
    from responses.models import Answer, Response

    consultation = _setup()
    official = User.objects.create_user(f"bench-official-{int(time.time())}@example.org", "x" * 12)
    data = _csv(consultation, ROWS)
    queued: list[int] = []

    start = time.perf_counter()
    result = importing.parse(consultation, data)
    parse_s = time.perf_counter() - start
    assert result.ok, result.messages[:3]

    # The enrichment hook is recorded, not run: per-answer analysis cost is the insights benchmark's figure.
    with mock.patch.object(importing, "queue_bulk_analysis", lambda kind, pks: queued.extend(pks)):
        start = time.perf_counter()
        created = importing.responses_import(consultation=consultation, by=official, data=data)
        import_s = time.perf_counter() - start
    assert len(created) == ROWS
    assert Response.objects.filter(consultation=consultation).count() == ROWS
    n_answers = Answer.objects.filter(response__consultation=consultation).count()

    figures = {
        "time to import 10,000 CSV responses (validate + commit)": {"value": round(import_s, 2), "unit": "s"},
        "CSV preview of 10,000 responses (parse + validate, no writes)": {
            "value": round(parse_s, 2),
            "unit": "s",
        },
        "CSV import throughput": {"value": round(ROWS / import_s), "unit": "responses/s"},
        "answers saved by the 10,000-row import": {"value": n_answers, "unit": "answers"},
        "text answers queued for analysis by the import": {"value": len(queued), "unit": "answers"},
    }
    for name, fig in figures.items():
        print(f"  {name}: {fig['value']} {fig['unit']}")
    results.update(figures)
