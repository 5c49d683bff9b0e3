"""The `guanxi` command, run as users run it: a subprocess with its own data directory (SPEC §5.2).

The demo is loaded into a temporary SQLite database with the production settings, whatever database the
rest of the suite uses; the tests read the result with the sqlite3 module.
"""

import datetime
import http.client
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import argon2
import pytest

from guanxi.cli import bind_address, pad, public_url
from guanxi.core.validators import normalize_phone, validate_credit_code, validate_wechat_id

PASSWORD = "plum blossom in the snow 2026"
OTHER_PASSWORD = "bamboo by the west lake 2027"
SCRIPT = Path(sys.executable).with_name("guanxi")
GUANXI = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "guanxi.cli"]
REPS = [f"rep{n}" for n in range(1, 13)]
DEMO_USERS = {"admin", "director", "archivist", "manager1", "manager2", "manager3", *REPS}


def run(home: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*GUANXI, *args], env=environment(home), capture_output=True, text=True, timeout=timeout, check=False
    )


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "GUANXI_WORKERS")}
    env.update(GUANXI_HOME=str(home), DJANGO_SETTINGS_MODULE="guanxi.config.settings")
    return env


def rows(home: Path, sql: str, *params) -> list[tuple]:
    db = sqlite3.connect(home / "guanxi.sqlite3")
    try:
        with db:  # commits
            return db.execute(sql, params).fetchall()
    finally:
        db.close()


def scalar(home: Path, sql: str, *params):
    return rows(home, sql, *params)[0][0]


