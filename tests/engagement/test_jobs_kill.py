"""A worker killed (SIGKILL) in the middle of the care job loses nothing and duplicates nothing.

The job runs as the real command in a subprocess against a file-based SQLite database: seeded with
thousands of contacts whose birthdays fall in the window, so that the run writes tens of thousands of
tasks, owner by owner. The test watches the database and kills the process once some owners' tasks are
committed and others are not, restarts the job, and compares with a clean run on a copy of the same data.
"""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

DAY = "2026-09-22"  # birthdays on lunar 8/15 (25 September) are three days ahead; Mid-Autumn too
REPS = 40
CUSTOMERS = 4_000
CONTACTS = 12_000
SEED = f"""
from guanxi.customers.models import Contact, Customer
from guanxi.people.models import Team, User

team = Team.objects.create(name="华东组")
team.path = f"/{{team.pk}}/"
team.save()
reps = User.objects.bulk_create([User(username=f"rep{{i}}", team=team) for i in range({REPS})])
customers = Customer.objects.bulk_create(
    [
        Customer(name=f"客户{{i}}", owner=reps[i % {REPS}], grade="AB"[i % 2], status="current")
        for i in range({CUSTOMERS})
    ],
    batch_size=2000,
)
Contact.objects.bulk_create(
    [
        Contact(
            customer=customers[i % {CUSTOMERS}],
            name=f"联系人{{i}}",
            birthday_calendar="lunar",
            birthday_month=8,
            birthday_day=15,
        )
        for i in range({CONTACTS})
    ],
    batch_size=2000,
)
"""


def environment(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        GUANXI_HOME=str(home),
        DJANGO_SETTINGS_MODULE="guanxi.config.settings",
        GUANXI_SECRET_KEY="kill-test-not-secret",
        GUANXI_LOG_LEVEL="ERROR",
    )
    return env


def django(home: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=environment(home),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        **kwargs,
    )


def run_care_job(home: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "django", "jobs", "run", "care_reminders", "--today", DAY],
        env=environment(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def query(home: Path, sql: str) -> tuple:
    with sqlite3.connect(f"file:{home / 'guanxi.sqlite3'}?mode=ro", uri=True, timeout=20) as db:
        return db.execute(sql).fetchone()


def task_count(home: Path) -> int:
    return query(home, "SELECT count(*) FROM engagement_task")[0]


def copy_database(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for path in source.glob("guanxi.sqlite3*"):
        shutil.copy2(path, target / path.name)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("seeded")
    django(home, "migrate", "--no-input", "-v", "0")
    django(home, "shell", "-c", SEED)
    # One file, no write-ahead log: copies of it are complete.
    with sqlite3.connect(home / "guanxi.sqlite3") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return home


def test_given_a_worker_killed_mid_run_when_restarted_then_the_tasks_equal_a_clean_run(seeded, tmp_path):
    clean = tmp_path / "clean"
    copy_database(seeded, clean)
    assert run_care_job(clean).wait(timeout=300) == 0
    expected = task_count(clean)
    assert expected == CONTACTS + CUSTOMERS  # a birthday per contact, a Mid-Autumn greeting per customer

    killed = tmp_path / "killed"
    caught = None
    for attempt in range(5):
        shutil.rmtree(killed, ignore_errors=True)
        copy_database(seeded, killed)
        worker = run_care_job(killed)
        deadline = time.monotonic() + 120
        while worker.poll() is None and time.monotonic() < deadline:
            if task_count(killed) > 0:  # some owners' transactions are committed
                break
            time.sleep(0.005)
        time.sleep(0.02 * attempt)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        partial = task_count(killed)
        status = query(killed, "SELECT status FROM core_jobrun WHERE name = 'care_reminders'")
        if worker.returncode == -signal.SIGKILL and 0 < partial < expected:
            caught = (partial, status)
            break
    assert caught is not None, "the job always finished before it could be killed"
    assert caught[1] == ("running",)

    assert run_care_job(killed).wait(timeout=300) == 0

    assert task_count(killed) == expected
    assert query(killed, "SELECT count(*) - count(DISTINCT dedupe_key) FROM engagement_task") == (0,)
    assert query(killed, "SELECT status, attempts FROM core_jobrun WHERE name = 'care_reminders'") == (
        "done",
        2,
    )
    # The inbox got one message per owner: the killed run's committed owners and the re-run's others.
    assert query(killed, "SELECT count(*), count(DISTINCT user_id) FROM engagement_notification") == (
        REPS,
        REPS,
    )
