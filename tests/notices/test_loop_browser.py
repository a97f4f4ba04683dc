"""Issue 20 "Done when", in Chromium on a phone (390 x 844, touch): a citizen comments on a phrase chosen
by touch, the consultation closes, the government response is published, and the citizen's inbox and
activity page show both notices with links to their clause's "you said, we did" entry. Choosing a phrase
with the keyboard (shift and the arrow keys) on a desktop. axe-core on every page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from comments.models import Comment
from consultations import services
from consultations.models import Section
from outcomes.models import LedgerEntry
from tests.factories import make_document

pytestmark = pytest.mark.django_db(transaction=True)

PHRASE = "meet the adult's needs"


@pytest.fixture(scope="module", autouse=True)
def _analysis_engine_loaded():
    """Without a worker, posting a comment enriches it in the request; the first enrichment loads the
    analysis engine's models. Load them once, before a page waits on them."""
    from policycycle.analysis.enrich import enrich

    enrich("The duty to meet the needs of adults should name carers too.")


@pytest.fixture
def clause_2(consultation):
    document = make_document(consultation=consultation, clauses=3)
    return Section.objects.select_related("document__consultation").get(document=document, anchor="clause-2")


SELECT_WORDS = """([phrase, length]) => {
  // What a touch screen's selection handles leave behind: a selection over the words, and no mouseup.
  const target = document.querySelector("[data-quote-target]");
  const walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(phrase);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + (length || phrase.length));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return true;
  }
  return false;
}"""


def test_a_citizen_on_a_phone_comments_on_a_phrase_and_hears_what_happened(
    phone, live_url, login, citizen, publisher, consultation, clause_2, assert_no_axe_violations, screenshot
):
    page = phone
    login(page, citizen)
    page.goto(live_url + clause_2.get_absolute_url())
    page.locator("[data-quote-target]").get_by_text(PHRASE).first.tap()
    assert page.evaluate(SELECT_WORDS, [PHRASE, 0])
    bar = page.locator("[data-quote-bar]")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text(f"You selected: “{PHRASE}”")
    screenshot(page, "loop-phrase-selected-phone")
    assert_no_axe_violations(page)
    bar.get_by_role("button", name="Comment on this phrase").tap()
    expect(page.get_by_label("Your comment")).to_be_focused()
    page.get_by_label("Your comment").fill("Say which adults: the wording leaves carers out.")
    page.get_by_label("The drafting (wording) of the text").check()
    page.get_by_role("button", name="Post comment").tap()
    page.wait_for_url(re.compile(r"/clause-2/#comment-\d+$"), timeout=90_000)
    comment = Comment.objects.get(author=citizen)
    assert comment.quote_exact == PHRASE
    # the phrase is marked in the clause, a link to the comment on it
    mark = page.locator("[data-quote-target] mark.dhd-quoted a")
    expect(mark).to_have_attribute("href", f"#comment-{comment.pk}")
    expect(page.get_by_text("Your comment has been published.")).to_be_visible()
    screenshot(page, "loop-phrase-commented-phone")
    assert_no_axe_violations(page)

    # The team closes the consultation and publishes its response, with an entry for clause 2.
    services.consultation_close_early(consultation=consultation, by=publisher, reason="The bill is ready")
    LedgerEntry.objects.create(
        consultation=consultation,
        lineage_key=clause_2.lineage_key,
        section=clause_2,
        decision="accepted",
        you_said="Name the adults the duty covers.",
        we_did="Clause 2 now names carers.",
    )
    consultation.refresh_from_db()
    services.consultation_conclude(
        consultation=consultation, by=publisher, outcome_summary="We changed clause 2.", outcome_body=""
    )

    inbox = [m for m in mail.outbox if citizen.email in m.to]
    assert [m.subject.split("] ", 1)[1] for m in inbox] == [
        f"“{consultation.title}” has closed",
        f"Government response published: “{consultation.title}”",
    ]
    entry = f"{clause_2.document.slug}/v1/clause-2/#we-did"
    assert entry in inbox[1].body
    assert all(m.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in inbox)

    page.get_by_role("button", name=re.compile("Menu")).tap()
    page.get_by_role("link", name="Your activity").tap()
    notices = page.locator("[data-notices]")
    expect(notices).to_contain_text(f"“{consultation.title}” has closed")
    expect(notices).to_contain_text(f"Government response published: “{consultation.title}”")
    screenshot(page, "loop-activity-phone")
    assert_no_axe_violations(page)
    notices.get_by_role("link", name="You said, we did: Clause 2: Clause heading 2").tap()
    expect(page.locator("#we-did")).to_contain_text("Clause 2 now names carers.")
    assert page.url.endswith(entry)
    assert_no_axe_violations(page)


def test_choosing_a_phrase_with_the_keyboard_offers_comment_on_this_phrase(
    page, live_url, login, citizen, clause_2, assert_no_axe_violations, screenshot
):
    login(page, citizen)
    page.goto(live_url + clause_2.get_absolute_url())
    # The first letter of "meet" (where caret browsing, F7, puts a keyboard user), then shift and the
    # right arrow, one character at a time.
    page.evaluate(SELECT_WORDS, [PHRASE, 1])
    for _ in range(len(PHRASE) - 1):
        page.keyboard.press("Shift+ArrowRight")
    bar = page.locator("[data-quote-bar]")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text(f"You selected: “{PHRASE}”")
    assert page.get_by_label("The words you are commenting on (optional)").input_value() == PHRASE
    screenshot(page, "loop-phrase-keyboard-desktop")
    assert_no_axe_violations(page)
