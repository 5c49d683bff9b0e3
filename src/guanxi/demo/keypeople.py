"""The people at demo customers: departments, key persons reporting up to a boss, our counterparts."""

import datetime

from guanxi.core.text import pinyin_key
from guanxi.customers import choices as c
from guanxi.customers.models import Contact, Counterpart, Customer, Department, ImportantDate

from . import words as w
from .base import Builder, Plan

RELATIONSHIP_ODDS: dict[str, dict[str, float]] = {
    "potential": {"not_established": 6, "neutral": 3, "positive": 1},
    "target": {"not_established": 6, "neutral": 3, "positive": 1},
    "churned": {"negative": 4, "neutral": 4, "not_established": 2},
    "dormant": {"neutral": 5, "positive": 3, "negative": 2},
}


class KeyPeopleBuilder(Builder):
    def people(self, plans: list[Plan]) -> None:
        """Create departments and contacts (a boss, people reporting up) with their counterparts."""
        staffing = [(plan, self._positions(plan)) for plan in plans]
        departments = self._departments(staffing)
        levels: list[list[tuple[Plan, Contact]]] = [[], [], []]
        for plan, positions in staffing:
            for level, position in positions:
                contact = self._contact(plan, position, level)
                contact.department = (
                    departments.get((plan.customer.pk, position.department)) if position else None
                )
                levels[level].append((plan, contact))
        for level, rows in enumerate(levels):
            for plan, contact in rows:
                if level > 0:
                    contact.reports_to = self._boss_for(plan, contact, level)
            Contact.objects.bulk_create([contact for _, contact in rows])
            for plan, contact in rows:
                plan.contacts.append(contact)
        self._counterparts(plans)
        self._important_dates(plans)

    def _positions(self, plan: Plan) -> list[tuple[int, w.Position | None]]:
        rng = self.rng
        if plan.is_shop:
            shop: list[tuple[int, w.Position | None]] = [(0, None)]  # the owner is the customer
            if rng.random() < 0.2:
                shop.append((1, w.STAFF[-1]))  # a shop manager
            return shop
        is_institution = plan.customer.credit_code[:2] in ("12", "31")
        boss = rng.choice(w.INSTITUTION_HEADS if is_institution else w.BOSSES)
        size = rng.choices([2, 3, 4, 5, 6], weights=[18, 36, 28, 12, 6])[0]
        executives = rng.sample(w.EXECUTIVES, k=min(len(w.EXECUTIVES), rng.choice([1, 1, 2])))
        staff = rng.sample(w.STAFF[:-1], k=max(0, size - 1 - len(executives)))
        positions: list[tuple[int, w.Position | None]] = [(0, boss)]
        positions += [(1, p) for p in executives][: size - 1]
        positions += [(2, p) for p in staff]
        return positions

    def _departments(self, staffing: list[tuple[Plan, list[tuple[int, w.Position | None]]]]) -> dict:
        roots, children = [], []
        for plan, positions in staffing:
            names = [p.department for _, p in positions if p is not None]
            if plan.is_shop or not names:
                continue
            actor = plan.customer.owner
            root = Department(customer=plan.customer, name=names[0], created_by=actor, updated_by=actor)
            roots.append(root)
            for name in dict.fromkeys(names[1:]):
                if name != names[0]:
                    children.append(
                        Department(
                            customer=plan.customer, name=name, parent=root, created_by=actor, updated_by=actor
                        )
                    )
        Department.objects.bulk_create(roots)
        for child in children:
            child.parent_id = child.parent.pk if child.parent else None
        Department.objects.bulk_create(children)
        return {(d.customer_id, d.name): d for d in [*roots, *children]}

    def _contact(self, plan: Plan, position: w.Position | None, level: int) -> Contact:
        rng, customer = self.rng, plan.customer
        male_share = 0.65 if level == 0 else 0.5
        gender: str = c.Gender.MALE if rng.random() < male_share else c.Gender.FEMALE
        if position is None:  # the shop owner is the customer
            name, gender = customer.name, plan.gender
        else:
            name = self.person_name(gender)[1]
        contact = Contact(
            customer=customer,
            name=name,
            created_by=customer.owner,
            updated_by=customer.owner,
            gender=gender,
            mobile=self.mobile(),
            search_pinyin=pinyin_key(name),
        )
        contact.created_at = customer.created_at + datetime.timedelta(days=rng.randint(0, 90))
        contact.updated_at = contact.created_at
        if position is None:
            contact.title = "店主"
            contact.decision_role, contact.decision_weight = c.DecisionRole.DECISION_MAKER, 5
            contact.concerns = rng.choice(w.SHOP_OWNER_CONCERNS)
        else:
            contact.title = position.title
            contact.decision_role, contact.decision_weight = (
                position.decision_role,
                rng.choice(position.weights),
            )
            contact.concerns = position.concerns
            if rng.random() < 0.5:
                contact.office_phone = self.office_phone(plan.city)
            if plan.brand:
                contact.email = (
                    f"{pinyin_key(name).split()[0]}@{pinyin_key(plan.brand).split()[0]}.example.com"
                )
        if rng.random() < 0.6:
            contact.wechat = f"{pinyin_key(name).split()[0][:12]}{rng.randint(1000, 99999)}"
        contact.age_band = rng.choice(
            ["40-49", "50-59"] if level == 0 else ["lt30", "30-39", "30-39", "40-49"]
        )
        self._personal(contact, level)
        contact.relationship_status = self._relationship(customer, level)
        contact.preferred_channels = rng.choice(w.PREFERRED_CHANNELS)
        contact.do_not_contact = rng.random() < 0.01
        contact.lawful_basis = rng.choices(
            [c.LawfulBasis.CONTRACT, c.LawfulBasis.CONSENT, c.LawfulBasis.PUBLIC], weights=[6, 3, 1]
        )[0]
        if contact.lawful_basis == c.LawfulBasis.CONSENT:
            contact.consent_note = rng.choice(w.CONSENT_NOTES)
        return contact

    def _personal(self, contact: Contact, level: int) -> None:
        rng = self.rng
        if rng.random() < 0.6:
            contact.birthday_month, contact.birthday_day = rng.randint(1, 12), rng.randint(1, 28)
            if rng.random() < 0.25:
                contact.birthday_calendar = c.CalendarKind.LUNAR
                contact.birthday_leap_month = rng.random() < 0.03
            if rng.random() < 0.5:
                base = {"lt30": 1998, "30-39": 1989, "40-49": 1979, "50-59": 1969}.get(contact.age_band, 1980)
                contact.birthday_year = base + rng.randint(-3, 4)
        if level < 2 or rng.random() < 0.4:
            contact.hobbies = "、".join(rng.sample(w.HOBBIES, k=rng.choice([1, 2])))
            contact.personality = rng.choice(w.PERSONALITIES)
            contact.communication_style = rng.choice(list(c.CommunicationStyle))
            contact.education = rng.choice(w.EDUCATIONS)
        if level == 0 and rng.random() < 0.5:
            contact.family_notes = rng.choice(w.FAMILY_NOTES)

    def _relationship(self, customer: Customer, level: int) -> str:
        """Pick how this person feels about us, given where the customer stands."""
        odds: dict[str, float] = RELATIONSHIP_ODDS.get(customer.status, {})
        if not odds:  # a current customer: the better the grade, the warmer; bosses are rarely hostile
            odds = {
                "positive": 8 if customer.grade == "A" else 5,
                "neutral": 3,
                "negative": 1 if level else 0.5,
            }
        return self.rng.choices(list(odds), weights=list(odds.values()))[0]

    def _boss_for(self, plan: Plan, contact: Contact, level: int) -> Contact:
        candidates = [x for x in plan.contacts if x.pk is not None]
        bosses = [x for x in candidates if x.reports_to_id is None] or candidates
        if level == 2:
            managers = [
                x
                for x in candidates
                if x.reports_to_id is not None and x.department_id == contact.department_id
            ]
            if managers:
                return managers[0]
        return bosses[0]

    def _counterparts(self, plans: list[Plan]) -> None:
        rows = []
        for plan in plans:
            owner = plan.customer.owner
            assert owner is not None
            for contact in plan.contacts:
                closeness = {"positive": "close", "neutral": "familiar"}.get(
                    contact.relationship_status, "acquainted"
                )
                rows.append(Counterpart(contact=contact, user=owner, closeness=closeness))
                if contact.reports_to_id is None and plan.customer.grade == "A":
                    manager = self.org.manager_of.get(owner.pk)
                    if manager is not None:
                        rows.append(Counterpart(contact=contact, user=manager, closeness="familiar"))
                    elif self.rng.random() < 0.5:
                        rows.append(
                            Counterpart(contact=contact, user=self.org.director, closeness="acquainted")
                        )
        Counterpart.objects.bulk_create(rows)

    def _important_dates(self, plans: list[Plan]) -> None:
        rows = []
        for plan in plans:
            for contact in plan.contacts:
                if contact.reports_to_id is None and self.rng.random() < 0.3:
                    label, calendar = self.rng.choice(w.IMPORTANT_DATES)
                    rows.append(
                        ImportantDate(
                            contact=contact,
                            label=label,
                            calendar=calendar,
                            month=self.rng.randint(1, 12),
                            day=self.rng.randint(1, 28),
                            created_by=contact.created_by,
                            updated_by=contact.created_by,
                        )
                    )
        ImportantDate.objects.bulk_create(rows)
