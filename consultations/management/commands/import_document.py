"""python manage.py import_document <consultation-slug> <path> [--format ...] [--title ...] [--json]"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from consultations.importers import FORMATS, ImporterError, parse
from consultations.importers.save import document_import
from consultations.models import Consultation
from dhdigital.accounts.models import Team

IMPORT_TEAM = "Imported documents"


class Command(BaseCommand):
    help = (
        "Import a bill or document (Akoma Ntoso, CLML, USLM, Markdown or Word) into a consultation, "
        "creating a draft consultation with that slug when there is none."
    )

    def add_arguments(self, parser):
        parser.add_argument("consultation", help="slug of the consultation (created as a draft if missing)")
        parser.add_argument("path", help="file to import")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default=None,
            help="source format (detected from the file when left out)",
        )
        parser.add_argument("--title", default=None, help="document title (default: the document's own)")
        parser.add_argument(
            "--json", action="store_true", help='print one JSON object: {"document": id, "counts": {...}}'
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        data = path.read_bytes()
        try:
            parsed = parse(data, fmt=options["format"], filename=path.name)
            with transaction.atomic():
                consultation = self._consultation(options["consultation"], options["title"] or parsed.title)
                result = document_import(
                    consultation=consultation,
                    parsed=parsed,
                    title=options["title"],
                    source_name=path.name,
                    source_bytes=data,
                )
        except ImporterError as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps({"document": result.document.pk, "counts": result.counts}))
            return
        document = result.document
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported “{document.title}” into {consultation.slug} as document {document.pk} "
                f"(version {document.version})"
            )
        )
        for kind, count in result.counts.items():
            self.stdout.write(f"  {kind:<13} {count}")

    @staticmethod
    def _consultation(slug: str, title: str) -> Consultation:
        if slugify(slug) != slug:
            raise ImporterError(
                f"'{slug}' is not a valid consultation slug (use lowercase letters, digits and hyphens)",
                "consultation",
            )
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is not None:
            return consultation
        team = Team.objects.filter(name=IMPORT_TEAM).first()
        if team is None:
            team_slug, n = "imported-documents", 2
            while Team.objects.filter(slug=team_slug).exists():
                team_slug, n = f"imported-documents-{n}", n + 1
            team = Team.objects.create(name=IMPORT_TEAM, slug=team_slug)
        return Consultation.objects.create(
            slug=slug,
            title=title[:250],
            team=team,
            state=Consultation.State.DRAFT,
            kind=Consultation.Kind.DRAFT_BILL,
        )
