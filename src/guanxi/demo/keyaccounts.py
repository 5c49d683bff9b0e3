"""Demo key-account work: account plans in every state (one approved and adjusted since), intel reports
including a major one, and the referrals behind the customers whose lead source is a referral."""

from __future__ import annotations

import datetime
import random
from typing import Any

from guanxi.customers.models import Contact, Customer
from guanxi.keyaccounts.models import AccountPlan, Referral
from guanxi.keyaccounts.services import (
    account_plan_approve,
    account_plan_create,
    account_plan_submit,
    account_plan_update,
    intel_report_create,
)
from guanxi.people.models import User

from .organisation import Organisation

PLAN_TEXT = {
    "summary": "把{name}做成本区域的标杆客户：扩大采购份额，进入其新基地项目。",
    "customer_situation": "客户去年营收稳定增长，正推进数字化改造；采购由运营副总牵头，技术部有否决权。",
    "goals": "全年合同额 {amount} 万元；新增 2 个业务部门使用；满意度不低于 4.5 分。",
    "our_position": "合作三年，目前是第二供应商；与技术部关系好，与采购部仍需加强。",
    "competition": "主要竞争对手价格低约 10%，但实施周期长、服务响应慢；我们以交付速度和本地服务应对。",
    "strategy": "高层互访 + 技术交流会；以试点项目切入新基地，用案例说服采购部。",
    "resources": "售前工程师 2 人月；总监参加一次高层会谈；试点项目预算 5 万元。",
}
SWOT = {
    "strengths": ["交付速度快", "本地服务团队"],
    "weaknesses": ["价格偏高", "采购部关系薄弱"],
    "opportunities": ["新基地建设", "集团推进国产化"],
    "threats": ["竞品低价进入", "预算可能缩减"],
}
ACTIONS = (("安排高层互访", 30), ("举办技术交流会", 60), ("提交新基地试点方案", 90), ("季度业务回顾", 120))
INTEL = (
    ("采购负责人调整", "新任采购总监来自竞争对手的老客户，倾向于集中采购。", 3, "important"),
    ("年度预算提前下达", "据财务部联系人透露，明年信息化预算比今年增加约两成。", 4, "normal"),
    ("招标评分标准变更", "内部支持者告知：下月招标技术分权重提高到 60%，并要求本地服务网点。", 4, "major"),
    ("客户发布年报", "年报显示主营业务增长 15%，计划在华南新建生产基地。", 1, "normal"),
    ("行业分析报告", "第三方报告称本行业未来两年数字化投入年均增长 18%。", 2, "normal"),
)
MARKET_INTEL = (
    ("制造业数字化", "主要竞争对手本季度在华东降价 10% 抢占份额。", 3, "important"),
    ("新能源汽车", "多家主机厂开始要求供应商接入协同平台。", 2, "normal"),
)


class KeyAccountsBuilder:
    def __init__(self, *, rng: random.Random, org: Organisation, now: datetime.datetime):
        self.rng = rng
        self.org = org
        self.today = now.date()

    def build(self) -> None:
        key_customers = list(
            Customer.objects.filter(grade="A", owner__isnull=False, owner__is_active=True)
            .select_related("owner")
            .order_by("pk")[:6]
        )
        self.plans(key_customers)
        self.intel(key_customers)
        self.referrals()

    def _plan(self, customer: Customer, year: int) -> AccountPlan:
        owner = _owner(customer)
        data: dict[str, Any] = {
            name: text.format(
                name=customer.short_name or customer.name, amount=self.rng.choice((300, 500, 800))
            )
            for name, text in PLAN_TEXT.items()
        }
        data["swot"] = SWOT
        data["actions"] = [
            {
                "what": what,
                "owner": owner,
                "due_on": datetime.date(year, 1, 1) + datetime.timedelta(days=days),
                "status": "done" if year < self.today.year else "open",
            }
            for what, days in ACTIONS
        ]
        return account_plan_create(actor=_owner(customer), customer=customer, year=year, data=data)

    def plans(self, customers: list[Customer]) -> None:
        year = self.today.year
        director = self.org.director
        for index, customer in enumerate(customers[:5]):
            plan = self._plan(customer, year)
            if index == 0:
                continue  # a draft
            plan = account_plan_submit(actor=_owner(customer), plan=plan)
            if index == 1:
                continue  # waiting for the director
            plan = account_plan_approve(actor=director, plan=plan)
            if index == 2:
                # adjusted by the director after approval: a second approved version to compare
                account_plan_update(
                    actor=director,
                    plan=plan,
                    data={
                        "goals": plan.goals + "另：上半年完成新基地试点签约。",
                        "swot": {**SWOT, "threats": [*SWOT["threats"], "客户高层变动"]},
                    },
                    expected_version=plan.version,
                )
        if customers:
            last = customers[0]
            previous = self._plan(last, year - 1)
            previous = account_plan_submit(actor=_owner(last), plan=previous)
            account_plan_approve(actor=director, plan=previous)

    def intel(self, customers: list[Customer]) -> None:
        for index, (title, content, level, importance) in enumerate(INTEL):
            if not customers:
                break
            customer = customers[index % len(customers)]
            intel_report_create(
                actor=_owner(customer),
                data={
                    "customer": customer,
                    "title": title,
                    "content": content,
                    "source_level": level,
                    "importance": importance,
                    "reported_on": self.today - datetime.timedelta(days=3 + 9 * index),
                },
            )
        for index, (market, content, level, importance) in enumerate(MARKET_INTEL):
            reporter = self.org.reps[index % len(self.org.reps)] if self.org.reps else self.org.director
            intel_report_create(
                actor=reporter,
                data={
                    "market": market,
                    "title": content[:20],
                    "content": content,
                    "source_level": level,
                    "importance": importance,
                    "reported_on": self.today - datetime.timedelta(days=5 + 11 * index),
                },
            )

    def referrals(self) -> None:
        """One referral per customer the archive says was referred (its ``referred by``)."""
        referred = list(
            Customer.objects.filter(referred_by__isnull=False).values_list(
                "pk", "referred_by_id", "created_at"
            )
        )
        contacts: dict[int, int] = {}
        for contact_pk, customer_pk in (
            Contact.objects.filter(customer_id__in={r for _, r, _ in referred})
            .order_by("customer_id", "-decision_weight", "pk")
            .values_list("pk", "customer_id")
        ):
            contacts.setdefault(customer_pk, contact_pk)
        Referral.objects.bulk_create(
            [
                Referral(
                    referrer_id=referrer,
                    referrer_contact_id=contacts.get(referrer) if self.rng.random() < 0.6 else None,
                    referred_id=pk,
                    referred_on=created.date(),
                    note="老客户推荐",
                    created_by=self.org.director,
                    updated_by=self.org.director,
                )
                for pk, referrer, created in referred
                if pk != referrer
            ]
        )


def _owner(customer: Customer) -> User:
    owner = customer.owner
    if owner is None:  # the builder only picks owned customers
        raise ValueError(customer.pk)
    return owner
