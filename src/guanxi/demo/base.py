"""What the demo builders share: the plan of a customer being built and a seeded source of names and numbers.

Rows are built in memory and written with ``bulk_create``: the demo loads in seconds on SQLite. The
search keys (``search_pinyin``), ``created_by``, ``updated_by`` and ``version`` are filled by the builders
because ``bulk_create`` bypasses the services that normally maintain them.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from faker import Faker

from guanxi.core.validators import normalize_phone
from guanxi.customers import choices as c
from guanxi.customers.models import Contact, Customer
from guanxi.people.models import User

from . import words as w
from .organisation import Organisation
from .places import City

MOBILE_PREFIXES = w.words(
    "130 131 132 133 135 136 137 138 139 150 151 "
    "152 155 156 157 158 159 166 176 177 180 181 "
    "182 183 185 186 187 188 189 199"
)


@dataclass
class Plan:
    """A customer being built, with what its history will need to know about it."""

    customer: Customer
    city: City
    brand: str = ""  # the company's brand word, for e-mail domains; empty for individuals
    is_shop: bool = False
    gender: str = ""  # a shop owner's gender
    tags: list[str] = field(default_factory=list)
    collaborator: User | None = None
    referrer_index: int | None = None
    timeline: list[datetime.datetime] = field(default_factory=list)  # when interactions happened
    contacts: list[Contact] = field(default_factory=list)


class Builder:
    """A seeded generator of demo rows; the builders of customers, key people and history extend it."""

    def __init__(self, *, rng: random.Random, fake: Faker, org: Organisation, now: datetime.datetime):
        self.rng = rng
        self.fake = fake
        self.org = org
        self.now = now
        self.today = timezone.localdate(now)
        self.used_mobiles: set[str] = set()
        self.used_names: set[str] = set()
        self.used_codes: set[str] = set()

    def person_name(self, gender: str) -> tuple[str, str]:
        """Return (surname, full name) of a fresh Chinese name."""
        surname = self.fake.last_name()
        given = self.fake.first_name_male() if gender == c.Gender.MALE else self.fake.first_name_female()
        return surname, surname + given

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used_mobiles:
                self.used_mobiles.add(number)
                return number

    def office_phone(self, city: City) -> str:
        for digits in (8, 7):
            local = str(self.rng.choice("2345678")) + "".join(
                str(self.rng.randrange(10)) for _ in range(digits - 1)
            )
            try:
                return normalize_phone(city.area_code + local)
            except ValidationError:  # a wrong length for this area code: try the other one
                continue
        return ""
