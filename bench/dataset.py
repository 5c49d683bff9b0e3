"""Dataset M (SPEC §6), generated fast and in bounded memory.

Teams and users go through the ORM (a few hundred rows); everything else is written with raw
``executemany`` on SQLite and ``COPY`` on PostgreSQL, in chunks, with explicit ids so that related rows
can be generated without reading anything back. The words come from the demo organisation
(``guanxi.demo``); search keys are composed from cached per-word pinyin, which is what ``pinyin_key``
would compute for these names.
"""

import datetime
import random
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from django.db import connection, models, transaction
from faker import Faker

from guanxi.core.text import pinyin_key
from guanxi.core.validators import credit_code_check_character
from guanxi.customers import choices as c
from guanxi.customers.models import (
    CompetitorPresence,
    Contact,
    Counterpart,
    Customer,
    Department,
    Need,
    Risk,
    Tag,
)
from guanxi.demo import scripts as s
from guanxi.demo import words as w
from guanxi.demo.base import MOBILE_PREFIXES
from guanxi.demo.places import CITIES, TEAM_TERRITORIES
from guanxi.engagement.models import Interaction, Task
from guanxi.people.models import Role, Team, User

CHUNK = 5_000
HISTORY_DAYS = 730
REGIONS = ("华东大区", "华南大区", "华北大区", "西部大区")


@dataclass
class Sizes:
    customers: int = 100_000
    contacts: int = 250_000
    interactions: int = 1_000_000
    teams: int = 20  # sales teams, grouped under four regions
    users: int = 200  # managers and reps; the director and the archive administrator come on top
    tasks_per_interaction: float = 0.25
    seed: int = 6


@dataclass
class Population:
    """Who is who in the generated organisation (ids), for the scenarios."""

    rep: int
    manager: int
    director: int
    customer_count: int


class Writer:
    """Insert rows into one table fast: ``executemany`` on SQLite, ``COPY`` on PostgreSQL."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

    def moment(self, seconds: float) -> Any:
        """A timestamp (seconds since the epoch) as the database driver wants it."""
        value = self.epoch + datetime.timedelta(seconds=seconds)
        return value if self.vendor == "postgresql" else str(value.replace(tzinfo=None))

    def day(self, value: datetime.date) -> Any:
        return value if self.vendor == "postgresql" else value.isoformat()

    def insert(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Write ``rows`` (values for ``columns``, by attname); every other column gets its default."""
        fixed = [f for f in model._meta.concrete_fields if f.attname not in columns and not f.primary_key]
        defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in fixed)
        names = [*columns, *(f.column or f.attname for f in fixed)]
        table = connection.ops.quote_name(model._meta.db_table)
        count = 0
        with transaction.atomic():
            raw = connection.connection
            assert raw is not None
            if self.vendor == "postgresql":
                quoted = ", ".join(connection.ops.quote_name(n) for n in names)
                with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((*row, *defaults))
                        count += 1
            else:
                sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
                cursor = raw.cursor()
                for chunk in chunks(rows, CHUNK):
                    cursor.executemany(sql, [(*row, *defaults) for row in chunk])
                    count += len(chunk)
                cursor.close()
        return count

    def finish(self, models_written: Iterable[type[models.Model]]) -> None:
        """Move id sequences past the explicit ids and refresh the planner's statistics."""
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                for model in models_written:
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
                    )
                # Autovacuum would analyse these tables shortly after a bulk load; do it now.
                cursor.execute("ANALYZE")


def chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@cache
def pinyin_parts(text: str) -> tuple[str, str]:
    full, _, initials = pinyin_key(text).partition(" ")
    return full, initials


def search_key(*parts: str) -> str:
    """``pinyin_key`` of the concatenated parts, from cached keys of each part."""
    keys = [pinyin_parts(p) for p in parts if p]
    return f"{''.join(k[0] for k in keys)} {''.join(k[1] for k in keys)}"


