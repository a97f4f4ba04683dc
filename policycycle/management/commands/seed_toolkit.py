from django.core.management.base import BaseCommand

from policycycle.services import toolkit_seed


class Command(BaseCommand):
    help = (
        "Create the policy cycle toolkit's starting content (idempotent: what staff edited is kept; "
        "case studies nobody edited take the current text)."
    )

    def handle(self, *args, **options):
        created = toolkit_seed()
        updated = created.pop("case_studies_updated")
        line = ", ".join(f"{n} {kind.replace('_', ' ')} created" for kind, n in created.items())
        self.stdout.write(f"{line}; {updated} case studies updated to the current text")
