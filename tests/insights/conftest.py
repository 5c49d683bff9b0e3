"""Order histories for the insights tests, with time frozen on 2026-11-24 (the refresh looks at yesterday)."""

import datetime

import pytest
import time_machine

from ..factories import CustomerFactory
from ..sales.factories import buy

NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)
AS_OF = datetime.date(2026, 11, 23)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def history(org):
    """cust_a buys every two months this year; cust_c bought once last year; a prospect never bought."""
    days = [datetime.date(2026, m, 5) for m in (1, 3, 5, 7, 9, 11)]
    buy(org.cust_a, *days, amount="1000.00")
    buy(org.cust_c, datetime.date(2025, 6, 1), amount="500.00")
    prospect = CustomerFactory(name="潜在客户", owner=org.rep_a, grade="")
    return prospect


@pytest.fixture
def slipping(org):
    """On 2025-06-30 cust_a is the champion among five buyers; by 2026-11-23 it has not bought for 17 months
    while a customer of rep_b buys every month."""
    buy(org.cust_a, *(datetime.date(2025, m, 10) for m in range(1, 7)), amount="5000.00")
    fillers = [CustomerFactory(owner=org.rep_b) for _ in range(4)]
    for filler in fillers:
        buy(filler, datetime.date(2025, 1, 20), amount="100.00")
    regular = CustomerFactory(owner=org.rep_b)
    buy(regular, *(datetime.date(2026, m, 1) for m in range(1, 12)), amount="2000.00")
    return regular
