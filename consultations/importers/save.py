"""Save a parsed document as a Document and its Section tree (the only Django part of the importers)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from consultations.models import Consultation, Document, Section

from . import parse
from .tree import ImporterError, ParsedDocument, ParsedSection

GROUPING = ("part", "chapter", "crossheading")
_ABBREV = {
    "preamble": "preamble",
    "part": "pt",
    "chapter": "chp",
    "crossheading": "xhdg",
    "clause": "sec",
    "subsection": "subsec",
    "paragraph": "para",
    "subparagraph": "subpara",
    "schedule": "sched",
    "amendment": "amdt",
    "quoted": "qstr",
    "other": "text",
}
_ANCHOR_MAX = 110
_LINEAGE_MAX = 200


@dataclass
class ImportResult:
    document: Document
    counts: dict[str, int]


@dataclass
class _Row:
    node: ParsedSection
    parent: _Row | None
    position: int
    depth: int
    last_descendant: int = 0
    anchor: str = ""
    lineage_key: str = ""
    obj: Section | None = None


def _flatten(parsed: ParsedDocument) -> list[_Row]:
    rows: list[_Row] = []

    def visit(node: ParsedSection, parent: _Row | None, depth: int) -> _Row:
        row = _Row(node=node, parent=parent, position=len(rows), depth=depth)
        rows.append(row)
        for child in node.children:
            visit(child, row, depth + 1)
        row.last_descendant = len(rows) - 1
        return row

    for section in parsed.sections:
        visit(section, None, 0)
    return rows


def _ancestors(row: _Row):
    parent = row.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _num(number: str) -> str:
    return slugify(number.replace(".", "-")).strip("-")


class UniqueNames:
    """Names made unique with a "-2", "-3"... suffix, in time linear in the number of names: each base
    remembers the next suffix to try, so the thousandth "crossheading-same" does not try "-2" to
    "-999" again (each failed try is a name already taken with that suffix, and no suffix is tried
    twice for one base)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used: set[str] = set()
        self._next: dict[str, int] = {}

    def take(self, name: str) -> bool:
        """Claim `name` as it is; False when it is already taken."""
        if name in self.used:
            return False
        self.used.add(name)
        return True

    def unique(self, base: str) -> str:
        base = base[: self.limit].strip("-_") or "section"
        candidate, n = base, self._next.get(base, 2)
        while candidate in self.used:
            candidate = f"{base}-{n}"
            n += 1
        self._next[base] = n
        self.used.add(candidate)
        return candidate


def _anchor_base(row: _Row) -> str:
    node = row.node
    kind = node.kind
    number = _num(node.number)
    heading = slugify(node.heading)[:50].strip("-")
    schedule = next((a for a in _ancestors(row) if a.node.kind == "schedule"), None)
    if kind == "preamble":
        return "preamble"
    if kind in ("clause", "schedule", "part", "amendment"):
        # An unnumbered clause is named by its heading; a sole schedule is just "schedule".
        unnumbered = f"clause-{heading}".rstrip("-") if kind == "clause" else kind
        base = f"{kind}-{number}" if number else unnumbered
        if kind == "part" and schedule is not None:
            return f"{schedule.anchor}-{base}"
        return base
    if kind == "chapter":
        part = next((a for a in _ancestors(row) if a.node.kind in ("part", "schedule")), None)
        base = f"chapter-{number or heading}".rstrip("-")
        return f"{part.anchor}-{base}" if part else base
    if kind == "crossheading":
        return f"crossheading-{heading}".rstrip("-")
    parent = row.parent
    if (
        kind == "paragraph"
        and schedule is not None
        and parent is not None
        and (parent.node.kind in (*GROUPING, "schedule"))
    ):
        return f"{schedule.anchor}-paragraph-{number or heading}".rstrip("-")
    prefix = parent.anchor if parent is not None else ""
    if kind in ("subsection", "paragraph", "subparagraph") and number:
        own = number
    elif heading:
        own = heading
    else:
        own = {"quoted": "quoted", "other": "text"}.get(kind, kind)
    return f"{prefix}-{own}" if prefix else own


def _lineage_base(row: _Row) -> str:
    node = row.node
    kind = node.kind
    if kind == "preamble":
        return "preamble"
    if kind == "chapter":
        prefix_row = next((a for a in _ancestors(row) if a.node.kind in ("part", "schedule")), None)
    else:
        prefix_row = next((a for a in _ancestors(row) if a.node.kind not in GROUPING), None)
    if kind == "crossheading" or (not node.number and node.heading):
        own = f"{_ABBREV[kind]}_{slugify(node.heading)[:40].replace('-', '')}"
    elif node.number:
        own = f"{_ABBREV[kind]}_{_num(node.number).replace('-', '')}"
    else:
        own = _ABBREV[kind]
    return f"{prefix_row.lineage_key}__{own}" if prefix_row else own


def _assign_keys(rows: list[_Row]) -> None:
    anchors = UniqueNames(_ANCHOR_MAX)
    lineages = UniqueNames(_LINEAGE_MAX - 6)
    for row in rows:  # pre-order: parents are named before their children
        row.anchor = anchors.unique(_anchor_base(row))
        stable = row.node.guid.strip() or row.node.eid.strip()
        if stable and len(stable) <= _LINEAGE_MAX and lineages.take(stable):
            row.lineage_key = stable
        else:
            row.lineage_key = lineages.unique(_lineage_base(row))


