from django.core.management.base import BaseCommand
from django.db import transaction

from erfurt_srp.core import registry


class Command(BaseCommand):
    help = (
        "Load the demo data (idempotent) and print one line per demo login: role  e-mail  password."
    )

    def handle(self, *args, **options):
        logins: list[tuple[str, str, str]] = []
        for seeder in registry.demo_seeders:
            with transaction.atomic():
                logins.extend(seeder.seed(self.stderr) or [])
        seen = set()
        for role, email, password in logins:
            if email in seen:
                continue
            seen.add(email)
            self.stdout.write(f"{role}  {email}  {password}")
