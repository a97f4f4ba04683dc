"""Site-wide pages: home, the statements, error pages, security headers, health checks, and the
GOV.UK form includes every app's templates use."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.test import override_settings
from django.urls import include, path
from django.utils import timezone

from consultations.models import Consultation
from dhdigital.lib.forms import GovukDateWidget
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- home and the layout


def test_home_lists_open_consultations_with_links_and_closing_dates(client):
    open_one = ConsultationFactory(title="Draft Care and Support Bill")
    html = client.get("/").content.decode()
    assert "Open for comment now" in html
    assert open_one.title in html
    assert f'href="{open_one.get_absolute_url()}"' in html
    assert "Closes" in html
    assert 'href="/consultations/"' in html


def test_home_lists_upcoming_consultations_but_not_drafts_or_closed_ones(client):
    upcoming = ConsultationFactory(
        title="Upcoming consultation on carers",
        state=Consultation.State.SCHEDULED,
        opens_at=timezone.now() + timedelta(days=3),
        closes_at=timezone.now() + timedelta(weeks=8),
    )
    draft = ConsultationFactory(title="Secret draft", state=Consultation.State.DRAFT)
    closed = ConsultationFactory(
        title="Closed consultation",
        opens_at=timezone.now() - timedelta(weeks=12),
        closes_at=timezone.now() - timedelta(days=1),
    )
    html = client.get("/").content.decode()
    assert "Coming soon" in html and upcoming.title in html
    assert draft.title not in html
    assert closed.title not in html


def test_home_says_when_nothing_is_open(client):
    html = client.get("/").content.decode()
    assert "There are no consultations open for comment at the moment." in html


def test_layout_has_skip_link_generic_header_navigation_phase_banner_and_footer(client):
    html = client.get("/").content.decode()
    assert html.index('class="govuk-skip-link"') < html.index("<header")
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert "govuk-generic-header" in html and ">dhdigital</a>" in html
    assert "govuk-header__crown" not in html and "govuk-logo" not in html  # not a GOV.UK service
    assert 'href="/policy/"' in html and 'href="/consultations/"' in html
    assert "govuk-phase-banner" in html and "Beta" in html
    for href in ('href="/accessibility/"', 'href="/privacy/"', 'href="/cookies/"'):
        assert href in html
    assert "Open Government Licence v3.0" in html
    assert "<title>Have your say on policy and draft laws - dhdigital</title>" in html


def test_anonymous_visitor_sees_sign_in_and_create_account_but_not_staff(client):
    html = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in html and 'href="/accounts/signup/"' in html
    assert 'href="/staff/"' not in html
    assert "Sign out" not in html


def test_citizen_sees_profile_and_a_sign_out_form_but_not_staff(client, citizen):
    client.force_login(citizen)
    html = client.get("/").content.decode()
    assert 'href="/accounts/profile/"' in html
    assert '<form method="post" action="/accounts/logout/">' in html
    assert 'href="/staff/"' not in html


def test_official_sees_the_staff_link(client, moderator):
    client.force_login(moderator)
    assert 'href="/staff/"' in client.get("/").content.decode()


def test_current_section_is_marked_in_the_navigation(client):
    html = client.get("/privacy/").content.decode()
    assert 'aria-current="page"' not in html.split("govuk-service-navigation__list")[1].split("</ul>")[0]
    home = client.get("/").content.decode()
    assert 'href="/" aria-current="page"' in home


def test_messages_show_as_govuk_notification_banners(client, citizen):
    client.force_login(citizen)
    response = client.post("/accounts/profile/", {"display_name": "Jo C", "organisation": ""}, follow=True)
    html = response.content.decode()
    assert "govuk-notification-banner--success" in html
    assert "Your profile has been updated." in html


def test_pages_load_no_inline_scripts_or_styles(client):
    html = client.get("/").content.decode()
    assert '<script type="module" src="/static/govuk/init.js"></script>' in html
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert 'href="/static/govuk/govuk-frontend.min.css"' in html


# ---------------------------------------------------------------- statements


def test_accessibility_statement_follows_the_model_statement(client):
    html = client.get("/accessibility/").content.decode()
    for text in (
        "Accessibility statement for dhdigital",
        "WCAG",
        "2.2",
        "How accessible this website is",
        "Feedback and contact information",
        "Enforcement procedure",
        "Equality and Human Rights Commission",
        "Equality Commission for Northern Ireland",
        "axe-core",
        "keyboard",
        "Preparation of this accessibility statement",
    ):
        assert text in html, text
    assert 'id="contact"' in html  # the phase banner's feedback link lands here


def test_privacy_notice_covers_the_data_we_hold_lawful_basis_retention_and_rights(client):
    html = client.get("/privacy/").content.decode()
    for text in (
        "email address",
        "display name",
        "organisation",
        "comments",
        "publishing your response",
        "IP address",
        "public task",
        "How long we keep it",
        "Your rights",
        "download",
        "delete your account",
        "Information Commissioner",
    ):
        assert text in html, text


def test_cookies_page_lists_only_essential_cookies(client):
    html = client.get("/cookies/").content.decode()
    assert "sessionid" in html and "csrftoken" in html
    assert "We do not use analytics cookies" in html


def test_contact_email_comes_from_settings_when_set(client, settings):
    settings.CONTACT_EMAIL = "help@dept.example"
    assert 'href="mailto:help@dept.example"' in client.get("/accessibility/").content.decode()


def _security_txt_fields(client) -> tuple[object, dict[str, list[str]]]:
    response = client.get("/.well-known/security.txt")
    fields: dict[str, list[str]] = {}
    for line in response.content.decode().splitlines():
        name, _, value = line.partition(": ")
        fields.setdefault(name, []).append(value)
    return response, fields


def test_security_txt_says_where_to_report_and_expires_within_a_year(client, settings):
    """RFC 9116: Contact and Expires are required, Expires less than a year ahead; Policy links the page
    that says how reports are handled (issue 16: how to report a vulnerability)."""
    settings.SECURITY_CONTACT = ["security@dept.example", "https://dept.example/report"]
    response, fields = _security_txt_fields(client)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert fields["Contact"] == ["mailto:security@dept.example", "https://dept.example/report"]
    expires = datetime.fromisoformat(fields["Expires"][0].replace("Z", "+00:00"))
    assert timezone.now() < expires < timezone.now() + timedelta(days=365)
    assert fields["Canonical"] == ["http://testserver/.well-known/security.txt"]
    assert fields["Policy"] == ["http://testserver/security/"]
    page = client.get("/security/").content.decode()
    assert 'href="mailto:security@dept.example"' in page and "https://dept.example/report" in page


def test_without_a_security_contact_reports_go_to_the_service_team(client, settings):
    settings.SECURITY_CONTACT = []
    settings.CONTACT_EMAIL = "help@dept.example"
    _, fields = _security_txt_fields(client)
    assert fields["Contact"] == ["mailto:help@dept.example"]
    assert 'href="/security/"' in client.get("/").content.decode()  # the footer links the page


# ---------------------------------------------------------------- errors


def test_unknown_page_gets_the_govuk_not_found_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>Page not found - dhdigital</title>" in html
    assert "If you typed the web address, check it is correct." in html
    assert "govuk-generic-header" in html


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("forbidden/", _forbidden), path("broken/", _broken), path("", include("dhdigital.urls"))]
handler403 = "dhdigital.lib.views.error_403"
handler500 = "dhdigital.lib.views.error_500"


@override_settings(ROOT_URLCONF=__name__)
def test_permission_denied_gets_the_govuk_forbidden_page(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have permission to see this page" in html
    assert "sign in" in html and "govuk-generic-header" in html


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_renders_without_touching_the_database(client, citizen, django_assert_num_queries):
    client.force_login(citizen)  # a signed-in user would make context processors hit the database
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get("/broken/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_server_error_template_renders_with_no_context_at_all():
    from django.template import loader

    html = loader.get_template("errors/500.html").render()
    assert "Sorry, there is a problem with the service" in html


# ---------------------------------------------------------------- security headers and health


def test_security_headers_are_set(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_healthz_answers_ok_as_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "no-cache" in response.headers.get("Cache-Control", "") or "max-age=0" in response.headers.get(
        "Cache-Control", ""
    )


def test_readyz_reports_database_and_migrations(client):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "ok"


# ---------------------------------------------------------------- the GOV.UK form includes


class ExampleForm(forms.Form):
    name = forms.CharField(label="Full name", help_text="As it should appear", max_length=40)
    body = forms.CharField(label="Your comment", widget=forms.Textarea, max_length=500)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    category = forms.ChoiceField(
        label="Category", choices=[("drafting", "Drafting"), ("general", "General")], widget=forms.RadioSelect
    )
    regions = forms.MultipleChoiceField(
        label="Regions", choices=[("north", "North"), ("south", "South")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField(label="I agree to the house rules")
    kind = forms.ChoiceField(label="Kind", choices=[("", "Choose"), ("a", "A")])
    closes_on = forms.DateField(
        label="Closing date", widget=GovukDateWidget(), help_text="For example, 27 3 2026"
    )
    upload = forms.FileField(label="Upload a file")
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Something about the whole form is wrong")


def render(template: str, **context) -> str:
    return Template("{% load govuk %}" + template).render(Context(context))


def test_field_include_renders_a_text_input_with_label_hint_and_linked_error():
    form = ExampleForm({"name": ""})
    html = render('{% include "includes/field.html" with field=form.name %}', form=form)
    assert '<div class="govuk-form-group govuk-form-group--error">' in html
    assert '<label class="govuk-label" for="id_name">Full name</label>' in html
    assert '<div id="id_name-hint" class="govuk-hint">As it should appear</div>' in html
    assert '<span class="govuk-visually-hidden">Error:</span> Enter full name' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert "govuk-input govuk-input--error" in html
    assert "placeholder" not in html


def test_label_size_l_makes_the_label_the_page_heading():
    html = render(
        '{% include "includes/field.html" with field=form.name label_size="l" %}', form=ExampleForm()
    )
    assert '<h1 class="govuk-label-wrapper">' in html and "govuk-label--l" in html


def test_textarea_with_max_length_gets_a_character_count_without_a_hard_limit():
    html = render('{% include "includes/field.html" with field=form.body %}', form=ExampleForm())
    assert 'data-module="govuk-character-count" data-maxlength="500"' in html
    assert "govuk-js-character-count" in html and 'id="id_body-info"' in html
    assert "maxlength" not in html.split("<textarea")[1].split(">")[0]
    plain = render('{% include "includes/field.html" with field=form.notes %}', form=ExampleForm())
    assert "govuk-character-count" not in plain and 'class="govuk-textarea"' in plain


def test_radios_and_checkboxes_render_in_a_fieldset_and_keep_the_choice():
    form = ExampleForm({"category": "general", "regions": ["south"]})
    radios = render('{% include "includes/field.html" with field=form.category %}', form=form)
    assert '<fieldset class="govuk-fieldset">' in radios and "govuk-fieldset__legend" in radios
    assert 'id="id_category_1" name="category" type="radio" value="general" checked' in radios
    checks = render('{% include "includes/field.html" with field=form.regions %}', form=form)
    assert 'data-module="govuk-checkboxes"' in checks
    assert 'id="id_regions_1" name="regions" type="checkbox" value="south" checked' in checks


def test_radio_choices_can_have_hints():
    form = ExampleForm()
    form.fields["category"].widget.choice_hints = {"drafting": "About the wording of the clause"}
    html = render('{% include "includes/field.html" with field=form.category %}', form=form)
    assert 'aria-describedby="id_category_0-item-hint"' in html
    assert "govuk-radios__hint" in html and "About the wording of the clause" in html


def test_single_checkbox_select_date_file_and_hidden_fields_use_their_components():
    form = ExampleForm()
    html = render(
        "{% for f in form %}{% include 'includes/field.html' with field=f %}{% endfor %}", form=form
    )
    assert 'class="govuk-checkboxes__input"' in html and "I agree to the house rules" in html
    assert 'class="govuk-select"' in html
    assert 'class="govuk-date-input" id="id_closes_on"' in html
    assert 'name="closes_on_day"' in html and 'name="closes_on_year"' in html
    assert 'class="govuk-file-upload"' in html and 'type="file"' in html
    assert '<input type="hidden" name="token"' in html


def test_date_widget_posts_a_valid_date_and_rejects_an_impossible_one():
    good = ExampleForm({"closes_on_day": "27", "closes_on_month": "3", "closes_on_year": "2026"})
    good.is_valid()
    assert "closes_on" not in good.errors
    assert str(good.cleaned_data["closes_on"]) == "2026-03-27"
    bad = ExampleForm({"closes_on_day": "31", "closes_on_month": "2", "closes_on_year": "2026"})
    assert "closes_on" in bad.errors
    html = render('{% include "includes/field.html" with field=form.closes_on %}', form=bad)
    assert 'value="31"' in html and "govuk-input--error" in html


def test_error_summary_links_each_error_to_its_field_and_form_errors_to_the_first_field():
    form = ExampleForm({})
    html = render('{% include "includes/error_summary.html" with form=form %}', form=form)
    assert 'data-module="govuk-error-summary"' in html and "There is a problem" in html
    assert '<a href="#id_name">Something about the whole form is wrong</a>' in html
    assert '<a href="#id_name">Enter full name</a>' in html
    assert '<a href="#id_category_0">Select category</a>' in html
    assert '<a href="#id_closes_on_day">Enter closing date</a>' in html
    assert '<a href="#id_upload">Select a file for upload a file</a>' in html


def test_error_summary_lists_errors_from_several_forms_and_nothing_when_valid():
    a = ExampleForm({}, prefix="a")
    html = render('{% include "includes/error_summary.html" with forms=forms %}', forms=[a, ExampleForm()])
    assert 'href="#id_a-name"' in html
    assert (
        render('{% include "includes/error_summary.html" with form=form %}', form=ExampleForm()).strip() == ""
    )


def test_page_title_gets_an_error_prefix_when_the_form_has_errors(client):
    response = client.post("/accounts/login/", {"login": "", "password": ""})
    assert "<title>Error: Sign in - dhdigital</title>" in response.content.decode()


def test_pagination_keeps_other_query_parameters(rf):
    from django.core.paginator import Paginator

    request = rf.get("/consultations/", {"q": "care", "page": "5"})
    page_obj = Paginator(list(range(200)), 10).page(5)
    html = render('{% include "includes/pagination.html" %}', page_obj=page_obj, request=request)
    assert 'href="?q=care&amp;page=4" rel="prev"' in html
    assert 'href="?q=care&amp;page=6" rel="next"' in html
    assert 'aria-current="page">5</a>' in html
    assert "govuk-pagination__item--ellipsis" in html
    single = Paginator(list(range(5)), 10).page(1)
    assert "govuk-pagination" not in render('{% include "includes/pagination.html" %}', page_obj=single)


def test_breadcrumbs_render_links_and_the_current_page():
    html = render('{% breadcrumbs "Consultations" "/consultations/" "Draft Care and Support Bill" "" %}')
    assert '<a class="govuk-breadcrumbs__link" href="/consultations/">Consultations</a>' in html
    assert 'aria-current="page">Draft Care and Support Bill</li>' in html
    listed = render(
        '{% include "includes/breadcrumbs.html" with crumbs=crumbs %}',
        crumbs=[("Home", "/"), ("Policy", "/policy/")],
    )
    assert 'href="/policy/">Policy</a>' in listed


def test_back_link_include_renders_the_govuk_back_link():
    html = render('{% include "includes/back_link.html" with href="/consultations/" %}')
    assert '<a href="/consultations/" class="govuk-back-link">Back</a>' in html
