"""Reads for views and template tags. Every read here costs a fixed number of queries, whatever the
number of comments: threads are fetched in one query and assembled in Python."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.urls import reverse

from consultations import search
from consultations.models import Section

from .models import Comment, Reaction, Subscription

DISPLAY_DEPTH = 4  # replies nested deeper than this continue on the comment's own page

SORTS = {
    "newest": ("Newest first", lambda n: (-n.comment.created_at.timestamp(), -n.comment.pk)),
    "oldest": ("Oldest first", lambda n: (n.comment.created_at.timestamp(), n.comment.pk)),
    "discussed": ("Most discussed", lambda n: (-n.comment.reply_count, -n.comment.pk)),
    "agreed": ("Most agreed", lambda n: (-n.comment.agree_count, n.comment.disagree_count, -n.comment.pk)),
}
DEFAULT_SORT = "newest"


def published_counts_by_section(document) -> dict[int, int]:
    """{section_id: number of published comments on the clause and its subsections}. Two queries.

    Clauses and schedules (and parts and chapters) count their whole subtree; subsections count their own.
    """
    own = dict(
        Comment.objects.filter(document=document, section__isnull=False, status=Comment.Status.PUBLISHED)
        .values_list("section_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if not own:
        return {}
    rows = list(
        Section.objects.filter(document=document)
        .order_by("position")
        .values_list("pk", "position", "last_descendant", "kind")
    )
    positions = [r[1] for r in rows]
    prefix = [0]
    for pk, *_ in rows:
        prefix.append(prefix[-1] + own.get(pk, 0))
    rollup = set(Section.COMMENTABLE) | set(Section.GROUPING)
    counts: dict[int, int] = {}
    for i, (pk, _pos, last, kind) in enumerate(rows):
        if kind in rollup:
            end = bisect_right(positions, last)
            n = prefix[end] - prefix[i]
        else:
            n = own.get(pk, 0)
        if n:
            counts[pk] = n
    return counts


@dataclass
class Node:
    comment: Comment
    children: list[Node] = field(default_factory=list)
    visible: bool = True  # False: a placeholder ("removed by moderator") kept for its replies
    own_pending: bool = False
    my_reaction: str = ""
    # Filled when flattened for the template.
    depth: int = 0
    opens: bool = False
    closers: range = range(0)
    continue_thread: bool = False
    has_visible_descendant: bool = False


@dataclass
class Threads:
    items: list[Node]
    roots: int
    published: int
    sort: str
    sorts: list[tuple[str, str]]
    credits: list[str] = field(default_factory=list)


def build_threads(
    comments: list[Comment],
    *,
    user=None,
    sort: str = DEFAULT_SORT,
    reactions: dict[int, str] | None = None,
    max_depth: int = DISPLAY_DEPTH,
    root_id: int | None = None,
) -> Threads:
    """Assemble comments (any statuses, ordered by path) into display threads.

    Published comments and the viewer's own pending ones are shown; removed, withdrawn, rejected and
    others' pending comments appear only as placeholders, and only when a shown reply sits beneath them.
    """
    sort = sort if sort in SORTS else DEFAULT_SORT
    reactions = reactions or {}
    uid = user.pk if getattr(user, "is_authenticated", False) else None
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    published = 0
    for c in comments:
        own_pending = c.status == Comment.Status.PENDING and uid is not None and c.author_id == uid
        node = Node(
            c,
            visible=c.status == Comment.Status.PUBLISHED or own_pending,
            own_pending=own_pending,
            my_reaction=reactions.get(c.pk, ""),
        )
        published += c.status == Comment.Status.PUBLISHED
        nodes[c.pk] = node
        parent = nodes.get(c.parent_id) if c.parent_id and c.pk != root_id else None
        if parent is None:
            if c.parent_id and c.pk != root_id:
                continue  # parent outside the fetched set (should not happen): drop, never misplace
            roots.append(node)
        else:
            parent.children.append(node)
    # Prune placeholders with nothing shown beneath them (post-order over the path-ordered list).
    for node in reversed(list(nodes.values())):
        node.children = [ch for ch in node.children if ch.visible or ch.has_visible_descendant]
        node.has_visible_descendant = bool(node.children)
    roots = [r for r in roots if r.visible or r.has_visible_descendant]
    roots.sort(key=SORTS[sort][1])
    items: list[Node] = []

    def walk(level: list[Node], depth: int) -> None:
        for node in level:
            node.depth = depth
            items.append(node)
            if node.children and depth + 1 >= max_depth:
                node.continue_thread = True
            elif node.children:
                node.opens = True
                walk(node.children, depth + 1)
                last = items[-1]
                last.closers = range(len(last.closers) + 1)

    walk(roots, 0)
    credits = sorted({n.comment.source_credit for n in items if n.visible and n.comment.source_credit})
    return Threads(
        items=items,
        roots=len(roots),
        published=published,
        sort=sort,
        sorts=[(k, v[0]) for k, v in SORTS.items()],
        credits=credits,
    )


THREAD_FIELDS = (
    "id",
    "consultation_id",
    "document_id",
    "section_id",
    "parent_id",
    "path",
    "depth",
    "author_id",
    "category",
    "body_html",
    "is_official",
    "status",
    "quote_exact",
    "reply_count",
    "agree_count",
    "disagree_count",
    "source_credit",
    "created_at",
    "edited_at",
)


class ThreadRow:
    """A comment as a thread shows it: plain attributes read from `values()`, not a model instance.
    Building 500 model instances (with deferred fields) cost more than the query; these cost little."""

    __slots__ = (
        *(f for f in THREAD_FIELDS if f != "id"),
        "id",
        "pk",
        "author_name",
        "section",
        "author_display_name",
    )

    def __init__(self, row: dict, section: Section | None):
        for key, value in row.items():
            setattr(self, key, value)
        self.pk = row["id"]
        self.section = section
        if not row["author_id"]:
            self.author_name = "Deleted account"
        else:
            self.author_name = row["author_display_name"] or "Anonymous participant"

    def get_absolute_url(self) -> str:
        return reverse("comments:comment-detail", kwargs={"pk": self.pk})


def _fetch(qs, sections: dict[int, Section] | None = None) -> list[ThreadRow]:
    """Only the columns a thread shows, and the author's display name without loading User rows: a page
    of 500 comments is one query and 500 light objects."""
    sections = sections or {}
    rows = (
        qs.annotate(author_display_name=F("author__display_name"))
        .order_by("path")
        .values(*THREAD_FIELDS, "author_display_name")
    )
    return [ThreadRow(row, sections.get(row["section_id"])) for row in rows]


def reactions_for(user, comment_ids: list[int]) -> dict[int, str]:
    if not getattr(user, "is_authenticated", False) or not comment_ids:
        return {}
    if len(comment_ids) > 900:  # keep SQLite's variable limit out of the way: filter by author set
        return dict(Reaction.objects.filter(user=user).values_list("comment_id", "value"))
    return dict(
        Reaction.objects.filter(user=user, comment_id__in=comment_ids).values_list("comment_id", "value")
    )


def _threads(qs, *, user, sort, sections=None) -> Threads:
    comments = _fetch(qs, sections)
    reactions = reactions_for(user, [c.pk for c in comments if c.status == Comment.Status.PUBLISHED])
    return build_threads(comments, user=user, sort=sort, reactions=reactions)


def section_threads(
    section: Section, *, user=None, sort: str = DEFAULT_SORT, subtree: list[Section] | None = None
) -> Threads:
    """Threads on a clause and its subsections (one query, one more for a signed-in reader's reactions).
    `subtree`: the clause's sections when the caller has them (otherwise one more query)."""
    if subtree is None:
        subtree = list(Section.objects.subtree(section))
    return _threads(
        Comment.objects.for_section_subtree(section),
        user=user,
        sort=sort,
        sections={s.pk: s for s in subtree},
    )


def document_threads(document, *, user=None, sort: str = DEFAULT_SORT) -> Threads:
    return _threads(Comment.objects.general_for_document(document), user=user, sort=sort)


def consultation_threads(consultation, *, user=None, sort: str = DEFAULT_SORT) -> Threads:
    return _threads(Comment.objects.general_for_consultation(consultation), user=user, sort=sort)


def idea_threads(idea, *, user=None, sort: str = DEFAULT_SORT) -> Threads:
    return _threads(Comment.objects.for_idea(idea), user=user, sort=sort)


def comment_thread(comment: Comment, *, user=None) -> Threads:
    """A comment and every reply beneath it (its permalink page)."""
    qs = Comment.objects.filter(path__startswith=comment.path)
    comments = _fetch(qs, {comment.section_id: comment.section} if comment.section_id else None)
    reactions = reactions_for(user, [c.pk for c in comments])
    return build_threads(
        comments, user=user, reactions=reactions, max_depth=DISPLAY_DEPTH + 2, root_id=comment.pk
    )


def comment_for_page(pk: int) -> Comment | None:
    return (
        Comment.objects.select_related(
            "author", "consultation__team", "document", "section", "idea", "parent__author"
        )
        .filter(pk=pk)
        .first()
    )


def following(user, *, kind: str, consultation=None, document=None, section=None) -> Subscription | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Subscription.objects.filter(
        user=user, kind=kind, active=True, consultation=consultation, document=document, section=section
    ).first()


# --- moderation ------------------------------------------------------------------------------------------

QUEUE_FILTERS = {
    "pending": ("Waiting for a decision", Q(status=Comment.Status.PENDING)),
    "flagged": (
        "Flagged by readers",
        Q(
            flag_count__gt=0,
            reviewed_kept=False,
            status__in=[Comment.Status.PUBLISHED, Comment.Status.PENDING],
        ),
    ),
    "auto_held": (
        "Held automatically",
        Q(status=Comment.Status.PENDING) & ~Q(hold_reason__in=["", "pre_moderation"]),
    ),
    "appealed": ("Appealed", Q(appeals__state="open")),
    # Post-moderation publishes at once: what no moderator has looked at yet, newest first.
    "unreviewed": (
        "Recently published, not yet reviewed",
        Q(status=Comment.Status.PUBLISHED, moderated_at__isnull=True, reviewed_kept=False, is_official=False),
    ),
    "decided": ("Decided", Q(moderated_at__isnull=False)),
}
# Where the queue opens when no tab is asked for: the first of these with something in it.
QUEUE_OPENING_ORDER = ("pending", "flagged", "appealed", "unreviewed")


def moderation_queue(consultation, *, filter_name: str = "pending"):
    name = filter_name if filter_name in QUEUE_FILTERS else "pending"
    qs = (
        Comment.objects.filter(consultation=consultation)
        .filter(QUEUE_FILTERS[name][1])
        .select_related("author", "section", "document", "idea", "parent", "moderated_by")
        .prefetch_related("flags", "appeals")
        .distinct()
    )
    order = {"decided": "-moderated_at", "unreviewed": "-created_at"}.get(name, "created_at")
    return qs.order_by(order)


def queue_counts(consultation) -> dict[str, int]:
    base = Comment.objects.filter(consultation=consultation)
    return {name: base.filter(q).distinct().count() for name, (_label, q) in QUEUE_FILTERS.items()}


def queue_opening_tab(counts: dict[str, int]) -> str:
    """The tab a moderator lands on: the first in QUEUE_OPENING_ORDER with items, else "pending"."""
    return next((name for name in QUEUE_OPENING_ORDER if counts.get(name)), "pending")


def comment_for_moderation(consultation, pk: int) -> Comment | None:
    """One comment of this consultation, any status, with what a moderator needs to decide on it."""
    return (
        Comment.objects.filter(consultation=consultation, pk=pk)
        .select_related("author", "document", "section", "parent__author", "moderated_by")
        .prefetch_related("flags", "appeals")
        .first()
    )


def moderation_history(comment: Comment) -> list:
    """The comment's audit trail from django-simple-history, newest first: when, who, what and why."""
    return list(comment.history.select_related("history_user").order_by("-history_date", "-history_id"))


def section_place(section: Section | None) -> tuple[str, Section | None]:
    """How a comment's place is named outside its clause page, and the clause whose page shows it:
    ("Clause 3: Heading", clause 3) for a clause, ("Clause 3(1)(b)", clause 3) for a provision inside it
    (one query), rather than a bare "(b)"."""
    if section is None:
        return "", None
    if section.kind in Section.COMMENTABLE or section.kind in Section.GROUPING:
        return section.label, section
    chain = list(
        Section.objects.filter(
            document_id=section.document_id,
            position__lte=section.position,
            last_descendant__gte=section.position,
        ).order_by("position")
    )
    name, clause = _place_in(section, chain)
    if clause is not section and clause is not None:
        clause.document = section.document
    return name, clause


def section_places(sections) -> dict[int, str]:
    """{section id: how section_place names it} for many sections in one query (a queue page)."""
    out: dict[int, str] = {}
    inner = []
    for s in sections:
        if s.kind in Section.COMMENTABLE or s.kind in Section.GROUPING:
            out[s.pk] = s.label
        elif s.pk not in out:
            inner.append(s)
    if inner:
        cond = Q(pk__in=[])
        for s in inner:
            cond |= Q(document_id=s.document_id, position__lte=s.position, last_descendant__gte=s.position)
        around = list(Section.objects.filter(cond).order_by("document_id", "position"))
        for s in inner:
            chain = [
                a
                for a in around
                if a.document_id == s.document_id and a.position <= s.position <= a.last_descendant
            ]
            out[s.pk] = _place_in(s, chain)[0]
    return out


def _place_in(section: Section, chain: list[Section]) -> tuple[str, Section | None]:
    """section_place's name for `section`, given its ancestors and itself in document order."""
    clause_at = max((i for i, s in enumerate(chain) if s.kind in Section.COMMENTABLE), default=None)
    if clause_at is None:
        return section.label, section
    clause = chain[clause_at]
    name = {Section.Kind.SCHEDULE: "Schedule", Section.Kind.AMENDMENT: "Amendment"}.get(clause.kind, "Clause")
    return f"{name} {clause.number}" + "".join(s.number for s in chain[clause_at + 1 :]), clause


def search_comments(q: str):
    """Published comments anyone may read matching the words (the site search's comments)."""
    qs = Comment.objects.public().select_related("consultation", "document", "section", "author")
    return search.match(qs, q, ["body"], ["A"], "-created_at")
