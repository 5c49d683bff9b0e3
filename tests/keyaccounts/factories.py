"""Factories of the key-account records."""

import datetime

from guanxi.keyaccounts.models import AccountPlan, IntelReport, Referral
from guanxi.keyaccounts.services import account_plan_create


def make_plan(*, actor, customer, year=2026, **sections) -> AccountPlan:
    data = {"summary": "把华东区份额做大", "goals": "年采购额 500 万", **sections}
    return account_plan_create(actor=actor, customer=customer, year=year, data=data)


def make_intel(
    *, reporter, customer=None, market="", importance="normal", level=2, title="竞品降价"
) -> IntelReport:
    return IntelReport.objects.create(
        customer=customer,
        market=market,
        title=title,
        content="据悉对方下季度调价",
        source_level=level,
        importance=importance,
        reported_by=reporter,
        reported_on=datetime.date(2026, 3, 2),
    )


def make_referral(*, referrer, referred, contact=None) -> Referral:
    return Referral.objects.create(
        referrer=referrer, referrer_contact=contact, referred=referred, referred_on=datetime.date(2026, 2, 1)
    )
