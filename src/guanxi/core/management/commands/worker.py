import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from guanxi.core.jobs import scheduler_tick


class Command(BaseCommand):
    help = "Run queued background tasks and the periodic schedule until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between polls when idle")
        parser.add_argument("--once", action="store_true", help="one scheduler tick and the queue, then exit")

    def handle(self, *args: object, **options: object) -> None:
        interval = float(options["interval"])  # type: ignore[arg-type]
        worker_id = get_random_string(24)
        self.stdout.write(f"guanxi worker {worker_id} started")
        while True:
            close_old_connections()
            for run in scheduler_tick():
                self.stdout.write(f"periodic job {run.name} {run.day}: {run.status}")
            Worker(
                queue_names=["*"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            ).run()
            if options["once"]:
                return
            time.sleep(interval)
