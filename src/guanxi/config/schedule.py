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
    PeriodicJob(
        name="contact_policy_check",
        func="guanxi.engagement.jobs.contact_policy_check",
        at=datetime.time(5, 30),
        description="Follow-ups for customers past their contact interval; escalations past twice.",
    ),
    PeriodicJob(
        name="care_reminders",
        func="guanxi.engagement.jobs.care_reminders",
        at=datetime.time(5, 40),
        description="Care tasks for birthdays, important dates, anniversaries and festivals ahead.",
    ),
    PeriodicJob(
        name="cadence_steps",
        func="guanxi.engagement.jobs.cadence_steps",
        at=datetime.time(5, 50),
        description="Tasks of cadence steps whose day has come.",
    ),
    PeriodicJob(
        name="contract_renewals",
        func="guanxi.sales.jobs.contract_renewals",
        at=datetime.time(5, 55),
        description="Renewal opportunities and tasks ahead of contract ends; overdue payment notices.",
    ),
    # After the rules above, so the morning e-mail lists what they created.
    PeriodicJob(
        name="daily_digest",
        func="guanxi.engagement.jobs.daily_digest",
        at=datetime.time(7, 30),
        description="Each user's morning e-mail: overdue and today's tasks, care dates ahead.",
    ),
    PeriodicJob(
        name="visit_plan_reminders",
        func="guanxi.visits.jobs.visit_plan_reminders",
        at=datetime.time(8, 0),
        description="From the 25th, remind reps who have not submitted next month's visit plan.",
    ),
    PeriodicJob(
        name="visit_reports_late",
        func="guanxi.visits.jobs.visit_reports_late",
        at=datetime.time(6, 0),
        description="Flag visits over 24 hours past without a report; tell the rep once.",
    ),
    PeriodicJob(
        name="visit_plans_close",
        func="guanxi.visits.jobs.visit_plans_close",
        at=datetime.time(6, 10),
        description="Close approved visit plans of months that ended over a week ago.",
    ),
    PeriodicJob(
        name="insights_refresh",
        func="guanxi.insights.jobs.insights_refresh",
        at=datetime.time(2, 0),
        description="Customer value snapshots as of yesterday: RFM, ABC, BG/NBD, CLV, stages, value alerts.",
    ),
    PeriodicJob(
        name="intel_monthly_reminder",
        func="guanxi.keyaccounts.jobs.intel_monthly_reminder",
        at=datetime.time(6, 0),
        description="On the first Monday of each month, remind reps to file their intel report.",
    ),
]
