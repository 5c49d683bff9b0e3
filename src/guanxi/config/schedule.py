"""The one list of periodic jobs. ``guanxi worker`` runs each once a day from its time on;
``guanxi jobs run [NAME] [--today YYYY-MM-DD]`` runs them on demand (cron, tests)."""

import datetime

from guanxi.core.jobs import PeriodicJob

PERIODIC_JOBS: list[PeriodicJob] = [
    PeriodicJob(
        name="purge_job_history",
        func="guanxi.core.housekeeping.purge_job_history",
        at=datetime.time(3, 0),
        description="Forget periodic-job bookkeeping older than 90 days.",
    ),
]
