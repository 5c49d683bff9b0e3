"""The ``guanxi`` command: run the demo, serve the product, run any Django management command.

Exit codes: 0 success, 1 an error explained on stderr, 2 a usage error, 130 interrupted.
"""

import argparse
import os
import secrets
import socket
import sys
import time
import unicodedata
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

DEFAULT_SETTINGS = "guanxi.config.settings"
DJANGO_COMMANDS = {"worker", "jobs", "import", "insights"}
WSGI_APP = "guanxi.config.wsgi:application"


class CliError(Exception):
    """A failure the user can act on; the message says how."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


# --- helpers ---------------------------------------------------------------------------------------


def setup_django() -> None:
    import django
    from django.core.exceptions import ImproperlyConfigured

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise CliError(f"the configuration is not usable: {exc}") from exc


def database_label() -> str:
    """Describe where the data lives, without any credentials."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite at {db['NAME']}"
    return (
        f"PostgreSQL database {db.get('NAME')!r} on {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    )


def database_error(exc: Exception) -> CliError:
    return CliError(
        f"cannot use the database ({database_label()}): {exc}\n"
        "Check DATABASE_URL (or GUANXI_HOME for the embedded SQLite database) and that the server is running."
    )


def pending_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def check_port_free(host: str, port: int) -> None:
    """Fail early, with a clear message, when the server could not bind (gunicorn would retry and then die)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise CliError(f"cannot listen on host {host!r}: {exc.strerror}") from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise CliError(
                f"cannot listen on {host}:{port} ({exc.strerror}); another program may be using the port. "
                "Choose another one with --port."
            ) from exc


def public_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - only shown, not bound
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def default_workers() -> int:
    configured = os.environ.get("GUANXI_WORKERS")
    if configured and configured.isdigit() and int(configured) > 0:
        return int(configured)
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def gunicorn_supports(option: str) -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(option in setting.cli for setting in KNOWN_SETTINGS if setting.cli)


def exec_gunicorn(host: str, port: int, workers: int) -> None:
    """Replace this process with gunicorn, so that signals (Ctrl+C, SIGTERM) reach it directly."""
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    # WhiteNoise serves from the finders; an existing STATIC_ROOT only spares a warning per worker.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        WSGI_APP,
        "--bind",
        bind_address(host, port),
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--graceful-timeout",
        "20",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
    ]
    if gunicorn_supports("--no-control-socket"):
        # Newer gunicorns open a control socket in the home directory; two servers would share it.
        argv.append("--no-control-socket")
    say(f"serving on {public_url(host, port)} with gunicorn ({workers} workers); stop with Ctrl+C")
    if host not in ("127.0.0.1", "localhost", "::1"):
        print("Other machines must use a host name listed in GUANXI_ALLOWED_HOSTS, or Django answers 400.")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter, fixed arguments


def port_number(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError("a port is a number from 1 to 65535")
    return port


def positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError("give a whole number of at least 1")
    return int(value)


def warn_weak_password(password: str) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password)
    except ValidationError as exc:
        print(
            "warning: this password would not be accepted for a real account: " + " ".join(exc.messages),
            file=sys.stderr,
        )


# --- commands --------------------------------------------------------------------------------------


def command_demo(args: argparse.Namespace) -> int:
    if not args.no_serve:
        check_port_free(args.host, args.port)
    setup_django()
    from django.db import DatabaseError

    from guanxi.demo import DemoRefused, demo_exists, demo_load

    try:
        say(f"preparing the database ({database_label()})")
        migrate()
        password = args.password
        if password:
            warn_weak_password(password)
        elif not demo_exists():
            password = secrets.token_urlsafe(12)
        started = time.monotonic()
        if not demo_exists():
            say("loading the demo organisation (a few seconds)")
        result = demo_load(password=password)
    except DemoRefused as exc:
        raise CliError(
            f"{exc}.\nThe demo only loads into an empty database: point GUANXI_HOME at an empty directory "
            "(or DATABASE_URL at an empty database) and run this command again."
        ) from exc
    except DatabaseError as exc:
        raise database_error(exc) from exc
    counts = result.counts
    if result.created:
        say(
            f"loaded in {time.monotonic() - started:.1f} s: {counts['customers']} customers, "
            f"{counts['contacts']} contacts, {counts['interactions']} interactions, {counts['open_tasks']} open tasks"
        )
    else:
        say("the demo organisation is already loaded; nothing was rebuilt")
    print_logins(result.users, password if result.password_changed else None)
    url = public_url(args.host, args.port)
    if args.no_serve:
        host = "" if args.host == "127.0.0.1" else f" --host {args.host}"
        print(f"\nStart the server with:  guanxi serve{host} --port {args.port}   then open {url}")
        return 0
    print(f"\nOpen {url} and sign in as rep1 (a sales rep), manager1 (rep1's manager) or director.")
    exec_gunicorn(args.host, args.port, default_workers())
    return 0  # pragma: no cover - exec does not return


def pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns; Chinese characters take two."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(1, width - used)


def print_logins(users: Sequence[Any], password: str | None) -> None:
    print("\nDemo logins")
    print("  " + pad("username", 11) + pad("role", 16) + pad("team", 10) + "name")
    for user in users:
        team = user.team.name if user.team_id else ""
        print(
            "  "
            + pad(user.username, 11)
            + pad(str(user.get_role_display()), 16)
            + pad(team, 10)
            + user.display_name
        )
    if password:
        print(f"\n  Password for every demo user: {password}")
    else:
        print("\n  Passwords are unchanged. Set a new one for every demo user with --password.")


def command_serve(args: argparse.Namespace) -> int:
    check_port_free(args.host, args.port)
    setup_django()
    from django.db import DatabaseError

    try:
        pending = pending_migrations()
    except DatabaseError as exc:
        raise database_error(exc) from exc
    if pending:
        raise CliError(
            f"the database ({database_label()}) is missing {len(pending)} migration(s), e.g. {pending[0]}.\n"
            "Apply them first with:  guanxi manage migrate"
        )
    exec_gunicorn(args.host, args.port, args.workers)
    return 0  # pragma: no cover - exec does not return


def command_manage(argv: Sequence[str]) -> int:
    setup_django()
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["guanxi manage", *argv])
    except DatabaseError as exc:
        raise database_error(exc) from exc
    return 0


# --- entry point -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="guanxi",
        description="guanxi (关系) — a sales CRM for Chinese sales teams.",
        epilog="Configuration comes from the environment: GUANXI_HOME (data directory, default ./var), "
        "DATABASE_URL (default: SQLite in GUANXI_HOME), GUANXI_ALLOWED_HOSTS, GUANXI_WORKERS.",
    )
    try:
        version = metadata.version("guanxi")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        version = "unknown"
    parser.add_argument("--version", action="version", version=f"guanxi {version}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="migrate, load the demo organisation, print the logins and serve it",
        description="Prepare the database, load the demo organisation (once; a second run keeps it and only "
        "sets the password when --password is given), print the logins and serve the product.",
    )
    demo.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    demo.add_argument("--port", type=port_number, default=8000, help="port to listen on (default 8000)")
    demo.add_argument("--no-serve", action="store_true", help="load the demo and exit without serving")
    demo.add_argument("--password", help="password for every demo user (default: a random one, printed)")
    demo.set_defaults(handler=command_demo)

    serve = commands.add_parser(
        "serve",
        help="serve the product with gunicorn (the production server)",
        description="Serve guanxi with gunicorn. The database must be migrated (guanxi manage migrate).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=port_number, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--workers",
        type=positive,
        default=default_workers(),
        help="worker processes (default: GUANXI_WORKERS, else 2 × CPUs + 1, at most 8)",
    )
    serve.set_defaults(handler=command_serve)

    commands.add_parser(
        "manage",
        help="run any Django management command, e.g. guanxi manage migrate",
        add_help=False,
    )
    for name, text in (
        ("worker", "run background tasks and the daily schedule until stopped"),
        ("jobs", "run the periodic jobs once: guanxi jobs run [NAME] [--today YYYY-MM-DD]"),
        ("import", "import a spreadsheet: guanxi import orders FILE [--dry-run] [--as USER]"),
        ("insights", "recompute customer insights: guanxi insights refresh | clv"),
    ):
        commands.add_parser(name, help=text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    try:
        if argv and argv[0] == "manage":
            # Everything after "manage" belongs to Django, including --help.
            return command_manage(argv[1:])
        if argv and argv[0] in DJANGO_COMMANDS:
            # `guanxi worker`, `guanxi jobs run …`, `guanxi import orders …`, `guanxi insights refresh` are
            # management commands of the same name.
            return command_manage(argv)
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        return int(args.handler(args))
    except CliError as exc:
        print(f"guanxi: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("guanxi: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `guanxi demo | head`); stay quiet instead of printing a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
