"""Demo customers: companies, public bodies and shop owners, with their needs, competitors and risks."""

import datetime
from dataclasses import dataclass

from guanxi.core.text import pinyin_key
from guanxi.customers import choices as c
from guanxi.customers.models import CompetitorPresence, Customer, Need, Risk, Tag
from guanxi.people.models import User

from . import words as w
from .base import Builder, Plan
from .places import CITIES_BY_PROVINCE, TEAM_TERRITORIES, City, credit_code, street_address


@dataclass(frozen=True)
class Showcase:
    """A customer with a fixed name, so search demos (“hw” finds 华威…) always work."""

    kind: str
    name: str
    short_name: str
    industry: str
    province: str
    owner: str
    grade: str
    status: str


SHOWCASES = (
    Showcase("company", "华威精密机械有限公司", "华威精密", "制造业", "江苏", "rep1", "A", "current"),
    Showcase("company", "百联云创信息技术有限公司", "百联云创", "信息技术", "上海", "rep2", "B", "current"),
    Showcase("company", "中恒建设集团有限公司", "中恒建设", "建筑地产", "北京", "rep9", "A", "current"),
    Showcase("individual", "张伟", "张记烘焙坊", "零售", "广东", "rep5", "B", "current"),
)


class CustomerBuilder(Builder):
    def customers(self, count: int, individuals_share: float = 0.2) -> list[Plan]:
        """Plan ``count`` customers (showcases first), spread over every rep and a few managers."""
        owners = self._owner_slots(count)
        plans = []
        for index in range(count):
            owner = owners[index]
            if index < len(SHOWCASES):
                plans.append(self._showcase(SHOWCASES[index]))
                continue
            province = self._province_for(owner)
            if self.rng.random() < individuals_share:
                plans.append(self._individual(owner, province))
            else:
                plans.append(self._company(owner, province))
        for index, plan in enumerate(plans):
            if plan.customer.lead_source == c.LeadSource.REFERRAL and index > 10:
                plan.referrer_index = self.rng.randrange(index)
        return plans

    def _owner_slots(self, count: int) -> list[User]:
        by_name = {u.username: u for u in self.org.users}
        fixed = [by_name[s.owner] for s in SHOWCASES]
        key_accounts = [m for m in self.org.managers for _ in range(4)]
        rest = count - len(fixed) - len(key_accounts)
        reps = [self.org.reps[i % len(self.org.reps)] for i in range(rest)]
        self.rng.shuffle(reps)
        mixed = key_accounts + reps
        self.rng.shuffle(mixed)
        return fixed + mixed

    def _province_for(self, owner: User) -> str:
        territory = TEAM_TERRITORIES.get(self.org.team_of[owner.pk].name, ())
        if territory and self.rng.random() < 0.85:
            return self.rng.choice(territory)
        return self.rng.choice(list(CITIES_BY_PROVINCE))

    def _base(self, owner: User, province: str, grade: str, status: str) -> tuple[Customer, City]:
        city = self.rng.choice(CITIES_BY_PROVINCE[province])
        customer = Customer(
            owner=owner,
            created_by=owner,
            updated_by=owner,
            version=1,
            grade=grade,
            status=status,
            province=province,
            city=city.name,
            district=self.rng.choice(city.districts),
            street=street_address(self.rng),
            region=c.PROVINCE_REGION.get(province, ""),
            lead_source=self.rng.choices([s.value for s in c.LeadSource], weights=[3, 3, 4, 1, 2, 2, 1])[0],
        )
        self._classify(customer)
        return customer, city

    def _classify(self, customer: Customer) -> None:
        """Give the customer value scores, a lifecycle stage and a relationship level that fit its grade."""
        rng, grade, status = self.rng, customer.grade, customer.status
        centre = {"A": 4.3, "B": 3.2, "C": 2.0, "": 2.5}[grade]

        def score(shift: float = 0) -> int:
            return max(1, min(5, round(rng.gauss(centre + shift, 0.7))))

        is_new = status in (c.CustomerStatus.POTENTIAL, c.CustomerStatus.TARGET)
        customer.score_purchasing_power = score()
        customer.score_cooperation_potential = score(0.5 if is_new else 0)
        customer.score_industry_influence = score(-0.3)
        customer.score_cooperation_history = 1 if is_new else score()
        customer.score_loyalty = 1 if status == c.CustomerStatus.CHURNED else (2 if is_new else score())
        customer.lifecycle_stage = {
            c.CustomerStatus.POTENTIAL: c.LifecycleStage.ACQUISITION,
            c.CustomerStatus.TARGET: c.LifecycleStage.ACQUISITION,
            c.CustomerStatus.CURRENT: rng.choice(
                [c.LifecycleStage.GROWTH, c.LifecycleStage.MATURITY, c.LifecycleStage.MATURITY]
            ),
            c.CustomerStatus.DORMANT: c.LifecycleStage.DECLINE,
            c.CustomerStatus.CHURNED: c.LifecycleStage.EXIT,
        }[c.CustomerStatus(status)]
        if is_new:
            customer.relationship_level = rng.choice(["", c.RelationshipLevel.TRANSACTIONAL])
        else:
            customer.relationship_level = {
                "A": rng.choice([c.RelationshipLevel.PARTNER, c.RelationshipLevel.STRATEGIC]),
                "B": rng.choice([c.RelationshipLevel.PREFERRED, c.RelationshipLevel.PARTNER]),
            }.get(grade, c.RelationshipLevel.TRANSACTIONAL)
            customer.cooperation_since = self.today - datetime.timedelta(days=rng.randint(200, 8 * 365))
        if grade and rng.random() < 0.4:
            customer.grade_reason = rng.choice(w.GRADE_REASONS[grade])

    def _grade_and_status(self) -> tuple[str, str]:
        status = self.rng.choices(
            ["current", "potential", "target", "dormant", "churned"], weights=[45, 15, 15, 15, 10]
        )[0]
        weights = {"current": [30, 45, 20, 5], "dormant": [5, 35, 50, 10], "churned": [0, 10, 60, 30]}
        grade = self.rng.choices(["A", "B", "C", ""], weights=weights.get(status, [0, 15, 60, 25]))[0]
        return grade, status

    def _company(self, owner: User, province: str, showcase: Showcase | None = None) -> Plan:
        rng = self.rng
        if showcase:
            grade, status, industry = showcase.grade, showcase.status, showcase.industry
        else:
            grade, status = self._grade_and_status()
            industries = list(w.INDUSTRY_WORDS)
            industry = rng.choices(industries, weights=[w.INDUSTRY_WORDS[i].weight for i in industries])[0]
        customer, city = self._base(owner, province, grade, status)
        words = w.INDUSTRY_WORDS[industry]
        brand = rng.choice(w.BRANDS)
        prefix = "91"
        if showcase:
            name, short_name, brand = showcase.name, showcase.short_name, showcase.short_name[:2]
        elif words.institutions and rng.random() < 0.35:
            name = rng.choice(words.institutions).format(city=city.name, brand=brand)
            short_name = f"{city.name}农商行" if "银行" in name else ""
            prefix = words.institution_prefix
        else:
            business = rng.choice(words.businesses)
            legal = rng.choice(w.LEGAL_FORMS)
            name = (
                f"{city.name}{brand}{business}{legal}"
                if rng.random() < 0.5
                else f"{brand}{business}({city.name}){legal}"
                if rng.random() < 0.2
                else f"{brand}{business}{legal}"
            )
            short_name = brand + business[:2]
        if name in self.used_names and not showcase:
            return self._company(owner, province)
        self.used_names.add(name)
        customer.kind = c.CustomerKind.COMPANY
        customer.name, customer.short_name, customer.industry = name, short_name, industry
        customer.credit_code = self._unique_code(city, prefix)
        size = {"A": (500, 20000), "B": (100, 2000), "C": (10, 300)}.get(grade, (10, 500))
        customer.employees = int(rng.triangular(size[0], size[1], size[0] * 2))
        customer.revenue_band = {
            "A": rng.choice(["100m-1b", "gt1b"]),
            "B": rng.choice(["10m-100m", "100m-1b"]),
            "C": rng.choice(["lt10m", "10m-100m"]),
        }.get(grade, "lt10m")
        customer.founded_on = datetime.date(rng.randint(1993, 2021), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.6 and short_name:
            customer.website = f"https://www.{pinyin_key(brand).split()[0]}.example.com"
        if rng.random() < 0.4 and short_name:
            customer.social_accounts = f"微信公众号:{short_name}"
        if grade in ("A", "B") and rng.random() < 0.4:
            others = [x.name for x in CITIES_BY_PROVINCE[province] if x.name != city.name] or ["周边城市"]
            customer.branches = f"在{'、'.join(others[:2])}设有分公司"
        self._purchasing(customer)
        plan = Plan(customer=customer, city=city, brand=brand)
        plan.tags = self._tags(customer, industry)
        self._maybe_collaborator(plan)
        return plan

    def _purchasing(self, customer: Customer) -> None:
        rng = self.rng
        if rng.random() < 0.7:
            customer.budget_range, customer.budget_cycle = rng.choice(w.BUDGETS)
            customer.approval_process = rng.choice(w.APPROVALS)
            customer.procurement_process = rng.choice(w.PROCUREMENTS)
            customer.purchase_cycle_days = rng.choice([90, 180, 365, 365])
        if rng.random() < 0.4:
            customer.key_milestones = rng.choice(w.MILESTONES)

    def _individual(self, owner: User, province: str, showcase: Showcase | None = None) -> Plan:
        rng = self.rng
        grade, status = (showcase.grade, showcase.status) if showcase else self._grade_and_status()
        if grade == "A":
            grade = "B"
        customer, city = self._base(owner, province, grade, status)
        gender = c.Gender.MALE if showcase else rng.choice([c.Gender.MALE, c.Gender.FEMALE])
        if showcase:
            name, short_name = showcase.name, showcase.short_name
        else:
            surname, name = self.person_name(gender)
            short_name = f"{surname}记{rng.choice(w.SHOP_KINDS)}"
        shop = short_name[2:]
        customer.kind = c.CustomerKind.INDIVIDUAL
        customer.name, customer.short_name = name, short_name
        customer.industry = {"药店": "医药健康", "汽修店": "汽车", "餐馆": "其他"}.get(shop, "零售")
        customer.employees = rng.randint(1, 12)
        customer.revenue_band = c.RevenueBand.UNDER_10M
        customer.lead_source = rng.choice(
            [c.LeadSource.REFERRAL, c.LeadSource.INBOUND_CALL, c.LeadSource.WEBSITE]
        )
        customer.needs_summary = f"经营一家{shop},想用{rng.choice(w.SHOP_PRODUCTS)}提高效率、留住回头客"
        plan = Plan(customer=customer, city=city, is_shop=True, gender=gender)
        plan.tags = ["新开门店"] if rng.random() < 0.3 else (["连锁经营"] if rng.random() < 0.1 else [])
        return plan

    def _showcase(self, showcase: Showcase) -> Plan:
        owner = next(u for u in self.org.users if u.username == showcase.owner)
        if showcase.kind == c.CustomerKind.INDIVIDUAL:
            plan = self._individual(owner, showcase.province, showcase)
        else:
            plan = self._company(owner, showcase.province, showcase)
        plan.tags = sorted({*plan.tags, "样板客户"})
        return plan

    def _unique_code(self, city: City, prefix: str) -> str:
        while True:
            code = credit_code(self.rng, city, prefix)
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def _tags(self, customer: Customer, industry: str) -> list[str]:
        rng = self.rng
        tags = set()
        if customer.grade == "A":
            tags.add("重点客户")
            if rng.random() < 0.4:
                tags.add("需高层拜访")
        if industry in ("政府及公共事业", "能源化工", "金融") and rng.random() < 0.5:
            tags.add("国企")
        if (customer.employees or 0) > 3000 and rng.random() < 0.5:
            tags.add("上市公司")
        if customer.lead_source == c.LeadSource.REFERRAL:
            tags.add("老客户转介绍")
        for tag in ("价格敏感", "决策链长", "有续费意向", "有扩容计划", "竞品在位", "回款慢", "年底预算"):
            if rng.random() < 0.08:
                tags.add(tag)
        return sorted(tags)

    def _maybe_collaborator(self, plan: Plan) -> None:
        owner = plan.customer.owner
        if owner is None or owner.pk not in self.org.manager_of or self.rng.random() > 0.12:
            return
        plan.collaborator = self.rng.choice(self.org.teammates(owner))

    def save_customers(self, plans: list[Plan]) -> None:
        """Insert the customers with their tags, collaborators and referrals."""
        for plan in plans:
            customer = plan.customer
            customer.search_pinyin = f"{pinyin_key(customer.name)} {pinyin_key(customer.short_name)}".strip()
            first = plan.timeline[0] if plan.timeline else self.now - datetime.timedelta(days=30)
            customer.created_at = first - datetime.timedelta(
                days=self.rng.randint(3, 60), hours=self.rng.randint(0, 8)
            )
            customer.updated_at = plan.timeline[-1] if plan.timeline else customer.created_at
            customer.last_contact_at = plan.timeline[-1] if plan.timeline else None
            if customer.grade and self.rng.random() < 0.3:
                customer.last_verified_at = self.now - datetime.timedelta(days=self.rng.randint(5, 200))
                customer.last_verified_by = self.org.archivist
        Customer.objects.bulk_create([p.customer for p in plans])
        referred = []
        for plan in plans:
            if plan.referrer_index is not None:
                plan.customer.referred_by = plans[plan.referrer_index].customer
                referred.append(plan.customer)
        Customer.objects.bulk_update(referred, ["referred_by"])
        Tag.objects.bulk_create([Tag(name=name) for name in w.TAGS], ignore_conflicts=True)
        tags = dict(Tag.objects.filter(name__in=w.TAGS).values_list("name", "pk"))
        TagLink = Customer.tags.through
        TagLink.objects.bulk_create(
            [TagLink(customer_id=p.customer.pk, tag_id=tags[t]) for p in plans for t in p.tags]
        )
        Collaboration = Customer.collaborators.through
        Collaboration.objects.bulk_create(
            [
                Collaboration(customer_id=p.customer.pk, user_id=p.collaborator.pk)
                for p in plans
                if p.collaborator
            ]
        )

    def parts(self, plans: list[Plan]) -> None:
        rng = self.rng
        needs, competitors, risks = [], [], []
        for plan in plans:
            customer, actor = plan.customer, plan.customer.owner
            if plan.is_shop:
                continue
            stamp = {"created_by": actor, "updated_by": actor, "customer": customer}
            if rng.random() < 0.7:
                for description, kind, priority in rng.sample(w.NEEDS, k=rng.choice([1, 2, 2, 3])):
                    needs.append(
                        Need(
                            description=description,
                            kind=kind,
                            priority=priority,
                            status=rng.choice(w.NEED_STATUSES),
                            **stamp,
                        )
                    )
                customer.needs_summary = needs[-1].description
            if rng.random() < 0.45:
                for name in rng.sample(w.COMPETITORS, k=rng.choice([1, 1, 2])):
                    strengths, weaknesses = rng.choice(w.COMPETITOR_NOTES)
                    competitors.append(
                        CompetitorPresence(
                            competitor=name,
                            products=rng.choice(w.PRODUCTS),
                            our_strengths=strengths,
                            our_weaknesses=weaknesses,
                            satisfaction=rng.choice(list(c.Level)),
                            switch_likelihood=rng.choice(list(c.Level)),
                            **stamp,
                        )
                    )
            if rng.random() < 0.6:
                for category in rng.sample(list(c.RiskCategory), k=rng.choice([1, 2, 3])):
                    note = rng.choice(w.RISK_NOTES[category.value])
                    level = (
                        "low"
                        if any(k in note for k in ("良好", "充足", "稳定", "清晰", "补贴"))
                        else (rng.choice(["medium", "high"]))
                    )
                    risks.append(Risk(category=category, level=level, note=note, **stamp))
        Need.objects.bulk_create(needs)
        CompetitorPresence.objects.bulk_create(competitors)
        Risk.objects.bulk_create(risks)
        Customer.objects.bulk_update(
            [p.customer for p in plans if p.customer.needs_summary], ["needs_summary"]
        )
