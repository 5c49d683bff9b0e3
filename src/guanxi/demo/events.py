"""Demo customer events: past ones with recorded attendance (each attending customer gets its event
interaction) and upcoming ones with invitations, some answered."""

import datetime
import random

from guanxi.customers.models import Contact
from guanxi.engagement.events import event_create, event_invite, event_record_attendance, invitation_respond
from guanxi.engagement.models import Event, EventKind, Invitation
from guanxi.governance.scope import customer_q
from guanxi.people.models import User

from .organisation import Organisation

# (title, kind, days from today, hours long, place, description)
EVENTS = (
    (
        "智能制造技术研讨会",
        EventKind.SEMINAR,
        -40,
        4,
        "上海浦东嘉里大酒店",
        "邀请重点客户技术负责人，分享三个行业落地案例。",
    ),
    (
        "春季新品发布会",
        EventKind.PRODUCT_LAUNCH,
        -21,
        3,
        "杭州国际博览中心 B 馆",
        "发布新一代产品线，现场演示与答疑。",
    ),
    ("华东区客户答谢晚宴", EventKind.CUSTOMER_DINNER, -9, 3, "南京金陵饭店", "年度答谢，总监致辞。"),
    ("工厂参观日", EventKind.FACTORY_TOUR, 12, 5, "苏州工业园区生产基地", "参观产线与质检中心，午餐后座谈。"),
    ("中秋客户联谊会", EventKind.FESTIVAL_GATHERING, 26, 3, "深圳湾万丽酒店", "赏月茶叙，赠送定制月饼礼盒。"),
    ("客户羽毛球友谊赛", EventKind.SPORTS, 40, 4, "广州天河体育中心", ""),
)
INVITEES_PER_EVENT = 8


class EventsBuilder:
    def __init__(self, *, rng: random.Random, org: Organisation, now: datetime.datetime):
        self.rng = rng
        self.org = org
        self.now = now

    def build(self) -> list[Event]:
        organisers = [*self.org.managers, *self.org.reps[:3]] or [self.org.director]
        events = []
        for index, (title, kind, days, hours, place, description) in enumerate(EVENTS):
            organiser = organisers[index % len(organisers)]
            starts = (self.now + datetime.timedelta(days=days)).replace(
                hour=6, minute=0, second=0, microsecond=0
            )  # 14:00 in Beijing
            event = event_create(
                actor=organiser,
                data={
                    "title": title,
                    "kind": kind,
                    "starts_at": starts,
                    "ends_at": starts + datetime.timedelta(hours=hours),
                    "place": place,
                    "description": description,
                },
            )
            self._invite(event, organiser, past=days < 0)
            events.append(event)
        return events

    def _contacts(self, organiser: User) -> list[Contact]:
        # Contacts of the customers the organiser can see: their own, or their team's for a manager.
        candidates = Contact.objects.filter(customer_q(organiser, via="customer"), do_not_contact=False)
        pool = list(candidates.order_by("pk").values_list("pk", flat=True)[:200])
        return list(Contact.objects.filter(pk__in=self.rng.sample(pool, min(INVITEES_PER_EVENT, len(pool)))))

    def _invite(self, event: Event, organiser: User, *, past: bool) -> None:
        contacts = self._contacts(organiser)
        if not contacts:
            return
        invitations = event_invite(actor=organiser, event=event, contact_ids=[c.pk for c in contacts])
        answered: list[Invitation] = []
        for invitation in invitations:
            roll = self.rng.random()
            if roll < 0.6:
                invitation_respond(actor=organiser, invitation=invitation, response="accepted")
                answered.append(invitation)
            elif roll < 0.8:
                invitation_respond(actor=organiser, invitation=invitation, response="declined")
        if past:
            came = [i.pk for i in answered if self.rng.random() < 0.85]
            stayed_away = [i.pk for i in answered if i.pk not in came]
            event_record_attendance(actor=organiser, event=event, attended=came, absent=stayed_away)