def _amended_sections(consultation: Consultation, parsed: ParsedDocument) -> dict[str, Section]:
    """The sections of the amended bill, by identifier, with "end" for its last section: from the newest
    version of the bill in this consultation (so a link never shows a reader a bill they may not see).
    Empty when the amended bill is not here."""
    prefix = parsed.amends_identifier
    if not prefix:
        return {}
    found = Section.objects.filter(eid__startswith=f"{prefix}/s").exclude(document__state="superseded")
    for scope in (found.filter(document__consultation=consultation),):
        newest = scope.order_by("-document__version", "-document_id").values_list("document_id", flat=True)
        document_id = newest.first()
        if document_id is None:
            continue
        sections = list(Section.objects.filter(document_id=document_id, eid__startswith=f"{prefix}/s"))
        out = {s.eid: s for s in sections}
        top = [s for s in sections if s.kind == Section.Kind.CLAUSE and "/" not in s.eid[len(prefix) + 1 :]]
        if top:
            out["end"] = max(top, key=lambda s: s.position)
        return out
    return {}


def _section(row: _Row, document: Document) -> Section:
    node = row.node
    heading, text = node.heading, node.text
    if len(heading) > 500:  # keep every word: the overflow goes to the text
        text = f"{heading}\n{text}".strip()
        heading = heading[:499] + "…"
    number = node.number if len(node.number) <= 40 else node.number[:39] + "…"
    return Section(
        document=document,
        kind=node.kind,
        number=number,
        heading=heading,
        text=text,
        position=row.position,
        last_descendant=row.last_descendant,
        depth=row.depth,
        anchor=row.anchor,
        lineage_key=row.lineage_key,
        eid=node.eid.strip()[:200],
        amends_place=node.amends[:200],
    )


# Paths under a consultation that are its own pages, not documents (consultations/urls.py).
RESERVED_SLUGS = frozenset({"reports"})


def _document_slug(consultation: Consultation, title: str, slug: str | None) -> str:
    existing = set(Document.objects.filter(consultation=consultation).values_list("slug", flat=True))
    existing |= RESERVED_SLUGS
    if slug:
        if slug in RESERVED_SLUGS:
            raise ImporterError(
                f"'{slug}' is kept for the consultation's own pages: choose another slug", "slug"
            )
        if slug in existing:
            raise ImporterError(
                f"This consultation already has a document '{slug}': import it as a new version", "slug"
            )
        return slug
    base = slugify(title)[:100].strip("-") or "document"
    candidate, n = base, 2
    while candidate in existing:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def document_import(
    *,
    consultation: Consultation,
    parsed: ParsedDocument,
    title: str | None = None,
    slug: str | None = None,
    source_name: str = "",
    source_bytes: bytes | None = None,
    previous_version: Document | None = None,
) -> ImportResult:
    """Create a draft Document (a new version of `previous_version` when given) with its whole
    section tree, in one transaction. Sections are inserted level by level (one bulk insert per
    depth) so parents exist when children point at them."""
    title = (title or parsed.title or "Untitled document").strip()
    if len(title) > 250:
        title = title[:249] + "…"
    rows = _flatten(parsed)
    if not rows:
        raise ImporterError("The document has no sections", "document")
    _assign_keys(rows)
    with transaction.atomic():
        if previous_version is not None:
            if Document.objects.filter(previous_version=previous_version).exists():
                raise ImporterError(f"{previous_version} already has a newer version", "previous version")
            version, slug, position = (
                previous_version.version + 1,
                previous_version.slug,
                previous_version.position,
            )
        else:
            version = 1
            slug = _document_slug(consultation, title, slug)
            top = Document.objects.filter(consultation=consultation).aggregate(m=Max("position"))["m"]
            position = 0 if top is None else top + 1
        document = Document.objects.create(
            consultation=consultation,
            slug=slug,
            title=title,
            long_title=parsed.long_title,
            version=version,
            state=Document.State.DRAFT,
            source_format=parsed.source_format,
            source_name=source_name[:250],
            previous_version=previous_version,
            position=position,
        )
        amended = _amended_sections(consultation, parsed)
        by_depth: dict[int, list[_Row]] = {}
        for row in rows:
            by_depth.setdefault(row.depth, []).append(row)
        for depth in sorted(by_depth):
            level = by_depth[depth]
            objs = []
            for row in level:
                obj = _section(row, document)
                target = amended.get(row.node.amends) if row.node.amends else None
                obj.amends_id = target.pk if target is not None else None
                if row.parent is not None:
                    parent = row.parent.obj
                    assert parent is not None and parent.pk is not None  # saved at the depth above
                    obj.parent_id = parent.pk
                row.obj = obj
                objs.append(obj)
            Section.objects.bulk_create(objs, batch_size=500)
        if source_bytes is not None:
            name = source_name.rsplit("/", 1)[-1] or f"{slug}.{parsed.source_format}"
            document.source_file.save(name, ContentFile(source_bytes), save=False)
            document.save(update_fields=["source_file"])
    return ImportResult(document=document, counts=parsed.counts())


def _size(n: int) -> str:
    if n >= 1_048_576:
        return f"{n / 1_048_576:.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


def import_uploaded_file(
    *,
    consultation: Consultation,
    data: bytes,
    filename: str,
    fmt: str | None,
    title: str | None,
    previous_version: Document | None = None,
) -> ImportResult:
    """Parse and save an uploaded file. Raises ImporterError (with a message for the person
    uploading) when the file is too big, unreadable or has no sections; nothing is saved then."""
    limit = settings.MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise ImporterError(
            f"The file is too big ({_size(len(data))}): the limit is {_size(limit)}",
            filename or "upload",
        )
    parsed = parse(data, fmt=fmt or None, filename=filename)
    return document_import(
        consultation=consultation,
        parsed=parsed,
        title=title or None,
        source_name=filename,
        source_bytes=data,
        previous_version=previous_version,
    )
