"""HTML for comment threads, written in Python rather than a template.

A clause page may carry hundreds of comments: Django's template engine spends about 2 ms on each one
(variable lookups, {% url %}, date filters), which broke the 80 ms budget for 500 comments. Here each
comment costs a few string joins. Everything user-supplied is escaped with `escape`; `body_html` is
already sanitised by nh3 when the comment is saved. The markup follows what `_comment.html` used to be:
GOV.UK classes, nested lists for threads, visually hidden text that names the comment in each action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Comment
from .selectors import Node, Threads

CATEGORY_SHORT = {
    "drafting": "Drafting",
    "practical_effect": "Practical effect",
    "general": "General",
    "question": "Question",
}
PLACEHOLDER = {
    "withdrawn": "Comment withdrawn by its author",
    "pending": "Comment being checked by a moderator",
}
REMOVED = "Comment removed by moderator"


@dataclass
class Viewer:
    """What the viewer may do here, worked out once per page."""

    is_open: bool
    may_participate: bool
    viewer_id: int | None
    csrf_token: str
    next_path: str
    section_id: int | None = None
    moderate_base: str = ""  # set for the consultation's moderators: "<base><pk>/" moderates a comment
    edit_window: timedelta = field(
        default_factory=lambda: timedelta(minutes=settings.COMMENT_EDIT_WINDOW_MINUTES)
    )

    @classmethod
    def from_context(cls, ctx: dict, *, section=None) -> Viewer:
        request = ctx.get("request")
        may_participate = bool(ctx.get("may_participate"))
        return cls(
            is_open=bool(ctx.get("is_open")),
            may_participate=may_participate,
            viewer_id=ctx.get("viewer_id"),
            # only forms need the token; asking for it sets the CSRF cookie, so a reader's page would
            # differ per person and could not be cached (dhdigital/lib/pagecache.py)
            csrf_token=str(ctx.get("csrf_token") or "") if may_participate else "",
            next_path=request.get_full_path() if request is not None else "",
            section_id=section.pk if section is not None else None,
            moderate_base=str(ctx.get("moderate_base") or ""),
        )


class _Urls:
    def __init__(self) -> None:
        self.base = reverse("comments:comment-detail", kwargs={"pk": 0})[: -len("0/")]

    def __call__(self, pk: int, action: str = "") -> str:
        return f"{self.base}{pk}/{action + '/' if action else ''}"


def _when(dt) -> tuple[str, str]:
    local = timezone.localtime(dt)
    return local.isoformat(), f"{local.day} {local.strftime('%b %Y, %H:%M')}"


def render_comment(node: Node, viewer: Viewer, urls: _Urls | None = None) -> str:
    urls = urls or _Urls()
    c: Comment = node.comment
    pk = c.pk
    if not node.visible:
        text = PLACEHOLDER.get(c.status, REMOVED)
        if viewer.moderate_base:
            text += (
                f' · <a class="govuk-link" href="{viewer.moderate_base}{pk}/">Moderate'
                '<span class="govuk-visually-hidden"> this comment</span></a>'
            )
        body = f'<p class="govuk-body dhd-comment__meta">{text}</p>'
        return (
            f'<article class="dhd-comment" id="comment-{pk}" data-comment="{pk}">{body}'
            f"{_continue(node, c, urls)}</article>"
        )
    name = escape(c.author_name)
    iso, shown = _when(c.created_at)
    meta = [f"<strong>{name}</strong>"]
    if c.is_official:
        meta.append(' <strong class="govuk-tag govuk-tag--blue">Official response</strong>')
    if not c.parent_id:  # replies carry their thread's category; showing it again is noise
        meta.append(f" · {CATEGORY_SHORT.get(c.category, escape(c.category))}")
    if c.section_id and viewer.section_id and c.section_id != viewer.section_id and c.section is not None:
        meta.append(f" · on {escape(c.section.number or c.section.label)}")
    meta.append(
        f' · <a class="govuk-link govuk-link--no-visited-state" href="{urls(pk)}"><time datetime="{iso}">'
        f'{shown}</time><span class="govuk-visually-hidden"> (link to this comment)</span></a>'
    )
    if c.edited_at:
        meta.append(" · edited")
    if node.own_pending:
        meta.append(' <strong class="govuk-tag govuk-tag--yellow">Awaiting moderation</strong>')
    parts = [
        f'<article class="dhd-comment{" dhd-comment--official" if c.is_official else ""}" id="comment-{pk}" '
        f'data-comment="{pk}">',
        f'<p class="dhd-comment__meta">{"".join(meta)}</p>',
    ]
    if c.quote_exact:
        parts.append(
            '<blockquote class="govuk-inset-text govuk-!-margin-top-1 govuk-!-margin-bottom-2">'
            f'<span class="govuk-visually-hidden">Quoting: </span>“<span class="dhd-quote">'
            f"{escape(c.quote_exact)}</span>”</blockquote>"
        )
    parts.append(f'<div class="dhd-comment__body govuk-body">{c.body_html}</div>')
    parts.append(_actions(node, c, viewer, urls, name))
    parts.append(_continue(node, c, urls))
    parts.append("</article>")
    return "".join(parts)


def _actions(node: Node, c: Comment, viewer: Viewer, urls: _Urls, name: str) -> str:
    pk = c.pk
    own = viewer.viewer_id is not None and viewer.viewer_id == c.author_id
    # Edit only while it can succeed (open, within the window); withdrawing is always possible.
    editable = own and viewer.is_open and timezone.now() <= c.created_at + viewer.edit_window
    own_links = (
        (
            f' · <a class="govuk-link" href="{urls(pk, "edit")}">Edit<span class="govuk-visually-hidden">'
            " your comment</span></a>"
            if editable
            else ""
        )
        + f' · <a class="govuk-link" href="{urls(pk, "withdraw")}">Withdraw'
        '<span class="govuk-visually-hidden"> your comment</span></a>'
    )
    if c.status != Comment.Status.PUBLISHED:
        return f'<div class="dhd-comment__actions">{own_links[3:]}</div>' if node.own_pending else ""
    out = ['<div class="dhd-comment__actions">']
    links = []  # each with its leading separator
    react = ""
    if viewer.is_open and viewer.may_participate and not own:
        # GOV.UK secondary buttons (they are the form's buttons, not links); the reader's own reaction is
        # pressed (aria-pressed, and a tick with bold text: not colour alone)
        buttons = []
        for value, label, count in (
            ("agree", "Agree", c.agree_count),
            ("disagree", "Disagree", c.disagree_count),
        ):
            pressed = "true" if node.my_reaction == value else "false"
            buttons.append(
                f'<button type="submit" name="value" value="{value}" '
                'class="govuk-button govuk-button--secondary dhd-react__button" data-module="govuk-button" '
                f'aria-pressed="{pressed}"><span class="dhd-react__tick" aria-hidden="true">✓ </span>'
                f'{label}<span class="govuk-visually-hidden"> with {name}</span> '
                f'(<span data-count="{value}">{count}</span>)</button>'
            )
        react = (
            f'<form method="post" action="{urls(pk, "react")}" class="dhd-react" data-react-form>'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(viewer.csrf_token)}">'
            f'<input type="hidden" name="next" value="{escape(viewer.next_path)}">'
            f"{buttons[0]}{buttons[1]}</form>"
        )
    else:
        out.append(f"<span>{c.agree_count} agree · {c.disagree_count} disagree</span>")
    if viewer.is_open:
        links.append(
            f' · <a class="govuk-link" href="{urls(pk, "reply")}" data-reply-link="{pk}">Reply'
            f'<span class="govuk-visually-hidden"> to {name}</span></a>'
        )
    if viewer.may_participate and not own:
        links.append(
            f' · <a class="govuk-link" href="{urls(pk, "flag")}">Report<span class="govuk-visually-hidden"> '
            f"comment by {name}</span></a>"
        )
    if own:
        links.append(own_links)
    if viewer.moderate_base:
        links.append(
            f' · <a class="govuk-link" href="{viewer.moderate_base}{pk}/">Moderate'
            f'<span class="govuk-visually-hidden"> comment by {name}</span></a>'
        )
    tail = "".join(links)
    if react:
        out.append(react)
        tail = tail[3:]  # the buttons stand on their own line: no separator before the first link
    out.append(tail)
    out.append("</div>")
    return "".join(out)


def _continue(node: Node, c: Comment, urls: _Urls) -> str:
    if not node.continue_thread:
        return ""
    n = c.reply_count
    return (
        '<p class="govuk-body-s dhd-comment__continue">'
        f'<a class="govuk-link" href="{urls(c.pk)}">Continue this thread'
        f'<span class="govuk-visually-hidden"> from {escape(c.author_name)}\'s comment</span> '
        f"({n} more repl{'y' if n == 1 else 'ies'})</a></p>"
    )


def render_threads(threads: Threads, viewer: Viewer) -> SafeString:
    """The nested list of threads: <ul class="dhd-thread"> with a nested list for each reply level."""
    urls = _Urls()
    out = ['<ul class="dhd-thread" data-thread>']
    for node in threads.items:
        out.append("<li>")
        out.append(render_comment(node, viewer, urls))
        out.append('<ul class="dhd-thread">' if node.opens else "</li>")
        out.extend("</ul></li>" for _ in node.closers)
    out.append("</ul>")
    return mark_safe("".join(out))  # noqa: S308 - every user value above is escaped; body_html is nh3-clean
