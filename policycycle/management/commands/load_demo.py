from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from consultations.demo import DEMO_PASSWORD, DEMO_USERS, SAF_BILL
from insights.demo import load_demo_analysis
from policycycle.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo consultations (a real draft bill, a formal consultation, an ideas exercise) and users."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-analysis",
            action="store_true",
            help="Skip enriching the demo responses and the first analysis run of each demo consultation.",
        )

    def handle(self, *args, **options):
        bill = settings.DATA_DIR / SAF_BILL
        if not bill.is_file():
            raise CommandError(
                f"The demo needs the shared data folder, and {bill} is not there. Put the shared data "
                "beside the project (../shared/data) or set DHDIGITAL_SHARED_DATA to its path."
            )
        loaded = load_demo(stdout=self.stdout)
        if not options["no_analysis"]:
            load_demo_analysis([loaded["bill"], loaded["formal"], loaded["ideas"]], say=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        for email, _, role in DEMO_USERS:
            self.stdout.write(
                f"  {email:<24} {role or ('superuser' if email.startswith('admin') else 'citizen')}"
            )
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
