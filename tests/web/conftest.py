"""Records around cust_a (owned by rep_a) and cust_c (owned by rep_c) for the web tests."""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest

from guanxi.customers.models import Contact, Customer, Need
from guanxi.customers.services import customer_part_create
from guanxi.engagement.models import Task

from ..factories import ContactFactory, TaskFactory


@dataclass
class Archive:
    customer: Customer
    contact: Contact
    need: Need
    task: Task
    other_contact: Contact


@pytest.fixture
def archive(org) -> Archive:
    """cust_a with a contact, a need and an open task of rep_a; cust_c with a contact of its own."""
    contact = ContactFactory(
        customer=org.cust_a, name="张伟", mobile="13812345678", family_notes="女儿今年高考"
    )
    need = customer_part_create(
        actor=org.rep_a, customer=org.cust_a, kind="need", data={"description": "降低采购成本"}
    )
    task = TaskFactory(owner=org.rep_a, customer=org.cust_a, title="回访华为采购部")
    other = ContactFactory(customer=org.cust_c, name="马化", mobile="13998765432")
    return Archive(customer=org.cust_a, contact=contact, need=need, task=task, other_contact=other)


def field_block(html: str, field_id: str) -> str:
    """Return the ``.field`` block rendered around the input ``field_id`` (its label, input and errors)."""
    match = re.search(
        rf'<div class="field[^"]*">(?:(?!<div class="field).)*?id="{re.escape(field_id)}".*?</div>',
        html,
        re.S,
    )
    assert match, f"no field block for {field_id}"
    return match.group(0)


class InlineCodeFinder(HTMLParser):
    """Collect everything a strict CSP would block: inline scripts, style elements and attributes, handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script":
            self._in_script = True
            if "src" not in names:
                self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        if "style" in names:
            self.problems.append(f"style= on <{tag}>")
        self.problems.extend(f"{name}= on <{tag}>" for name in names if name.startswith("on"))
        for name, value in attrs:
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in {name} on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append("script body")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems
