from django.core.management.base import BaseCommand

from policycycle.services import toolkit_seed


class Command(BaseCommand):
    help = "Create the policy cycle toolkit's starting content (idempotent: existing rows are kept)."

    def handle(self, *args, **options):
        created = toolkit_seed()
        self.stdout.write(", ".join(f"{n} {kind} created" for kind, n in created.items()))
