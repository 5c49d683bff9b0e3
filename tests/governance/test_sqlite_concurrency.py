"""SECURITY CD-03: the embedded SQLite mode lets concurrent writers wait instead of failing."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    "sqlite" not in settings.DATABASES["default"]["ENGINE"], reason="exercises the embedded SQLite mode"
)

WORKERS = 8
WRITES = 200

WORKER = textwrap.dedent(
    """
    import json, sys
    import guanxi.config.settings as configured
    if sys.argv[2] == "unsafe":
        # The negative control: deferred transactions and no busy timeout.
        configured.DATABASES["default"]["OPTIONS"] = {"timeout": 0, "init_command": "PRAGMA journal_mode=WAL"}
    import django
    django.setup()
    from django.db import OperationalError, transaction
    from guanxi.governance.models import AuditEvent
    locked = 0
    for i in range(int(sys.argv[3])):
        try:
            with transaction.atomic():
                seen = AuditEvent.objects.filter(object_type="stress").count()  # read, then write
                AuditEvent.objects.create(action="stress", object_type="stress", object_id=f"{sys.argv[1]}-{i}-{seen}")
        except OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            locked += 1
    print(json.dumps({"locked": locked}))
    """
)


@pytest.fixture
def data_home(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"GUANXI_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "guanxi.config.settings"})
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, check=True)
    return env


def _hammer(env: dict, mode: str, writes: int) -> int:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(n), mode, str(writes)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    locked = 0
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        locked += json.loads(out.strip().splitlines()[-1])["locked"]
    return locked


def _count_and_check(env: dict) -> tuple[int, str]:
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor();"
        "print(c.execute(\"SELECT count(*) FROM governance_auditevent WHERE object_type='stress'\").fetchone()[0],"
        " c.execute('PRAGMA integrity_check').fetchone()[0])"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    count, integrity = out.stdout.split()
    return int(count), integrity


def test_given_eight_writers_when_each_reads_then_writes_then_none_fails_and_all_rows_exist(data_home):
    locked = _hammer(data_home, "safe", WRITES)
    assert locked == 0
    assert _count_and_check(data_home) == (WORKERS * WRITES, "ok")


def test_given_deferred_mode_without_timeout_then_writers_do_fail(data_home):
    # Proves the test above can fail: the same load without the settings hits SQLITE_BUSY.
    locked = _hammer(data_home, "unsafe", WRITES)
    assert locked > 0
