"""`load_demo`: the real Sustainable Aviation Fuel Bill, a formal consultation and one signed-in-able user
per role, loaded idempotently; no account comes from a migration."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from consultations.demo import DEMO_PASSWORD, DEMO_USERS, SAF_BILL
from consultations.models import Consultation, Document, Section
from dhdigital.accounts.models import Role, TeamMembership, User
from tests.importers.helpers import expected_counts

pytestmark = pytest.mark.django_db


def test_migrations_create_no_accounts():
    assert not User.objects.exists()


def test_demo_has_the_real_bill_a_formal_consultation_and_a_user_per_role_and_loads_once(settings, client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    loaded = (User, Consultation, Document, Section, TeamMembership, Comment)
    counts = [m.objects.count() for m in loaded]
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m.objects.count() for m in loaded] == counts
    bill = Consultation.objects.get(slug="sustainable-aviation-fuel-bill")
    assert bill.kind == "draft_bill" and bill.is_open()
    document = bill.documents.get()
    xml_counts = expected_counts(settings.DATA_DIR / SAF_BILL)
    assert document.sections.filter(kind="clause").count() == xml_counts["clause"]
    assert Consultation.objects.filter(kind="formal").exclude(state="draft").exists()
    roles = {
        m.user.email: m.role for m in TeamMembership.objects.filter(team=bill.team).select_related("user")
    }
    assert roles == {
        "publisher@example.org": Role.PUBLISHER,
        "moderator@example.org": Role.MODERATOR,
        "analyst@example.org": Role.ANALYST,
    }
    assert User.objects.get(email="admin@example.org").is_superuser
    # a first analysis is there for a new user to look at: responses enriched, one finished run per demo
    # consultation with themes and quotes, not redone by the second load
    from insights.models import AnalysisRun, Enrichment, Theme

    assert Enrichment.objects.filter(comment__isnull=False).count() == Comment.objects.count() > 0
    runs = AnalysisRun.objects.order_by("consultation__slug")
    assert [(r.consultation.slug, r.state) for r in runs] == [
        ("regulatory-reform-initiatives", "done"),
        ("sustainable-aviation-fuel-bill", "done"),
        ("youth-scrutiny-of-policing", "done"),
    ]
    themes = Theme.objects.filter(consultation=bill)
    assert themes.exists() and all(t.quotes for t in themes)
    # the bill's comments are threads, a busy clause 3 among them
    comments = Comment.objects.filter(document=document)
    assert comments.count() > 20 and comments.filter(parent__isnull=False).exists()
    assert comments.filter(section__kind="clause", section__number="3").count() >= 10
    # Each demo user signs in through the sign-in page (one load of the demo serves both checks: it is
    # the slowest set-up of the suite).
    for email, _name, _role in DEMO_USERS:
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and "confirm" not in response["Location"], email
        assert client.get("/accounts/profile/").status_code == 200, email
        client.logout()


def test_without_the_shared_data_it_says_where_to_put_it(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with pytest.raises(CommandError, match="DHDIGITAL_SHARED_DATA"):
        call_command("load_demo")
    assert not Consultation.objects.exists()
