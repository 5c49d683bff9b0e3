"""`guanxi worker|jobs|import|insights` are the management commands of the same name."""

import pytest

from guanxi.cli import main


def test_given_jobs_list_when_run_through_the_cli_then_the_schedule_is_printed(db, capsys):
    assert main(["jobs", "list"]) == 0
    out = capsys.readouterr().out
    assert "care_reminders" in out
    assert "contact_policy_check" in out


def test_given_an_unknown_job_then_the_command_fails_with_a_clear_message(db, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["jobs", "run", "no_such_job"])
    assert exited.value.code == 1
    assert "no periodic job named 'no_such_job'" in capsys.readouterr().err


def test_help_lists_the_domain_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in ("demo", "serve", "manage", "worker", "jobs", "import", "insights"):
        assert name in out
