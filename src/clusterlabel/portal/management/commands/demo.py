"""``clusterlabel demo``: set up the embedded demo and serve it."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from clusterlabel.accounts.choices import Role
from clusterlabel.assessors.models import AssessorProfile
from clusterlabel.portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_load
from clusterlabel.private_files import private_directory


class Command(BaseCommand):
    help = (
        "Create and migrate the database, load the shipped schemes and the demo data, create one "
        "account per role and serve the application. Running it again duplicates nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to serve on.")
        parser.add_argument("--port", default="8000", help="Port to serve on.")
        parser.add_argument("--no-serve", action="store_true", help="Set everything up, then stop.")
        parser.add_argument(
            "--debug-pages",
            action="store_true",
            help="Serve Django's debug pages (tracebacks in the browser) instead of the site's "
            "own error pages.",
        )

    def handle(self, *args: object, **options: object) -> None:
        private_directory(settings.DATA_DIR)
        database = settings.DATABASES["default"]
        self.stdout.write(f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
        call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        report = demo_load()
        self.stdout.write(
            f"Schemes: {report.schemes_total} loaded ({report.schemes_created} new). "
            f"Accounts: {report.accounts_created} new. "
            f"Demo procedures: {report.procedures_created} new."
        )
        from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource

        latest = ReferenceAssessment.objects.filter(is_latest=True)
        synthetic = latest.filter(source=ReferenceSource.SYNTHETIC).count()
        self.stdout.write(
            f"Benchmarking pools: {latest.count()} organisations, of which {synthetic} synthetic "
            "(demo data, marked as such on every page)."
        )
        self.stdout.write(
            f"Assessor pool: {AssessorProfile.objects.count()} assessors with a profile "
            "(the experts log in as expert-de-1, expert-fr-1, ... with the demo password)."
        )
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo accounts (one per role and scope)"))
        width = max(len(a.username) for a in DEMO_ACCOUNTS)
        for account in DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {account.username:<{width}}  {DEMO_PASSWORD}  {Role(account.role).label}"
                f" ({account.scope_text})"
            )
        self.stdout.write("  (passwords you changed in the application stay as you set them)")
        if "CLUSTERLABEL_REQUIRE_SECOND_FACTOR" not in os.environ:
            # A visitor logs in with the passwords above; an authenticator app would be in the way.
            settings.CLUSTERLABEL_REQUIRE_SECOND_FACTOR = False
        if settings.CLUSTERLABEL_REQUIRE_SECOND_FACTOR:
            self.stdout.write("  Second factor: required for every role but cluster manager.")
        else:
            self.stdout.write(
                "  Second factor: off for the demo; turn it on with "
                "CLUSTERLABEL_REQUIRE_SECOND_FACTOR=1 clusterlabel demo"
            )
        if options["no_serve"]:
            return
        host, port = options["host"], options["port"]
        display_host = f"[{host}]" if ":" in str(host) else host
        if "SITE_URL" not in os.environ:
            # Links in e-mails, certificates and QR codes point at the server the demo runs.
            settings.SITE_URL = f"http://{display_host}:{port}"
        # Only while the demo serves: a procedure waiting for its assessment date offers to move
        # the calendar on (portal.demo_calendar), so a visitor can walk an application to a label.
        settings.CLUSTERLABEL_DEMO_CALENDAR = True
        if not options["debug_pages"]:
            # Visitors see the pages a production site shows (an unknown certificate number is
            # the site's "page not found", in their language); tracebacks go to this console.
            settings.DEBUG = False
        self.stdout.write(
            "  Calendar: a procedure waiting for its assessment date offers to move the "
            "calendar on."
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Serving on http://{display_host}:{port}/"))
        call_command("runserver", f"{display_host}:{port}", use_reloader=False)
