"""manage.py import_document: creates the consultation when needed, reports counts, refuses bad input."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from consultations.models import Consultation, Document, Section
from dhdigital.accounts.models import Team

from .helpers import AKN_BILLS, CLML_BILLS, expected_counts

pytestmark = pytest.mark.django_db
SAF = next(p for p in AKN_BILLS if p.name.startswith("sustainable"))


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_document", *args, stdout=out)
    return out.getvalue()


def test_json_output_is_one_object_with_the_document_and_the_seven_counts():
    output = run("saf-bill", str(SAF), "--json")
    result = json.loads(output)
    assert set(result) == {"document", "counts"}
    assert result["counts"] == expected_counts(SAF)
    document = Document.objects.get(pk=result["document"])
    assert document.sections.filter(kind="clause").count() == 19
    assert output.strip().count("\n") == 0


def test_a_missing_consultation_is_created_as_a_draft_in_the_imported_documents_team():
    run("saf-bill", str(SAF), "--json")
    consultation = Consultation.objects.get(slug="saf-bill")
    assert consultation.state == Consultation.State.DRAFT
    assert consultation.title == "Sustainable Aviation Fuel Bill"
    assert consultation.team == Team.objects.get(name="Imported documents")


def test_an_existing_consultation_gets_the_document(consultation):
    run(consultation.slug, str(CLML_BILLS[0]), "--format", "clml", "--title", "Tribunals Act")
    document = consultation.documents.get()
    assert document.title == "Tribunals Act"
    assert Consultation.objects.count() == 1


def test_plain_output_names_each_kind_and_its_count():
    output = run("saf-bill", str(SAF))
    assert "Imported “Sustainable Aviation Fuel Bill”" in output
    assert "  clause        19" in output
    assert "  schedule      1" in output


def test_missing_file_is_a_command_error_and_saves_nothing(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("saf-bill", str(tmp_path / "nope.xml"))
    assert not Consultation.objects.exists()


def test_unknown_format_option_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        run("saf-bill", str(SAF), "--format", "pdf")
    assert not Document.objects.exists()


def test_file_in_the_wrong_format_is_a_command_error_naming_the_problem_and_saves_nothing(tmp_path):
    path = tmp_path / "bill.md"
    path.write_text("# Bill\n\n(1) Orphan subsection before any clause.\n")
    with pytest.raises(CommandError, match=r"bill\.md: Numbered text \(1\).*line 3"):
        run("saf-bill", str(path))
    with pytest.raises(CommandError, match="Expected an Akoma Ntoso"):
        run("saf-bill", str(CLML_BILLS[0]), "--format", "akn")
    assert not Consultation.objects.exists()
    assert not Section.objects.exists()


def test_exit_status_is_non_zero_on_error(tmp_path):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(
            ["manage.py", "import_document", "saf-bill", str(tmp_path / "nope.xml"), "--skip-checks"]
        ).execute()
    assert exit_info.value.code != 0


def test_the_imported_documents_team_is_reused_for_a_second_consultation():
    run("saf-bill", str(SAF), "--json")
    run("tribunals", str(CLML_BILLS[0]), "--json")
    assert Team.objects.filter(name="Imported documents").count() == 1
    assert Consultation.objects.get(slug="tribunals").team.name == "Imported documents"


def test_an_invalid_consultation_slug_is_refused():
    with pytest.raises(CommandError, match="not a valid consultation slug"):
        run("Not A Slug", str(SAF))
    assert not Consultation.objects.exists()
