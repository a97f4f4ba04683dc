"""In Chromium, on clause 3 of the demo bill (the real Sustainable Aviation Fuel Bill): a citizen comments,
another replies and agrees inline, a third reports; under pre-moderation the moderator approves one and
rejects one with a reason and the authors get their emails. axe-core on every page, error states too;
commenting with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from comments.demo import load_demo_comments
from comments.models import Comment, Flag
from consultations.importers import parse
from consultations.importers.save import document_import
from consultations.models import Consultation, Document
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module", autouse=True)
def _analysis_engine_loaded(real_texts):
    """Without a worker, posting a comment enriches it in the request, and the first enrichment loads the
    analysis engine's models (tens of seconds on a busy machine). Load them once, before any page waits."""
    from policycycle.analysis.enrich import enrich

    enrich(real_texts[0])


@pytest.fixture
def bill(consultation, shared_data):
    data = (shared_data / "bills/akn/sustainable-aviation-fuel-bill.xml").read_bytes()
    doc = document_import(consultation=consultation, parsed=parse(data), slug="bill").document
    doc.state = Document.State.PUBLISHED
    doc.save()
    return doc


@pytest.fixture
def clause_3(bill):
    return bill.sections.get(kind="clause", number="3")


def _select_label(comment) -> re.Pattern:
    """The queue names a comment's checkbox by its author and opening words."""
    opening = re.escape(" ".join(comment.body.split()[:4]))
    return re.compile(f"^Select the comment by {re.escape(comment.author.public_name)}: “{opening}")


def _texts(real_texts):
    return [t for t in real_texts if "http" not in t][:4]


