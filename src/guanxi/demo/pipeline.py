"""Demo pipeline and contracts: for every rep, opportunities across the stages (with their history, some
won, some lost with a reason) and contracts with payment plans — instalments paid, overdue, and contracts
ending within the renewal lead time, for which the renewal job then opens renewals."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from guanxi.customers.models import Customer
from guanxi.people.models import User
from guanxi.sales import stages
from guanxi.sales.contracts import contract_renewals_generate
from guanxi.sales.models import (
    Contract,
    ContractStatus,
    Opportunity,
    Payment,
    PaymentMethod,
    PaymentPlanItem,
    StageChange,
)

from .organisation import Organisation

PROJECTS = (
    "年度润滑油框架采购",
    "车队保养服务外包",
    "新厂区设备用油",
    "加油站便利店合作",
    "工业齿轮油替换",
    "液压油年度集采",
    "物流车队燃油卡",
    "冷却液试用转正式",
)
COMPETITORS = ("壳牌", "美孚", "嘉实多", "长城润滑油", "昆仑润滑", "")
NEXT_STEPS = ("约技术交流会", "提交正式报价", "安排样品试用", "拜访采购总监", "确认合同条款", "")
LOST_REASONS = ("价格高于竞品约 8%，客户选择了低价方案", "客户预算被砍，项目延期到明年", "竞品提供了免费设备")
# The current stage of each of a rep's opportunities; the path to it is walked in the history.
PATH = [stages.LEAD, stages.DISCOVERY, stages.PROPOSAL, stages.NEGOTIATION]
PLAN_CURRENT = [stages.LEAD, stages.DISCOVERY, stages.PROPOSAL, stages.NEGOTIATION, stages.WON, stages.LOST]


class PipelineBuilder:
    def __init__(self, *, rng: random.Random, org: Organisation, now: datetime.datetime):
        self.rng = rng
        self.org = org
        self.now = now
        self.today = timezone.localtime(now).date()
        self.contract_number = 0

    def build(self) -> dict[str, int]:
        opportunities: list[Opportunity] = []
        histories: list[list[tuple[str, str, datetime.datetime, Decimal]]] = []
        contracts: list[Contract] = []
        for rep in self.org.reps:
            customers = list(Customer.objects.filter(owner=rep).order_by("pk")[:10])
            if not customers:
                continue
            for index, current in enumerate([*PLAN_CURRENT, self.rng.choice(PLAN_CURRENT[:4])]):
                opportunity, history = self._opportunity(rep, customers[index % len(customers)], current)
                opportunities.append(opportunity)
                histories.append(history)
            contracts.extend(self._contracts(rep, customers))
        Opportunity.objects.bulk_create(opportunities)
        changes = [
            StageChange(opportunity=o, from_stage=f, to_stage=t, at=at, probability=p, by=o.owner)
            for o, history in zip(opportunities, histories, strict=True)
            for f, t, at, p in history
        ]
        StageChange.objects.bulk_create(changes)
        Contract.objects.bulk_create(contracts)
        items, payments = self._money(contracts)
        PaymentPlanItem.objects.bulk_create(items)
        Payment.objects.bulk_create(payments)
        renewals = contract_renewals_generate(day=self.today)
        return {"opportunities": len(opportunities), "contracts": len(contracts), **renewals}

    def _opportunity(
        self, rep: User, customer: Customer, current: str
    ) -> tuple[Opportunity, list[tuple[str, str, datetime.datetime, Decimal]]]:
        rng = self.rng
        amount = Decimal(rng.randrange(20, 600) * 1000)
        opened = self.now - datetime.timedelta(days=rng.randint(40, 150))
        # Walk from lead to the current stage (won and lost leave from negotiation or proposal).
        if current in (stages.WON, stages.LOST):
            last_open = (
                stages.NEGOTIATION
                if current == stages.WON
                else rng.choice([stages.PROPOSAL, stages.NEGOTIATION])
            )
            path = [*PATH[: PATH.index(last_open) + 1], current]
        else:
            path = PATH[: PATH.index(current) + 1]
        history = []
        at = opened
        previous = ""
        for code in path:
            history.append((previous, code, at, stages.default_probability(code)))
            previous = code
            at = at + datetime.timedelta(days=rng.randint(5, 20), hours=rng.randint(0, 8))
        entered = history[-1][2]
        closed = timezone.localtime(entered).date() if current in (stages.WON, stages.LOST) else None
        expected = closed or self.today + datetime.timedelta(days=rng.randint(5, 150))
        opportunity = Opportunity(
            customer=customer,
            title=f"{customer.short_name or customer.name[:6]} · {rng.choice(PROJECTS)}",
            background="客户希望统一供应商、降低年度采购成本，同时要求 48 小时内上门服务。",
            owner=rep,
            amount=amount,
            stage=current,
            probability=stages.default_probability(current),
            expected_close_on=expected,
            closed_on=closed,
            lost_reason=rng.choice(LOST_REASONS) if current == stages.LOST else "",
            competitors=rng.choice(COMPETITORS),
            next_step="" if closed else rng.choice(NEXT_STEPS),
            stage_entered_at=entered,
            created_at=opened,
            updated_at=entered,
            created_by=rep,
            updated_by=rep,
            version=len(path),
        )
        return opportunity, history

    def _number(self) -> str:
        self.contract_number += 1
        return f"HT-{self.today.year}-{self.contract_number:04d}"

    def _contracts(self, rep: User, customers: list[Customer]) -> list[Contract]:
        rng = self.rng
        result = []
        # One running for a year with instalments (some overdue), one ending within the renewal lead time.
        starts = self.today - datetime.timedelta(days=rng.randint(150, 250))
        result.append(self._contract(rep, customers[0], starts, starts + datetime.timedelta(days=364)))
        ends = self.today + datetime.timedelta(days=rng.randint(10, 55))
        result.append(
            self._contract(rep, customers[1 % len(customers)], ends - datetime.timedelta(days=364), ends)
        )
        if len(customers) > 2:
            ended = self.today - datetime.timedelta(days=rng.randint(20, 90))
            old = self._contract(rep, customers[2], ended - datetime.timedelta(days=364), ended)
            old.status = ContractStatus.EXPIRED
            result.append(old)
        return result

    def _contract(
        self, rep: User, customer: Customer, starts: datetime.date, ends: datetime.date
    ) -> Contract:
        amount = Decimal(self.rng.randrange(12, 120) * 10000)
        return Contract(
            number=self._number(),
            customer=customer,
            owner=rep,
            title=f"{customer.short_name or customer.name[:6]}年度供货合同",
            signed_on=starts - datetime.timedelta(days=7),
            starts_on=starts,
            ends_on=ends,
            amount=amount,
            status=ContractStatus.ACTIVE,
            created_by=rep,
            updated_by=rep,
            created_at=self.now,
            updated_at=self.now,
        )

    def _money(self, contracts: list[Contract]) -> tuple[list[PaymentPlanItem], list[Payment]]:
        """Four quarterly instalments per contract; the customer pays the ones due long ago, and about
        half of the contracts are behind on the latest one."""
        items, payments = [], []
        for contract in contracts:
            quarter = (contract.amount / 4).quantize(Decimal("0.01"))
            dues = [contract.starts_on + datetime.timedelta(days=30 + 91 * i) for i in range(4)]
            for number, due in enumerate(dues, 1):
                items.append(
                    PaymentPlanItem(contract=contract, due_on=due, amount=quarter, note=f"第 {number} 期")
                )
            past = [d for d in dues if d < self.today]
            behind = self.rng.random() < 0.5 and contract.status == ContractStatus.ACTIVE
            paid = past[:-1] if behind and past else past
            for due in paid:
                payments.append(
                    Payment(
                        contract=contract,
                        received_on=min(due + datetime.timedelta(days=self.rng.randint(0, 10)), self.today),
                        amount=quarter,
                        method=self.rng.choice([PaymentMethod.TRANSFER, PaymentMethod.ACCEPTANCE]),
                        reference=f"BK{self.rng.randrange(10**7, 10**8)}",
                        recorded_by=contract.owner,
                    )
                )
        return items, payments
