from django.core.management.base import BaseCommand

from consultations.demo import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo consultations (a real draft bill, a formal consultation, an ideas exercise) and users."
    )

    def handle(self, *args, **options):
        load_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        for email, _, role in DEMO_USERS:
            self.stdout.write(
                f"  {email:<24} {role or ('superuser' if email.startswith('admin') else 'citizen')}"
            )
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