def test_comment_reply_agree_flag_and_pre_moderation_in_the_browser(
    page,
    browser,
    live_url,
    login,
    citizen,
    other_citizen,
    third_citizen,
    moderator,
    consultation,
    clause_3,
    real_texts,
    assert_no_axe_violations,
    screenshot,
):
    Consultation.objects.filter(pk=consultation.pk).update(moderation_mode="pre")
    first, second, _ = _texts(real_texts)[:3]
    clause_url = live_url + clause_3.get_absolute_url()

    # A citizen comments on clause 3; the form's error state is accessible too.
    login(page, citizen)
    page.goto(clause_url)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert "Enter your comment" in page.locator(".govuk-error-summary").inner_text()
    assert page.title().startswith("Error:")
    screenshot(page, "comments-form-errors")
    assert_no_axe_violations(page)
    page.get_by_label("How it would work in practice").check()
    page.get_by_label("Your comment").fill(first)
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("body")).to_contain_text("once a moderator has checked it")
    own = Comment.objects.get(author=citizen)
    assert own.status == "pending"
    assert_no_axe_violations(page)

    # The moderator approves it from the queue.
    mod = browser.new_page()
    login(mod, moderator)
    mod.goto(f"{live_url}/comments/staff/{consultation.slug}/moderation/")
    assert_no_axe_violations(mod)
    mod.get_by_label(_select_label(own)).check()
    mod.get_by_label("Approve (publish)").check()
    mod.get_by_role("button", name="Apply to selected comments").click()
    expect(mod.locator("body")).to_contain_text("Decision recorded for 1 comment")
    own.refresh_from_db()
    assert own.status == "published"

    # Another citizen replies inline and agrees, without a page reload.
    other = browser.new_page()
    login(other, other_citizen)
    other.goto(clause_url)
    other.evaluate("window.__noReload = true")
    other.get_by_role("link", name="Reply to Jo Citizen").click()
    other.get_by_role("button", name="Post reply").click()  # empty: the inline error state
    other.wait_for_selector("[data-reply-holder] .govuk-error-message")
    assert "Enter your reply" in other.locator("[data-reply-holder] .govuk-error-summary").inner_text()
    assert other.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    screenshot(other, "comments-inline-reply-error")
    assert_no_axe_violations(other)
    other.get_by_label("Your reply").fill(second)
    screenshot(other, "comments-inline-reply")
    assert_no_axe_violations(other)
    other.get_by_role("button", name="Post reply").click()
    other.wait_for_selector("text=Awaiting moderation")
    other.get_by_role("button", name=re.compile(r"^Agree with Jo Citizen")).click()
    other.wait_for_selector("button[value=agree][aria-pressed=true]")
    assert other.evaluate("window.__noReload") is True
    assert other.locator("button[value=agree] [data-count=agree]").first.inner_text() == "1"
    screenshot(other, "comments-after-inline-reply-and-agree")
    assert_no_axe_violations(other)
    reply = Comment.objects.get(author=other_citizen)
    assert (reply.parent_id, reply.status) == (own.pk, "pending")
    own.refresh_from_db()
    assert own.agree_count == 1

    # A third reader reports the comment.
    third = browser.new_page()
    login(third, third_citizen)
    third.goto(clause_url)
    third.get_by_role("link", name="Report comment by Jo Citizen").click()
    assert_no_axe_violations(third)
    third.get_by_role("button", name="Report comment").click()  # no reason: error state
    assert "Choose why you are reporting" in third.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(third)
    third.get_by_label("Off-topic").check()
    third.get_by_role("button", name="Report comment").click()
    assert Flag.objects.get().reason == "off_topic"

    # The moderator rejects the reply: first without a reason (error), then with one.
    mod.goto(f"{live_url}/comments/staff/{consultation.slug}/moderation/")
    mod.get_by_label(_select_label(reply)).check()
    mod.get_by_label("Reject (never published)").check()
    mod.get_by_role("button", name="Apply to selected comments").click()
    assert "house rule" in mod.locator(".govuk-error-summary").inner_text()
    screenshot(mod, "comments-moderation-error")
    assert_no_axe_violations(mod)
    mod.get_by_label(_select_label(reply)).check()
    mod.get_by_label("Reject (never published)").check()
    mod.get_by_label("House rule broken (needed to reject or remove)").select_option("civil")
    mod.get_by_role("button", name="Apply to selected comments").click()
    reply.refresh_from_db()
    assert (reply.status, reply.moderation_reason) == ("rejected", "civil")
    mod.goto(f"{live_url}/comments/staff/{consultation.slug}/moderation/?filter=flagged")
    screenshot(mod, "comments-moderation-flagged")
    assert_no_axe_violations(mod)

    # Both authors were told, the rejected one with the rule and an appeal link.
    to = {m.to[0]: m for m in mail.outbox if "comment" in m.subject.lower()}
    assert "published" in to[citizen.email].subject
    assert "not published" in to[other_citizen.email].subject
    assert "Be civil" in to[other_citizen.email].body
    assert f"/comments/{reply.pk}/appeal/" in to[other_citizen.email].body

    # The author of the rejected reply follows the appeal link.
    other.goto(f"{live_url}/comments/{reply.pk}/appeal/")
    assert_no_axe_violations(other)
    screenshot(other, "comments-appeal")


def test_keyboard_only_commenting(page, live_url, login, citizen, clause_3, real_texts, screenshot):
    text = _texts(real_texts)[3]
    login(page, citizen)
    page.goto(live_url + clause_3.get_absolute_url())

    def tab_to(predicate_js: str, limit: int = 250) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate_js}; }})()"):
                return
        raise AssertionError(f"never reached {predicate_js} with Tab")

    tab_to("el.name === 'category'")
    page.keyboard.press("ArrowDown")  # radios: arrows move and select
    tab_to("el.name === 'body'")
    page.keyboard.type(text)
    tab_to("el.tagName === 'BUTTON' && el.textContent.trim() === 'Post comment'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    screenshot(page, "comments-keyboard-posted")
    comment = Comment.objects.get(author=citizen)
    assert comment.body == text and comment.category == "practical_effect"
    screenshot(page, "comments-permalink")


def test_keyboard_only_inline_reply_and_agree(
    page, live_url, login, citizen, other_citizen, clause_3, real_texts
):
    from comments import services

    root = services.comment_create(
        author=other_citizen,
        consultation=clause_3.document.consultation,
        document=clause_3.document,
        section=clause_3,
        body=_texts(real_texts)[0],
        category="drafting",
    )
    login(page, citizen)
    page.goto(live_url + clause_3.get_absolute_url())
    page.evaluate("window.__noReload = true")

    def tab_to(predicate_js: str, limit: int = 250) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate_js}; }})()"):
                return
        raise AssertionError(f"never reached {predicate_js} with Tab")

    def wait_until(expression: str, seconds: float = 20) -> None:
        # page.wait_for_function evaluates strings in the page, which the site's CSP forbids
        for _ in range(int(seconds * 10)):
            if page.evaluate(f"!!({expression})"):
                return
            page.wait_for_timeout(100)
        raise AssertionError(f"timed out waiting for {expression}")

    tab_to("el.tagName === 'BUTTON' && el.value === 'agree'")
    page.keyboard.press("Enter")
    page.wait_for_selector("button[value=agree][aria-pressed=true]")
    tab_to("el.matches('a[data-reply-link]')")
    page.keyboard.press("Enter")
    wait_until("document.activeElement && document.activeElement.name === 'body'")
    page.keyboard.type(_texts(real_texts)[1])
    tab_to("el.tagName === 'BUTTON' && el.textContent.trim() === 'Post reply'")
    page.keyboard.press("Enter")
    wait_until("document.activeElement && document.activeElement.tagName === 'ARTICLE'")
    assert page.evaluate("window.__noReload") is True  # both happened without a page load
    reply = Comment.objects.get(author=citizen)
    assert reply.parent_id == root.pk and reply.body == _texts(real_texts)[1]
    root.refresh_from_db()
    assert (root.agree_count, root.reply_count) == (1, 1)


