"""`load_demo`: the real Sustainable Aviation Fuel Bill, a formal consultation and one signed-in-able user
per role, loaded idempotently; no account comes from a migration."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from consultations.demo import DEMO_PASSWORD, DEMO_USERS, SAF_BILL
from consultations.models import Consultation, Document, Section
from dhdigital.accounts.models import Role, TeamMembership, User
from tests.importers.helpers import expected_counts

pytestmark = pytest.mark.django_db


def test_migrations_create_no_accounts():
    assert not User.objects.exists()


def test_demo_has_the_real_bill_a_formal_consultation_and_a_user_per_role_and_loads_once(settings):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = [m.objects.count() for m in (User, Consultation, Document, Section, TeamMembership)]
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m.objects.count() for m in (User, Consultation, Document, Section, TeamMembership)] == counts
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
    from comments.models import Comment
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


def test_each_demo_user_signs_in_through_the_sign_in_page(client):
    call_command("load_demo", "--no-analysis", stdout=open("/dev/null", "w"))  # noqa: SIM115
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
