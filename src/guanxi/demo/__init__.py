"""The demo organisation: a sales department with every role and two years of realistic customer history.

``demo_load`` builds it once, reproducibly (a fixed random seed; dates are relative to today), in one
transaction. A database that already holds the demo is recognised by the ``director`` user: loading
again changes nothing except, when a password is given, the demo users' passwords. A database holding
anything else is refused, so the demo never mixes with real data.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from faker import Faker

from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Interaction, Task, TaskStatus
from guanxi.governance.audit import audit_record
from guanxi.people.models import User

from .archive import CustomerBuilder
from .events import EventsBuilder
from .history import HistoryBuilder
from .keyaccounts import KeyAccountsBuilder
from .keypeople import KeyPeopleBuilder
from .orders import OrderBuilder
from .organisation import MARKER_USERNAME, PEOPLE, demo_passwords_reset, demo_users, organisation_create
from .pipeline import PipelineBuilder
from .training import TrainingBuilder
from .visits import VisitsBuilder

__all__ = ["PEOPLE", "DemoRefused", "DemoResult", "demo_exists", "demo_load"]

SEED = 20250601
CUSTOMERS = 300
INTERACTIONS = 3000


class DemoRefused(Exception):
    """The database holds data that is not the demo organisation."""


@dataclass
class DemoResult:
    created: bool
    users: list[User]
    password_changed: bool
    counts: dict[str, int] = field(default_factory=dict)


def demo_exists() -> bool:
    return User.objects.filter(username=MARKER_USERNAME).exists()


def demo_counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "customers": Customer.objects.count(),
        "contacts": Contact.objects.count(),
        "interactions": Interaction.objects.count(),
        "open_tasks": Task.objects.filter(status=TaskStatus.OPEN).count(),
    }


def demo_load(*, password: str | None, now: datetime.datetime | None = None, seed: int = SEED) -> DemoResult:
    """Load the demo organisation, or — when it is there already — only set the password if one is given.

    A new demo needs ``password``. Raise DemoRefused when the database holds other users or customers.
    """
    if demo_exists():
        changed = bool(password) and demo_passwords_reset(password=password or "") > 0
        return DemoResult(created=False, users=demo_users(), password_changed=changed, counts=demo_counts())
    if not password:
        raise ValueError("a new demo organisation needs a password")
    if User.objects.exists() or Customer.all_objects.exists():
        raise DemoRefused("the database already holds users or customers that are not the demo organisation")
    _build(password=password, now=now or timezone.now(), seed=seed)
    return DemoResult(created=True, users=demo_users(), password_changed=True, counts=demo_counts())


@transaction.atomic
def _build(*, password: str, now: datetime.datetime, seed: int) -> None:
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    org = organisation_create(password=password)
    customers = CustomerBuilder(rng=rng, fake=fake, org=org, now=now)
    people = KeyPeopleBuilder(rng=rng, fake=fake, org=org, now=now)
    history = HistoryBuilder(rng=rng, org=org, now=now)
    plans = customers.customers(CUSTOMERS)
    history.plan_timelines(plans, INTERACTIONS)
    customers.save_customers(plans)
    people.people(plans)
    customers.parts(plans)
    interactions = history.interactions(plans)
    history.open_tasks(plans, interactions)
    # Further areas each add one line here, building on what exists so far.
    VisitsBuilder(rng=rng, org=org, now=now).build()  # visit plans in every state, with reports
    KeyAccountsBuilder(rng=rng, org=org, now=now).build()  # account plans, intel, referrals
    OrderBuilder(rng=rng, org=org, now=now).build(plans)  # orders, then the value figures
    EventsBuilder(rng=rng, org=org, now=now).build()  # customer events: invitations, attendance
    TrainingBuilder(rng=rng, org=org, now=now).build()  # quizzes assigned, attempts in every band
    PipelineBuilder(rng=rng, org=org, now=now).build()  # opportunities with history, contracts, payments
    audit_record(actor=org.admin, action="demo_load", object_type="demo", object_id=str(seed))