def _drag_select(page, start, end, *, from_x: int, to_x: int) -> None:
    """Select text with the mouse, as a reader does: press in one element, release in another."""
    page.evaluate("window.getSelection().removeAllRanges()")
    start.scroll_into_view_if_needed()
    a, b = start.bounding_box(), end.bounding_box()
    page.mouse.move(a["x"] + from_x, a["y"] + 8)
    page.mouse.down()
    page.mouse.move(b["x"] + to_x, b["y"] + 8, steps=8)
    page.mouse.up()


def test_selecting_words_across_provisions_quotes_whole_words_and_posts_them(
    page, live_url, login, citizen, clause_3, real_texts, assert_no_axe_violations, screenshot
):
    login(page, citizen)
    page.goto(live_url + clause_3.get_absolute_url())
    provisions = page.locator("[data-quote-target] [data-section]")
    # From the middle of a word in (1)(a) to the middle of a word in (1)(b).
    _drag_select(page, provisions.nth(1), provisions.nth(2), from_x=90, to_x=200)
    quote = page.get_by_label("The words you are commenting on (optional)").input_value()
    shown = " ".join(page.locator("[data-quote-target]").evaluate("el => el.textContent").split())
    at = shown.index(quote)
    assert "(b)" in quote, quote  # the provision number shown between the words is part of the quote
    assert shown[at - 1] == " " and not shown[at + len(quote)].isalnum(), quote  # widened to whole words
    # The smallest part that holds both ends is subsection (1).
    assert page.locator("select[name=target] option:checked").inner_text().startswith("(1)")
    screenshot(page, "comments-quote-selected")
    assert_no_axe_violations(page)
    page.get_by_role("radio", name="The drafting (wording) of the text").check()
    page.get_by_role("button", name="Comment on this phrase").click()
    assert page.evaluate("document.activeElement.name") == "body"
    text = _texts(real_texts)[1]
    page.keyboard.type(text)
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"/clause-3/#comment-\d+$"))
    comment = Comment.objects.get(author=citizen)
    assert (comment.quote_exact, comment.section.number, comment.body) == (quote, "(1)", text)
    assert page.locator(".dhd-quote").inner_text() == quote


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_quoting_without_javascript_by_copying_the_words(
    page, live_url, login, citizen, clause_3, real_texts
):
    # (axe-core is JavaScript: it cannot run here; the same server-rendered error page is checked with it on)
    login(page, citizen)
    page.goto(live_url + clause_3.get_absolute_url())
    part = clause_3.document.sections.get(parent__parent=clause_3, number="(b)", parent__number="(1)")
    words = " ".join(part.text.split()[:4])
    page.get_by_label("Which part are you commenting on?").select_option(str(part.pk))
    page.get_by_label("The words you are commenting on (optional)").fill("words that are not in the bill")
    page.get_by_role("radio", name="A question").check()
    page.locator("[data-comment-form] textarea[name=body]").fill(_texts(real_texts)[2])
    page.get_by_role("button", name="Post comment").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "not in the part of the clause you chose" in summary
    assert page.title().startswith("Error:")
    assert not Comment.objects.exists()
    page.get_by_label("The words you are commenting on (optional)").fill(words)
    page.get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get(author=citizen)
    assert (comment.section_id, comment.quote_exact) == (part.pk, words)


