"""Demo visit plans in every state: last month's closed, this month's approved and in progress (reports
on time, late and missing), next month's draft, submitted, returned with a comment and approved."""

import datetime
import random

from django.utils import timezone

from guanxi.customers.models import Contact, Customer
from guanxi.visits import services
from guanxi.visits.models import Achieved, Purpose, TargetType, VisitPlan, VisitPlanItem

from .organisation import Organisation

OBJECTIVES = {
    Purpose.MARKET_RESEARCH: "了解客户所在区域今年的采购预算和招标节奏",
    Purpose.COMPETITORS: "摸清竞品最近一次报价和服务条款",
    Purpose.STRENGTHEN_TIES: "拜访关键人，巩固合作关系，邀请参加季度交流会",
    Purpose.PUSH_VOLUME: "争取下季度订货量提高两成",
    Purpose.COLLECT_PAYMENT: "确认上月货款的付款时间，拿到书面承诺",
    Purpose.NEW_CUSTOMER: "初次见面，了解需求并约定技术交流",
    Purpose.NEW_PROJECT: "介绍新产品线，争取进入试用名单",
    Purpose.INFLUENCE: "参加客户年会，提升我方品牌认知",
}
MATERIALS = ("产品手册、报价单", "案例集、样品", "对账单、合同副本", "公司介绍、名片", "")
RESULTS = {
    Achieved.YES: ("客户确认了采购意向，约定下周发正式询价", "对方同意按计划付款，已签回执"),
    Achieved.PARTLY: ("决策人出差，只见到采购经理，初步认可方案", "客户同意试用，但预算要等下月批复"),
    Achieved.NO: ("客户临时改期，只留下资料",),
}
WHY_NOT = ("关键决策人不在，需要再约", "客户预算尚未批复", "竞品给出了更低的价格")
RETURN_COMMENTS = (
    "下旬安排过于集中，请把两次拜访挪到上旬，并写明要见的联系人",
    "收款拜访请补充具体金额和对接的财务负责人",
)
VISITS_PER_PLAN = 4


class VisitsBuilder:
    def __init__(self, *, rng: random.Random, org: Organisation, now: datetime.datetime):
        self.rng = rng
        self.org = org
        self.now = now
        self.today = timezone.localtime(now).date()

    def build(self) -> list[VisitPlan]:
        this_month = services.first_of_month(self.today)
        last_month = services.first_of_month(this_month - datetime.timedelta(days=1))
        next_month = services.next_month(this_month)
        reps = [r for r in self.org.reps if self._customers(r)]
        plans: list[VisitPlan] = []
        # Last month: closed after the reports came in.
        for rep in reps[:3]:
            plan = self._approved(rep, last_month, today=last_month)
            self._report_past(plan)
            plans.append(services.plan_close(actor=self.org.manager_of[rep.pk], plan=plan))
        # This month: approved, with the visits so far reported (some late, one not at all).
        for rep in reps[:6]:
            plan = self._approved(rep, this_month, today=this_month)
            self._report_past(plan)
            plan.refresh_from_db()
            plans.append(plan)
        # Next month: every step before approval, and one approved early.
        states = ("draft", "submitted", "returned", "approved", "resubmitted")
        for rep, state in zip(reps, states, strict=False):
            plans.append(self._next(rep, next_month, state))
        return plans

    # --- helpers -----------------------------------------------------------------------------------------

    def _customers(self, rep: object) -> list[Customer]:
        return list(Customer.objects.filter(owner=rep).order_by("pk")[:12])

    def _draft(self, rep: object, month: datetime.date, today: datetime.date) -> VisitPlan:
        plan = services.plan_create(actor=rep, month=month, today=today)  # type: ignore[arg-type]
        customers = self._customers(rep)
        last_day = services.month_end(month).day
        days = sorted(self.rng.sample(range(2, last_day), VISITS_PER_PLAN))
        for day in days:
            customer = self.rng.choice(customers)
            purpose = self.rng.choice(list(Purpose))
            contacts = list(Contact.objects.filter(customer=customer).order_by("pk")[:2])
            services.item_add(
                actor=rep,  # type: ignore[arg-type]
                plan=plan,
                customer=customer,
                contacts=contacts[: self.rng.randint(0, len(contacts))],
                data={
                    "planned_date": month.replace(day=day),
                    "purpose": purpose,
                    "target_type": TargetType.EXISTING
                    if customer.status in ("current", "dormant")
                    else self.rng.choice([TargetType.TARGET, TargetType.POTENTIAL]),
                    "objective": OBJECTIVES[purpose],
                    "materials": self.rng.choice(MATERIALS),
                    "expense_estimate": self.rng.choice([None, 80, 150, 300, 600]),
                },
            )
        return plan

    def _approved(self, rep: object, month: datetime.date, today: datetime.date) -> VisitPlan:
        manager = self.org.manager_of[rep.pk]  # type: ignore[attr-defined]
        plan = services.plan_submit(actor=rep, plan=self._draft(rep, month, today))  # type: ignore[arg-type]
        return services.plan_approve(
            actor=manager, plan=plan, comment=self.rng.choice(["", "同意，注意控制费用"])
        )

    def _report_past(self, plan: VisitPlan) -> None:
        """Report the visits already past: most within the day, some a few days late, one left missing."""
        now = self.now
        past = [
            i
            for i in VisitPlanItem.objects.filter(plan=plan)
            .select_related("plan", "customer")
            .order_by("planned_date")
            if i.planned_date < self.today
        ]
        for index, item in enumerate(past):
            if index == len(past) - 1 and len(past) > 2 and self.rng.random() < 0.6:
                continue  # never reported: flagged as late
            visited = timezone.make_aware(
                datetime.datetime.combine(
                    item.planned_date, datetime.time(self.rng.choice([9, 10, 14, 15]), 30)
                )
            )
            delay = datetime.timedelta(hours=self.rng.choice([2, 4, 6, 20, 30, 75]))
            filed = min(visited + delay, now)
            achieved = self.rng.choices(list(Achieved), weights=[5, 3, 1])[0]
            services.report_file(
                actor=plan.owner,
                item=item,
                now=filed,
                data={
                    "visited_at": visited,
                    "result": self.rng.choice(RESULTS[Achieved(achieved)]),
                    "achieved": achieved,
                    "why_not": self.rng.choice(WHY_NOT) if achieved != Achieved.YES else "",
                    "next_steps": self.rng.choice(["两周内再次电话跟进", "安排技术交流", ""]),
                },
            )

    def _next(self, rep: object, month: datetime.date, state: str) -> VisitPlan:
        manager = self.org.manager_of[rep.pk]  # type: ignore[attr-defined]
        plan = self._draft(rep, month, self.today)
        if state == "draft":
            return plan
        plan = services.plan_submit(actor=rep, plan=plan)  # type: ignore[arg-type]
        if state == "submitted":
            return plan
        if state == "approved":
            return services.plan_approve(actor=manager, plan=plan)
        plan = services.plan_return(actor=manager, plan=plan, comment=self.rng.choice(RETURN_COMMENTS))
        if state == "returned":
            return plan
        return services.plan_submit(actor=rep, plan=plan)  # type: ignore[arg-type]
