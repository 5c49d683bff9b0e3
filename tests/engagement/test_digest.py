"""The morning e-mail, received by a real SMTP server on a free local port."""

import datetime
import email
import email.policy
import socket
from dataclasses import dataclass, field

import pytest
import time_machine
from aiosmtpd.controller import Controller

from guanxi.core.jobs import job_named, run_job
from guanxi.engagement.models import DigestSent

from ..factories import TaskFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
DAY = datetime.date(2026, 11, 24)
MORNING = datetime.datetime(2026, 11, 24, 7, 30, tzinfo=SHANGHAI)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    port: int
    received: list[email.message.EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"

    @staticmethod
    def text(message: email.message.EmailMessage) -> str:
        """The body as the application wrote it (SMTP carries lines ending in CRLF)."""
        return message.get_content().replace("\r\n", "\n")

    def by_recipient(self) -> dict[str, email.message.EmailMessage]:
        return {message["To"]: message for message in self.received}


@pytest.fixture
def mailbox(settings):
    box = Mailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": box.port, "timeout": 5},
        }
    }
    settings.DEFAULT_FROM_EMAIL = "guanxi@example.com"
    yield box
    controller.stop()


@pytest.fixture
def desks(org):
    """rep_a reads Chinese, rep_c English; both have overdue, today's and coming care tasks."""
    org.rep_a.display_name = "李雷"
    org.rep_a.save()
    org.rep_c.display_name = "Chen"
    org.rep_c.language = "en"
    org.rep_c.save()
    TaskFactory(owner=org.rep_a, customer=org.cust_a, title="回访华为", due_on=datetime.date(2026, 11, 20))
    TaskFactory(owner=org.rep_a, customer=org.cust_a, title="发送报价单", due_on=DAY)
    TaskFactory(
        owner=org.rep_a,
        customer=org.cust_a,
        kind="care",
        title="张伟（华为技术有限公司）生日：2026-11-27",
        due_on=datetime.date(2026, 11, 27),
    )
    TaskFactory(owner=org.rep_a, title="下个月的事", due_on=datetime.date(2026, 12, 10))
    TaskFactory(owner=org.rep_a, title="已完成", due_on=DAY, status="done")
    TaskFactory(owner=org.rep_c, customer=org.cust_c, title="Send the quote to Tencent", due_on=DAY)
    return org


@time_machine.travel(MORNING, tick=False)
def test_each_rep_receives_their_digest_in_their_language_once_a_day(desks, mailbox):
    run = run_job(job_named("daily_digest"), DAY)

    assert run.result == {"sent": 2, "empty": 0, "taken": 0, "failed": 0}
    received = mailbox.by_recipient()
    assert sorted(received) == ["rep_a@example.com", "rep_c@example.com"]

    chinese = received["rep_a@example.com"]
    assert chinese["Subject"] == "guanxi 2026-11-24：1 项逾期，1 项今日到期，1 个关怀日将至"
    assert chinese["From"] == "guanxi@example.com"
    assert mailbox.text(chinese) == (
        "李雷，早上好。\n"
        "\n"
        "已逾期（1）\n"
        "- 2026-11-20  回访华为\n"
        "\n"
        "今日到期（1）\n"
        "- 2026-11-24  发送报价单\n"
        "\n"
        "未来 7 天的关怀日（1）\n"
        "- 2026-11-27  张伟（华为技术有限公司）生日：2026-11-27\n"
        "\n"
        "您收到这封邮件，是因为您在 guanxi 中有未完成的待办。\n"
    )

    english = received["rep_c@example.com"]
    assert english["Subject"] == "guanxi 2026-11-24: 0 overdue, 1 due today, 0 care dates ahead"
    assert mailbox.text(english) == (
        "Good morning, Chen.\n"
        "\n"
        "Due today (1)\n"
        "- 2026-11-24  Send the quote to Tencent\n"
        "\n"
        "You get this e-mail because you have open tasks in guanxi.\n"
    )

    again = run_job(job_named("daily_digest"), DAY)
    assert again.result == {"sent": 0, "empty": 0, "taken": 0, "failed": 0}
    assert len(mailbox.received) == 2
    assert sorted(DigestSent.objects.values_list("user__username", "day", "item_count")) == [
        ("rep_a", DAY, 3),
        ("rep_c", DAY, 1),
    ]


@time_machine.travel(MORNING, tick=False)
def test_given_the_mail_server_is_down_then_the_send_is_retried_by_the_next_run(desks, mailbox, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    down = run_job(job_named("daily_digest"), DAY)
    assert (down.result["failed"], DigestSent.objects.count(), mailbox.received) == (2, 0, [])

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": mailbox.port, "timeout": 5},
        }
    }
    up = run_job(job_named("daily_digest"), DAY)
    assert (up.result["sent"], len(mailbox.received)) == (2, 2)


@time_machine.travel(MORNING, tick=False)
def test_a_digest_another_worker_is_sending_is_left_to_it(desks, mailbox):
    DigestSent.objects.create(user=desks.rep_a, day=DAY, claimed_at=MORNING - datetime.timedelta(seconds=30))

    run = run_job(job_named("daily_digest"), DAY)

    assert run.result == {"sent": 1, "empty": 0, "taken": 1, "failed": 0}
    assert list(mailbox.by_recipient()) == ["rep_c@example.com"]