def test_a_busy_clause_reads_on_a_phone(
    browser, live_url, login, citizen, bill, clause_3, real_texts, assert_no_axe_violations, screenshot
):
    """375 px wide, deep threads: nothing wider than the screen, links far enough apart to tap."""
    from comments.demo import bulk_threads

    load_demo_comments(bill)
    authors = [UserFactory() for _ in range(6)]
    bulk_threads(document=bill, sections=[clause_3], authors=authors, texts=real_texts, n=120)
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, citizen)
    page.goto(live_url + clause_3.get_absolute_url() + "?sort=discussed")
    assert page.locator("text=Continue this thread").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    screenshot(page, "comments-clause-phone")
    assert_no_axe_violations(page)
    context.close()


def test_clause_with_demo_threads_reads_well_and_has_no_axe_violations(
    page, live_url, bill, clause_3, assert_no_axe_violations, screenshot
):
    load_demo_comments(bill)
    page.goto(live_url + clause_3.get_absolute_url())
    assert page.locator("article.dhd-comment").count() >= 12
    assert "The Computational Democracy Project" in page.content()
    screenshot(page, "comments-clause-demo-threads")
    assert_no_axe_violations(page)
    page.goto(live_url + bill.get_absolute_url())
    screenshot(page, "comments-document-counts")
    assert_no_axe_violations(page)
    page.goto(live_url + "/comments/house-rules/")
    assert_no_axe_violations(page)


def test_closed_consultation_is_read_only_in_the_browser(
    page, live_url, login, citizen, consultation, bill, clause_3, assert_no_axe_violations, screenshot
):
    load_demo_comments(bill)
    Consultation.objects.filter(pk=consultation.pk).update(state="closed")
    login(page, citizen)
    page.goto(live_url + clause_3.get_absolute_url())
    assert page.get_by_role("button", name="Post comment").count() == 0
    assert page.locator("a[data-reply-link]").count() == 0
    assert "closed for comments" in page.content()
    screenshot(page, "comments-closed")
    assert_no_axe_violations(page)


def test_rate_limited_page_is_accessible(
    page, live_url, login, clause_3, settings, real_texts, assert_no_axe_violations
):
    settings.COMMENT_RATE_PER_USER = "0/600"
    user = UserFactory()
    login(page, user)
    page.goto(live_url + clause_3.get_absolute_url())
    page.get_by_label("General comment").check()
    page.get_by_label("Your comment").fill(_texts(real_texts)[0])
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("body")).to_contain_text("You are doing that too often")
    assert_no_axe_violations(page)


def test_moderation_queue_works_with_the_keyboard_alone(
    page, live_url, login, citizen, moderator, consultation, clause_3, real_texts, screenshot
):
    from comments import services

    Consultation.objects.filter(pk=consultation.pk).update(moderation_mode="pre")
    consultation.refresh_from_db()
    held = services.comment_create(
        author=citizen,
        consultation=consultation,
        document=clause_3.document,
        section=clause_3,
        body=_texts(real_texts)[0],
        category="drafting",
    )
    login(page, moderator)
    page.goto(f"{live_url}/comments/staff/{consultation.slug}/moderation/")

    def tab_to(predicate_js: str, limit: int = 120) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate_js}; }})()"):
                return
        raise AssertionError(f"never reached {predicate_js} with Tab")

    tab_to("el.name === 'comments'")
    page.keyboard.press("Space")
    tab_to("el.name === 'decision'")
    page.keyboard.press("Space")  # the first decision: approve
    tab_to("el.tagName === 'BUTTON' && el.textContent.trim() === 'Apply to selected comments'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    held.refresh_from_db()
    assert held.status == "published"
    screenshot(page, "comments-moderation-keyboard")