def shanghai_today() -> datetime.date:
    """The demo's "today" (tasks due today, overdue …) is a day in the default time zone, Asia/Shanghai."""
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Run `guanxi demo --no-serve` three times: new (PASSWORD), again (OTHER_PASSWORD), again (none)."""
    home = tmp_path_factory.mktemp("demo_home")
    started = time.monotonic()
    first = run(home, "demo", "--no-serve", "--password", PASSWORD)
    first_seconds = time.monotonic() - started
    counts = {
        table: scalar(home, f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
        for table in ("customers_customer", "customers_contact", "engagement_interaction", "engagement_task")
    }
    second = run(home, "demo", "--no-serve", "--password", OTHER_PASSWORD)
    third = run(home, "demo", "--no-serve")
    return {"home": home, "runs": (first, second, third), "first_seconds": first_seconds, "counts": counts}


def password_hash(home: Path, username: str) -> str:
    return scalar(home, "SELECT password FROM people_user WHERE username = ?", username)


def verifies(encoded: str, password: str) -> bool:
    assert encoded.startswith("argon2$argon2id$")
    try:
        return argon2.PasswordHasher().verify(encoded.removeprefix("argon2"), password)
    except argon2.exceptions.VerifyMismatchError:
        return False


# --- demo ------------------------------------------------------------------------------------------


def test_given_an_empty_home_when_demo_runs_then_it_succeeds_and_prints_logins_and_the_password(demo):
    first = demo["runs"][0]
    assert first.returncode == 0, first.stderr
    assert f"Password for every demo user: {PASSWORD}" in first.stdout
    for username in DEMO_USERS:
        assert f"  {username} " in first.stdout
    assert "guanxi serve --port 8000" in first.stdout


def test_demo_loads_well_within_the_time_ci_and_first_start_can_afford(demo):
    assert (
        demo["first_seconds"] < 60
    )  # the loader itself takes a few seconds; the rest is migrate and startup


def test_demo_users_have_their_roles_and_teams(demo):
    home = demo["home"]
    users = dict(
        (username, (role, team, manager))
        for username, role, team, manager in rows(
            home,
            "SELECT u.username, u.role, t.name, m.username FROM people_user u "
            "JOIN people_team t ON t.id = u.team_id LEFT JOIN people_user m ON m.id = t.manager_id",
        )
    )
    assert set(users) == DEMO_USERS
    assert users["admin"][0] == "admin"
    assert users["director"][0] == "director"
    assert users["archivist"][0] == "archivist"
    for number in range(1, 13):
        manager = f"manager{(number - 1) // 4 + 1}"
        assert users[f"rep{number}"] == ("rep", users[manager][1], manager)
    for manager in ("manager1", "manager2", "manager3"):
        assert users[manager][0] == "manager"
    assert all(display for (display,) in rows(home, "SELECT display_name FROM people_user"))
    parents = rows(home, "SELECT p.name FROM people_team t JOIN people_team p ON p.id = t.parent_id")
    assert {name for (name,) in parents} == {"销售部"}


def test_demo_archive_has_the_promised_size(demo):
    counts = demo["counts"]
    assert counts["customers_customer"] == 300
    assert 850 <= counts["customers_contact"] <= 950
    history = rows(
        demo["home"],
        "SELECT COUNT(*) FROM engagement_interaction WHERE event_id IS NULL AND id NOT IN "
        "(SELECT interaction_id FROM visits_visitreport WHERE interaction_id IS NOT NULL)",
    )
    assert history == [(3000,)]  # the two-year history; events and visit reports add their own
    assert counts["engagement_interaction"] > 3000


def test_every_rep_owns_customers_and_has_open_tasks_overdue_today_and_later(demo):
    home = demo["home"]
    owned = dict(
        rows(
            home,
            "SELECT u.username, COUNT(*) FROM customers_customer c JOIN people_user u ON u.id = c.owner_id "
            "GROUP BY u.username",
        )
    )
    assert all(owned.get(rep, 0) >= 15 for rep in REPS), owned
    today = shanghai_today().isoformat()
    for rep in REPS:
        due = [
            d
            for (d,) in rows(
                home,
                "SELECT t.due_on FROM engagement_task t JOIN people_user u ON u.id = t.owner_id "
                "WHERE u.username = ? AND t.status = 'open'",
                rep,
            )
        ]
        assert any(d < today for d in due), rep
        assert any(d > today for d in due), rep
    assert (
        scalar(home, "SELECT COUNT(*) FROM engagement_task WHERE status = 'open' AND due_on = ?", today) > 0
    )


def test_demo_archive_is_varied_like_a_real_one(demo):
    home = demo["home"]

    def distinct(column: str) -> int:
        return scalar(home, f"SELECT COUNT(DISTINCT {column}) FROM customers_customer")  # noqa: S608

    assert distinct("industry") >= 15
    assert distinct("province") >= 25
    assert distinct("grade") == 4  # A, B, C and not yet graded
    assert distinct("status") == 5
    assert distinct("lifecycle_stage") == 5
    assert distinct("kind") == 2
    assert scalar(home, "SELECT COUNT(*) FROM customers_customer WHERE kind = 'individual'") >= 30
    assert scalar(home, "SELECT COUNT(*) FROM customers_customer_tags") > 100
    assert scalar(home, "SELECT COUNT(*) FROM customers_contact WHERE birthday_calendar = 'lunar'") > 20
    assert scalar(home, "SELECT COUNT(*) FROM customers_contact WHERE reports_to_id IS NOT NULL") > 300
    assert scalar(home, "SELECT COUNT(DISTINCT decision_role) FROM customers_contact") == 4
    assert scalar(home, "SELECT COUNT(DISTINCT relationship_status) FROM customers_contact") == 4
    assert scalar(home, "SELECT COUNT(*) FROM customers_counterpart") >= 900
    for table in ("customers_need", "customers_competitorpresence", "customers_risk"):
        assert scalar(home, f"SELECT COUNT(DISTINCT customer_id) FROM {table}") > 50, table  # noqa: S608
    assert scalar(home, "SELECT COUNT(DISTINCT channel) FROM engagement_interaction") == 6
    assert scalar(home, "SELECT COUNT(*) FROM engagement_interaction WHERE is_non_sales") > 100
    oldest = scalar(home, "SELECT MIN(occurred_at) FROM engagement_interaction")
    assert oldest < (shanghai_today() - datetime.timedelta(days=600)).isoformat()
    never_future = "SELECT COUNT(*) FROM engagement_interaction WHERE occurred_at > datetime('now')"
    assert scalar(home, never_future) == 0


def test_demo_identifiers_are_valid(demo):
    home = demo["home"]
    codes = [
        code for (code,) in rows(home, "SELECT credit_code FROM customers_customer WHERE credit_code != ''")
    ]
    assert len(codes) > 200
    assert len(set(codes)) == len(codes)
    for code in codes:
        validate_credit_code(code)
    phones = rows(home, "SELECT mobile, office_phone, wechat FROM customers_contact")
    assert len({mobile for mobile, _, _ in phones}) == len(phones)
    for mobile, office, wechat in phones:
        assert normalize_phone(mobile) == mobile
        if office:
            assert normalize_phone(office) == office
        if wechat:
            validate_wechat_id(wechat)


def test_demo_search_keys_are_filled_so_pinyin_search_works(demo):
    home = demo["home"]
    assert scalar(home, "SELECT COUNT(*) FROM customers_customer WHERE search_pinyin = ''") == 0
    assert scalar(home, "SELECT COUNT(*) FROM customers_contact WHERE search_pinyin = ''") == 0
    key = scalar(home, "SELECT search_pinyin FROM customers_customer WHERE name = '华威精密机械有限公司'")
    assert "hw" in key.split()[1]


def test_given_a_loaded_demo_when_demo_runs_with_a_password_then_only_the_passwords_change(demo):
    home = demo["home"]
    second = demo["runs"][1]
    assert second.returncode == 0, second.stderr
    assert "already loaded" in second.stdout
    assert f"Password for every demo user: {OTHER_PASSWORD}" in second.stdout
    assert scalar(home, "SELECT COUNT(*) FROM customers_customer") == demo["counts"]["customers_customer"]
    assert verifies(password_hash(home, "rep1"), OTHER_PASSWORD)
    assert not verifies(password_hash(home, "rep1"), PASSWORD)


def test_given_a_loaded_demo_when_demo_runs_without_a_password_then_nothing_changes(demo):
    home = demo["home"]
    third = demo["runs"][2]
    assert third.returncode == 0, third.stderr
    assert "Passwords are unchanged" in third.stdout
    assert "Password for every demo user" not in third.stdout
    assert verifies(password_hash(home, "director"), OTHER_PASSWORD)
    assert (
        scalar(home, "SELECT COUNT(*) FROM engagement_interaction")
        == demo["counts"]["engagement_interaction"]
    )


def test_given_a_database_with_other_data_when_demo_runs_then_it_refuses_and_changes_nothing(demo, tmp_path):
    # A real archive: users and customers, but no demo organisation (no `director`).
    for name in ("guanxi.sqlite3", "guanxi.sqlite3-wal", "guanxi.sqlite3-shm"):
        if (demo["home"] / name).exists():
            shutil.copy(demo["home"] / name, tmp_path / name)
    rows(tmp_path, "UPDATE people_user SET username = 'boss' WHERE username = 'director'")
    before = rows(tmp_path, "SELECT username, password FROM people_user ORDER BY id")

    result = run(tmp_path, "demo", "--no-serve", "--password", PASSWORD)

    assert result.returncode == 1
    assert "empty database" in result.stderr
    assert "Traceback" not in result.stderr
    assert rows(tmp_path, "SELECT username, password FROM people_user ORDER BY id") == before
    assert scalar(tmp_path, "SELECT COUNT(*) FROM customers_customer") == demo["counts"]["customers_customer"]


# --- manage ----------------------------------------------------------------------------------------


def test_manage_runs_django_management_commands(demo):
    result = run(demo["home"], "manage", "check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_manage_passes_djangos_exit_code_through(demo):
    result = run(demo["home"], "manage", "no_such_command")
    assert result.returncode == 1
    assert "Unknown command" in result.stderr


# --- serve -----------------------------------------------------------------------------------------


def test_given_a_migrated_database_when_serve_starts_then_gunicorn_answers_http(demo):
    port = free_port()
    server = subprocess.Popen(
        [*GUANXI, "serve", "--port", str(port), "--workers", "1"],
        env=environment(demo["home"]),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = None
        deadline = time.monotonic() + 60
        while status is None and time.monotonic() < deadline and server.poll() is None:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/login/")
                status = connection.getresponse().status
                connection.close()
            except OSError:
                time.sleep(0.3)
        assert status is not None and status < 500, f"no answer, status {status}"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "gunicorn" in output.lower()
    assert "runserver" not in output


def test_given_an_unmigrated_database_when_serve_starts_then_it_says_how_to_migrate(tmp_path):
    result = run(tmp_path, "serve", "--port", str(free_port()))
    assert result.returncode == 1
    assert "guanxi manage migrate" in result.stderr
    assert "Traceback" not in result.stderr


def test_given_a_busy_port_when_serve_starts_then_it_says_so(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run(tmp_path, "serve", "--port", str(busy.getsockname()[1]))
    assert result.returncode == 1
    assert "--port" in result.stderr
    assert "Traceback" not in result.stderr


# --- usage -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [(), ("demo", "--port", "0"), ("serve", "--workers", "none"), ("no-such-command",)]
)
def test_usage_errors_exit_with_2(tmp_path, args):
    result = run(tmp_path, *args)
    assert result.returncode == 2
    assert "usage: guanxi" in result.stderr


@pytest.mark.parametrize(
    ("host", "port", "url", "bind"),
    [
        ("127.0.0.1", 8000, "http://127.0.0.1:8000/", "127.0.0.1:8000"),
        ("0.0.0.0", 80, "http://127.0.0.1:80/", "0.0.0.0:80"),  # noqa: S104 - the test of that case
        ("::1", 8080, "http://[::1]:8080/", "[::1]:8080"),
    ],
)
def test_addresses(host, port, url, bind):
    assert public_url(host, port) == url
    assert bind_address(host, port) == bind


def test_pad_counts_chinese_characters_as_two_columns():
    assert pad("销售经理", 12) == "销售经理    "
    assert pad("rep1", 6) == "rep1  "
    assert pad("a-long-name", 4) == "a-long-name "