class DatasetM:
    def __init__(self, sizes: Sizes, log: Callable[[str], None] = print):
        self.sizes = sizes
        self.rng = random.Random(sizes.seed)
        self.log = log
        self.writer = Writer()
        self.now = time.time()
        self.today = datetime.date.today()
        fake = Faker("zh_CN")
        fake.seed_instance(sizes.seed)
        self.surnames = sorted({fake.last_name() for _ in range(3000)})
        self.given_male = sorted({fake.first_name_male() for _ in range(3000)})
        self.given_female = sorted({fake.first_name_female() for _ in range(3000)})
        self.timings: dict[str, float] = {}

    # --- the organisation -----------------------------------------------------------------------------

    def organisation(self) -> Population:
        rng, sizes = self.rng, self.sizes
        root = Team.objects.create(name="销售部", path="")
        Team.objects.filter(pk=root.pk).update(path=f"/{root.pk}/")
        root.path = f"/{root.pk}/"
        staff = [
            User(username="director", role=Role.DIRECTOR, team=root, display_name="陈国华"),
            User(username="archivist", role=Role.ARCHIVIST, team=root, display_name="林秀英"),
        ]
        per_region = sizes.teams // len(REGIONS)
        numbers = "一二三四五六七八九十"
        regions, teams = [], []
        for region_name in REGIONS:
            region = Team.objects.create(name=region_name, parent=root)
            region.path = f"{root.path}{region.pk}/"
            region.save(update_fields=["path"])
            regions.append(region)
            for index in range(per_region):
                team = Team.objects.create(name=f"{region_name[:2]}{numbers[index % 10]}组", parent=region)
                team.path = f"{region.path}{team.pk}/"
                team.save(update_fields=["path"])
                teams.append(team)
        people: list[User] = []
        for index, region in enumerate(regions, 1):
            people.append(User(username=f"region{index}", role=Role.MANAGER, team=region))
        for index, team in enumerate(teams, 1):
            people.append(User(username=f"mgr{index:02d}", role=Role.MANAGER, team=team))
        reps = sizes.users - len(people)
        for index in range(reps):
            people.append(User(username=f"rep{index + 1:03d}", role=Role.REP, team=teams[index % len(teams)]))
        for user in [*staff, *people]:
            user.set_unusable_password()
            gender = rng.random() < 0.5
            user.display_name = user.display_name or self.person(gender)[0]
        User.objects.bulk_create([*staff, *people])
        for team in [*regions, *teams]:
            manager = next(u for u in people if u.team_id == team.pk and u.role == Role.MANAGER)
            Team.objects.filter(pk=team.pk).update(manager=manager)
        self.reps = [u for u in people if u.role == Role.REP]
        self.team_managers = [u for u in people if u.username.startswith("mgr")]
        self.team_of: dict[int, int] = {u.pk: u.team_id or 0 for u in people}
        self.region_of_team = {t.pk: t.parent.name for t in teams if t.parent}
        first_rep = self.reps[0]
        manager = next(m for m in self.team_managers if m.team_id == first_rep.team_id)
        return Population(
            rep=first_rep.pk, manager=manager.pk, director=staff[0].pk, customer_count=sizes.customers
        )

    def person(self, male: bool) -> tuple[str, str]:
        surname = self.rng.choice(self.surnames)
        given = self.rng.choice(self.given_male if male else self.given_female)
        return surname + given, surname

    # --- customers --------------------------------------------------------------------------------------

    def customers(self) -> None:
        sizes, rng = self.sizes, self.rng
        owners = [u.pk for u in self.reps] * 19 + [u.pk for u in self.team_managers]
        self.owner = array("l", [rng.choice(owners) for _ in range(sizes.customers + 1)])
        self.is_company = bytearray(sizes.customers + 1)
        self.last_contact = array("l", [0] * (sizes.customers + 1))  # days ago; 0 means never
        cities_by_province: dict[str, list[Any]] = {}
        for city in CITIES:
            cities_by_province.setdefault(city.province, []).append(city)
        provinces = list(cities_by_province)
        industries = list(w.INDUSTRY_WORDS)
        industry_weights = [w.INDUSTRY_WORDS[i].weight for i in industries]
        used: set[str] = set()
        writer = self.writer
        columns = (
            "id", "kind", "name", "short_name", "credit_code", "industry", "employees", "revenue_band",
            "province", "city", "district", "street", "lead_source", "owner_id", "grade",
            "score_purchasing_power", "score_cooperation_potential", "score_industry_influence",
            "score_cooperation_history", "score_loyalty", "status", "lifecycle_stage", "relationship_level",
            "region", "last_contact_at", "created_at", "updated_at", "created_by_id", "updated_by_id",
            "search_pinyin",
        )  # fmt: skip
        statuses = ["current", "potential", "target", "dormant", "churned"]
        lead_sources = [x.value for x in c.LeadSource]
        levels = [x.value for x in c.RelationshipLevel]
        lifecycle = {"current": "maturity", "potential": "acquisition", "target": "acquisition",
                     "dormant": "decline", "churned": "exit"}  # fmt: skip

        def rows() -> Iterator[tuple]:
            for pk in range(1, sizes.customers + 1):
                owner = self.owner[pk]
                region = self.region_of_team.get(self.team_of[owner] or 0, "")
                territory = TEAM_TERRITORIES.get(region)
                province = (
                    rng.choice(territory) if territory and rng.random() < 0.85 else rng.choice(provinces)
                )
                city = rng.choice(cities_by_province[province])
                status = rng.choices(statuses, weights=[45, 15, 15, 15, 10])[0]
                grade = rng.choices(["A", "B", "C", ""], weights=[15, 35, 40, 10])[0]
                if rng.random() < 0.2:
                    kind, industry = "individual", "零售"
                    name, surname = self.person(rng.random() < 0.5)
                    short_name = f"{surname}记{rng.choice(w.SHOP_KINDS)}"
                    shop_key = search_key(surname, "记", short_name[len(surname) + 1 :])
                    key, code, employees = f"{search_key(name)} {shop_key}", "", rng.randint(1, 12)
                else:
                    kind = "company"
                    self.is_company[pk] = 1
                    industry = rng.choices(industries, weights=industry_weights)[0]
                    brand = rng.choice(w.BRANDS)
                    business = rng.choice(w.INDUSTRY_WORDS[industry].businesses)
                    legal = rng.choice(w.LEGAL_FORMS)
                    name = f"{city.name}{brand}{business}{legal}"
                    parts: tuple[str, ...] = (city.name, brand, business, legal)
                    if name in used:
                        name = f"{brand}{business}({city.name}{pk % 97}){legal}"
                        parts = (brand, business, f"({city.name}{pk % 97})", legal)
                    used.add(name)
                    short_name = brand + business[:2]
                    key = f"{search_key(*parts)} {search_key(brand, business[:2])}"
                    first17 = f"91{city.division}{pk % 90 + 10:02d}{pk:09d}"
                    code = first17 + credit_code_check_character(first17)
                    employees = rng.randint(10, 5000)
                days_ago = {"current": rng.randint(1, 90), "dormant": rng.randint(180, 360),
                            "churned": rng.randint(400, 700)}.get(status, rng.randint(1, 60))  # fmt: skip
                self.last_contact[pk] = days_ago
                last = self.now - days_ago * 86400 - rng.randint(0, 36000)
                created = self.now - rng.randint(days_ago, HISTORY_DAYS + 365) * 86400
                scores = [max(1, min(5, round(rng.gauss({"A": 4.3, "B": 3.2}.get(grade, 2.0), 0.7))))
                          for _ in range(5)]  # fmt: skip
                yield (
                    pk, kind, name, short_name, code, industry, employees,
                    rng.choice(["lt10m", "10m-100m", "100m-1b", "gt1b"]), province, city.name,
                    rng.choice(city.districts), f"{rng.choice(('建设路', '人民路', '科技路'))}{pk % 997}号",
                    rng.choice(lead_sources), owner, grade, *scores, status, lifecycle[status],
                    rng.choice(levels), c.PROVINCE_REGION.get(province, ""),
                    writer.moment(last), writer.moment(created), writer.moment(last), owner, owner, key,
                )  # fmt: skip

        self._timed("customers", Customer, columns, rows())
        tags = [Tag.objects.get_or_create(name=name)[0].pk for name in w.TAGS]
        TagLink = Customer.tags.through
        self._timed(
            "customer tags", TagLink, ("customer_id", "tag_id"),
            ((pk, tag) for pk in range(1, sizes.customers + 1)
             for tag in rng.sample(tags, k=rng.choice([0, 1, 1, 2, 3]))),
        )  # fmt: skip
        Collaboration = Customer.collaborators.through
        self._timed(
            "collaborators", Collaboration, ("customer_id", "user_id"),
            ((pk, rng.choice(self.reps).pk) for pk in range(1, sizes.customers + 1) if rng.random() < 0.05),
        )  # fmt: skip

    # --- departments, contacts, counterparts -------------------------------------------------------

    def contacts(self) -> None:
        sizes, rng = self.sizes, self.rng
        companies = sum(self.is_company)
        individuals = sizes.customers - companies
        self.contact_count = self._contact_counts(sizes.contacts - individuals)
        self.first_contact = array("l", [0] * (sizes.customers + 1))
        department_ids = array("l", [0] * (sizes.customers + 1))  # first department id per company
        department_rows: list[tuple] = []
        next_department = 1
        for pk in range(1, sizes.customers + 1):
            if self.is_company[pk]:
                department_ids[pk] = next_department
                owner = self.owner[pk]
                for name in ("总经办", "采购部", "信息中心"):
                    department_rows.append((next_department, pk, name, owner, owner))
                    next_department += 1
        self._timed("departments", Department, ("id", "customer_id", "name", "created_by_id", "updated_by_id"),
                    department_rows)  # fmt: skip
        del department_rows
        positions = [*w.EXECUTIVES, *w.STAFF[:-1]]
        columns = (
            "id", "customer_id", "name", "title", "mobile", "decision_role", "decision_weight", "concerns",
            "reports_to_id", "department_id", "birthday_calendar", "birthday_month", "birthday_day", "gender",
            "relationship_status", "search_pinyin", "created_at", "updated_at", "created_by_id", "updated_by_id",
        )  # fmt: skip
        relationship = [r.value for r in c.RelationshipStatus]
        writer = self.writer

        def rows() -> Iterator[tuple]:
            pk = 0
            for customer in range(1, sizes.customers + 1):
                count = self.contact_count[customer]
                self.first_contact[customer] = pk + 1
                owner = self.owner[customer]
                stamp = writer.moment(self.now - rng.randint(30, HISTORY_DAYS) * 86400)
                for index in range(count):
                    pk += 1
                    male = rng.random() < 0.6
                    name, _ = self.person(male)
                    if index == 0:
                        position = rng.choice(w.BOSSES) if self.is_company[customer] else None
                    else:
                        position = rng.choice(positions)
                    title = position.title if position else "店主"
                    department = None
                    if self.is_company[customer]:
                        department = department_ids[customer] + (0 if index == 0 else 1 + index % 2)
                    month = rng.randint(1, 12) if rng.random() < 0.5 else None
                    yield (
                        pk, customer, name, title,
                        MOBILE_PREFIXES[pk % len(MOBILE_PREFIXES)] + f"{(pk * 7919 + 12345) % 10**8:08d}",
                        position.decision_role if position else "decision_maker",
                        rng.choice(position.weights) if position else 5, position.concerns if position else "",
                        None if index == 0 else pk - index, department,
                        "lunar" if rng.random() < 0.2 else "solar", month, rng.randint(1, 28) if month else None,
                        "male" if male else "female", rng.choice(relationship), search_key(name),
                        stamp, stamp, owner, owner,
                    )  # fmt: skip

        self._timed("contacts", Contact, columns, rows())
        self._timed(
            "counterparts", Counterpart, ("contact_id", "user_id", "closeness"),
            ((contact, self.owner[customer], "familiar") for customer in range(1, sizes.customers + 1)
             for contact in range(self.first_contact[customer],
                                  self.first_contact[customer] + self.contact_count[customer])),
        )  # fmt: skip

    def _contact_counts(self, for_companies: int) -> array:
        """How many contacts each customer has: one per individual, the rest spread over the companies."""
        rng, sizes = self.rng, self.sizes
        companies = [pk for pk in range(1, sizes.customers + 1) if self.is_company[pk]]
        counts = array("l", [0 if self.is_company[pk] else 1 for pk in range(sizes.customers + 1)])
        counts[0] = 0
        for pk in companies:
            counts[pk] = 1  # the boss
        for _ in range(max(0, for_companies - len(companies))):
            counts[rng.choice(companies)] += 1
        return counts

    def parts(self) -> None:
        sizes, rng = self.sizes, self.rng
        stamp = self.writer.moment(self.now - 90 * 86400)
        companies = [pk for pk in range(1, sizes.customers + 1) if self.is_company[pk]]
        self._timed(
            "needs", Need, ("customer_id", "description", "kind", "priority", "status", "created_by_id",
                            "created_at", "updated_at"),
            ((pk, *need, "open", self.owner[pk], stamp, stamp) for pk in companies if rng.random() < 0.4
             for need in rng.sample(w.NEEDS, k=rng.choice([1, 2]))),
        )  # fmt: skip
        self._timed(
            "competitors", CompetitorPresence, ("customer_id", "competitor", "products", "our_strengths",
                                                "our_weaknesses", "created_by_id", "created_at", "updated_at"),
            ((pk, rng.choice(w.COMPETITORS), rng.choice(w.PRODUCTS), *rng.choice(w.COMPETITOR_NOTES),
              self.owner[pk], stamp, stamp) for pk in companies if rng.random() < 0.25),
        )  # fmt: skip
        categories = [r.value for r in c.RiskCategory]
        self._timed(
            "risks", Risk, ("customer_id", "category", "level", "note", "created_by_id", "created_at", "updated_at"),
            ((pk, category, rng.choice(["low", "medium", "high"]), rng.choice(w.RISK_NOTES[category]),
              self.owner[pk], stamp, stamp) for pk in companies if rng.random() < 0.4
             for category in rng.sample(categories, k=rng.choice([1, 2]))),
        )  # fmt: skip

    # --- history --------------------------------------------------------------------------------------

    def interactions(self) -> None:
        sizes, rng, writer = self.sizes, self.rng, self.writer
        scripts = [*s.ACQUIRE_SCRIPTS, *s.SERVE_SCRIPTS, *s.OCCASIONAL_SCRIPTS, *s.CARE_SCRIPTS[2:]]
        pool = []
        for index in range(2000):
            script = scripts[index % len(scripts)]
            slots = {"who": rng.choice(self.surnames) + rng.choice(("总", "经理", "主任", "工")),
                     "product": rng.choice(w.PRODUCTS), "competitor": rng.choice(w.COMPETITORS),
                     "amount": f"{rng.randint(8, 160)}万元", "n": rng.randint(3, 8), "festival": "中秋节",
                     "customer": ""}  # fmt: skip
            pool.append((script.channel, script.direction, script.topic.format(**slots),
                         script.content.format(**slots), script.stance, script.feedback.format(**slots),
                         script.agreements.format(**slots), script.is_non_sales))  # fmt: skip
        weights = [0.0] * (sizes.customers + 1)
        for pk in range(1, sizes.customers + 1):
            weights[pk] = rng.expovariate(1.0) * (0.3 if self.last_contact[pk] > 300 else 1.0)
        scale = sizes.interactions / sum(weights)
        counts = array("l", (int(x * scale) for x in weights))
        short = sizes.interactions - sum(counts)
        for pk in rng.sample(range(1, sizes.customers + 1), k=short):
            counts[pk] += 1
        del weights
        columns = (
            "id", "customer_id", "channel", "direction", "topic", "content", "stance", "feedback", "agreements",
            "is_non_sales", "occurred_at", "created_at", "updated_at", "created_by_id", "updated_by_id",
        )  # fmt: skip

        def rows() -> Iterator[tuple]:
            pk = 0
            for customer in range(1, sizes.customers + 1):
                newest = self.last_contact[customer] or 1
                owner = self.owner[customer]
                for index in range(counts[customer]):
                    pk += 1
                    days = newest if index == 0 else rng.uniform(newest, HISTORY_DAYS)
                    moment = writer.moment(self.now - days * 86400 - rng.randint(0, 28800))
                    yield (
                        pk,
                        customer,
                        *pool[rng.randrange(len(pool))],
                        moment,
                        moment,
                        moment,
                        owner,
                        owner,
                    )

        self._timed("interactions", Interaction, columns, rows())
        ContactLink = Interaction.contacts.through
        Participation = Interaction.participants.through

        def per_interaction() -> Iterator[tuple[int, int]]:
            pk = 0
            for customer in range(1, sizes.customers + 1):
                for _ in range(counts[customer]):
                    pk += 1
                    yield pk, customer

        self._timed(
            "interaction contacts", ContactLink, ("interaction_id", "contact_id"),
            ((pk, self.first_contact[customer] + rng.randrange(self.contact_count[customer]))
             for pk, customer in per_interaction() if self.contact_count[customer]),
        )  # fmt: skip
        self._timed(
            "interaction participants", Participation, ("interaction_id", "user_id"),
            ((pk, self.owner[customer]) for pk, customer in per_interaction()),
        )  # fmt: skip
        self.interaction_counts = counts

    def tasks(self) -> None:
        """One task per few interactions: done when old, open (overdue, today, later) when recent."""
        sizes, rng, writer = self.sizes, self.rng, self.writer
        every = max(1, round(1 / sizes.tasks_per_interaction)) if sizes.tasks_per_interaction else 0
        columns = (
            "title", "due_on", "owner_id", "customer_id", "contact_id", "interaction_id", "kind", "status",
            "result", "created_at", "updated_at", "created_by_id", "updated_by_id",
        )  # fmt: skip

        def rows() -> Iterator[tuple]:
            if not every:
                return
            pk = 0
            for customer in range(1, sizes.customers + 1):
                owner = self.owner[customer]
                for index in range(self.interaction_counts[customer]):
                    pk += 1
                    if pk % every:
                        continue
                    recent = index == 0 and self.last_contact[customer] < 30
                    due = self.today + datetime.timedelta(
                        days=rng.randint(-10, 20) if recent else -rng.randint(30, HISTORY_DAYS)
                    )
                    kind, title = rng.choice(s.OPEN_TASKS)
                    stamp = writer.moment(self.now - 86400 * max(1, (self.today - due).days + 3))
                    yield (
                        title.format(customer="客户", who="对方", festival="中秋节"), writer.day(due), owner,
                        customer, self.first_contact[customer] or None, pk, kind,
                        "open" if recent else "done", "" if recent else rng.choice(s.DONE_RESULTS),
                        stamp, stamp, owner, owner,
                    )  # fmt: skip

        self._timed("tasks", Task, columns, rows())

    # --- running ----------------------------------------------------------------------------------------

    def _timed(self, label: str, model: type[models.Model], columns: Sequence[str], rows: Iterable) -> None:
        started = time.perf_counter()
        count = self.writer.insert(model, columns, rows)
        seconds = time.perf_counter() - started
        self.timings[label] = round(seconds, 2)
        self.log(f"    {label:<26}{count:>10,} rows {seconds:7.1f} s")

    def build(self) -> Population:
        started = time.perf_counter()
        population = self.organisation()
        self.customers()
        self.contacts()
        self.parts()
        self.interactions()
        self.tasks()
        self.writer.finish([
            Customer, Contact, Department, Counterpart, Need, CompetitorPresence, Risk, Interaction, Task,
            Customer.tags.through, Customer.collaborators.through, Interaction.contacts.through,
            Interaction.participants.through,
        ])  # fmt: skip
        self.timings["total"] = round(time.perf_counter() - started, 1)
        return population

    def describe(self) -> dict[str, Any]:
        return {"sizes": asdict(self.sizes), "generation_seconds": self.timings}
