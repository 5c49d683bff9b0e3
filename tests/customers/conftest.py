"""A customer with a realistic buying centre, for the relationship map and the dossier.

cust_a (rep_a's): 王建国 the general manager decides; 陈静 (purchasing) and 刘洋 (IT) report to him;
赵磊, 孙丽 and 林峰 report to 陈静; 冯涛 (finance) is outside any reporting line. rep_a is close to
王建国, mgr_1 familiar with him; rep_a familiar with 陈静; rep_b knows 赵磊.
"""

from dataclasses import dataclass

import pytest

from guanxi.customers.models import Contact, Counterpart, Department

from ..factories import ContactFactory


@dataclass
class KeyPeople:
    wang: Contact
    chen: Contact
    liu: Contact
    zhao: Contact
    sun: Contact
    lin: Contact
    feng: Contact

    @property
    def all(self) -> list[Contact]:
        return [self.wang, self.chen, self.liu, self.zhao, self.sun, self.lin, self.feng]


@pytest.fixture
def key_people(org) -> KeyPeople:
    customer = org.cust_a
    office, purchasing, it, finance = (
        Department.objects.create(customer=customer, name=name)
        for name in ("总经办", "采购部", "信息中心", "财务部")
    )

    def person(name, title, department, role, weight, status, boss=None, **extra):
        return ContactFactory(
            customer=customer,
            name=name,
            title=title,
            department=department,
            decision_role=role,
            decision_weight=weight,
            relationship_status=status,
            reports_to=boss,
            **extra,
        )

    wang = person(
        "王建国",
        "总经理",
        office,
        "decision_maker",
        5,
        "positive",
        concerns="投资回报和交付风险",
        hobbies="围棋",
        birthday_calendar="lunar",
        birthday_month=8,
        birthday_day=15,
        office_phone="02155550101",
    )
    chen = person("陈静", "采购总监", purchasing, "influencer", 4, "neutral", wang, concerns="价格与付款条件")
    liu = person("刘洋", "技术总监", it, "influencer", 4, "negative", wang, concerns="与现有系统的集成")
    zhao = person("赵磊", "采购经理", purchasing, "gatekeeper", 2, "positive", chen)
    sun = person("孙丽", "采购专员", purchasing, "user", 1, "not_established", chen)
    lin = person("林峰", "仓储主管", purchasing, "user", 2, "neutral", chen)
    feng = person("冯涛", "财务总监", finance, "gatekeeper", 3, "neutral")
    Counterpart.objects.create(contact=wang, user=org.mgr_1, closeness="familiar")
    Counterpart.objects.create(contact=wang, user=org.rep_a, closeness="close")
    Counterpart.objects.create(contact=chen, user=org.rep_a, closeness="familiar")
    Counterpart.objects.create(contact=zhao, user=org.rep_b, closeness="acquainted")
    return KeyPeople(wang, chen, liu, zhao, sun, lin, feng)
