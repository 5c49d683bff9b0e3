import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from guanxi.core.jobs import job_named, run_job, schedule


class Command(BaseCommand):
    help = "Run periodic jobs once (all, or the one named) for a day — for cron and for tests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run", "list"])
        parser.add_argument("name", nargs="?")
        parser.add_argument("--today", help="the business day to run for, YYYY-MM-DD (default: today)")

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "list":
            for job in schedule():
                self.stdout.write(f"{job.name:28} {job.at:%H:%M}  {job.description}")
            return
        day = timezone.localdate()
        if options["today"]:
            try:
                day = datetime.date.fromisoformat(str(options["today"]))
            except ValueError as exc:
                raise CommandError(f"--today must be YYYY-MM-DD, not {options['today']!r}") from exc
        try:
            jobs = [job_named(str(options["name"]))] if options["name"] else schedule()
        except KeyError as exc:
            raise CommandError(f"no periodic job named {options['name']!r}; see `guanxi jobs list`") from exc
        for job in jobs:
            run = run_job(job, day)
            self.stdout.write(f"{job.name} {day}: {run.status} {run.result}")
