"""Two years of demo history: when each customer was contacted, what was said, and the tasks that followed."""

import datetime
import random
from collections.abc import Sequence

from django.utils import timezone

from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Interaction, Task, TaskKind, TaskStatus
from guanxi.people.models import User

from . import scripts as s
from . import words as w
from .base import Plan
from .organisation import Organisation

HISTORY_DAYS = 730
# How much a customer is talked to, relative to others, by status and grade.
ACTIVITY = {"dormant": 2.5, "churned": 2.0, "target": 1.8, "potential": 0.6}
CURRENT_ACTIVITY = {"A": 10.0, "B": 6.0, "C": 3.0, "": 2.0}  # current customers, by grade
# The window of a customer's history in days before today: (oldest, newest range).
WINDOWS = {
    "target": (150, (1, 20)),
    "potential": (60, (1, 30)),
    "dormant": (HISTORY_DAYS, (180, 360)),
    "churned": (HISTORY_DAYS, (400, 700)),
}
RECENCY = {"A": (1, 20), "B": (1, 40), "C": (1, 100), "": (1, 120)}


def address(contact: Contact) -> str:
    """How a rep addresses a contact: 李总, 王经理, 张主任, 小陈, 刘先生 …"""
    surname = contact.name[:2] if len(contact.name) == 4 else contact.name[:1]
    title = contact.title
    if title == "店主":
        return surname + ("先生" if contact.gender == "male" else "女士")
    for word, form in (
        ("董事长", "董"),
        ("总", "总"),
        ("院长", "院长"),
        ("主任", "主任"),
        ("经理", "经理"),
        ("管理员", "工"),
        ("店长", "店长"),
    ):
        if word in title:
            return surname + form
    return ("小" + surname) if contact.age_band == "lt30" else (surname + "老师")


def festival_near(day: datetime.date) -> str:
    """Return the festival a greeting on ``day`` would be for, or ''."""
    return {1: "元旦", 2: "春节", 6: "端午节", 9: "中秋节", 10: "国庆节"}.get(day.month, "")


class HistoryBuilder:
    def __init__(self, *, rng: random.Random, org: Organisation, now: datetime.datetime):
        self.rng = rng
        self.org = org
        self.now = now
        self.today = timezone.localdate(now)
        self.zone = timezone.get_current_timezone()

    # --- when --------------------------------------------------------------------------------------

    def plan_timelines(self, plans: list[Plan], total: int) -> None:
        """Decide when each customer was contacted: ``total`` interactions, more for better customers."""
        weights = []
        for plan in plans:
            customer = plan.customer
            weight = (
                CURRENT_ACTIVITY[customer.grade]
                if customer.status == "current"
                else ACTIVITY[customer.status]
            )
            weights.append(weight * (0.6 if plan.is_shop else 1.0) * self.rng.uniform(0.6, 1.4))
        scale = total / sum(weights)
        counts = [int(x * scale) for x in weights]
        remainders = sorted(range(len(plans)), key=lambda i: weights[i] * scale - counts[i], reverse=True)
        for i in remainders[: total - sum(counts)]:
            counts[i] += 1
        for plan, count in zip(plans, counts, strict=True):
            plan.timeline = self._timeline(plan.customer, count)

    def _timeline(self, customer: Customer, count: int) -> list[datetime.datetime]:
        if count == 0:
            return []
        rng = self.rng
        if customer.status == "current":
            oldest = HISTORY_DAYS
            if customer.cooperation_since:
                oldest = min(HISTORY_DAYS, (self.today - customer.cooperation_since).days + 90)
            low, high = RECENCY[customer.grade]
            if rng.random() < 0.15:  # some customers are overdue for a visit
                low, high = high, high * 2
        else:
            oldest, (low, high) = WINDOWS[customer.status]
        newest = rng.randint(low, high)
        oldest = max(oldest, newest + 1)
        days = sorted({newest, *(rng.randint(newest, oldest) for _ in range(count - 1))}, reverse=True)
        while len(days) < count:  # collisions: fill with other days of the window
            days = sorted({*days, rng.randint(newest, oldest + len(days))}, reverse=True)
        return [self._working_time(self.today - datetime.timedelta(days=d)) for d in days]

    def _working_time(self, day: datetime.date) -> datetime.datetime:
        if day.weekday() >= 5 and self.rng.random() < 0.85:
            day -= datetime.timedelta(days=day.weekday() - 4)
        moment = datetime.datetime.combine(
            day, datetime.time(self.rng.randint(9, 17), self.rng.randrange(60))
        )
        return moment.replace(tzinfo=self.zone)

    # --- what --------------------------------------------------------------------------------------

    def _scripts(self, plan: Plan) -> list[s.Script]:
        rng, count = self.rng, len(plan.timeline)
        acquire = s.SHOP_ACQUIRE_SCRIPTS if plan.is_shop else s.ACQUIRE_SCRIPTS
        serve = s.SHOP_SERVE_SCRIPTS if plan.is_shop else s.SERVE_SCRIPTS + s.OCCASIONAL_SCRIPTS
        if plan.customer.status in ("potential", "target"):
            opening = list(acquire[:count])
        else:
            opening = list(acquire[: max(2, min(len(acquire), round(count * 0.35)))])[:count]
        chosen = list(opening)
        while len(chosen) < count:
            chosen.append(rng.choice(s.CARE_SCRIPTS) if rng.random() < 0.18 else rng.choice(serve))
        return chosen

    def interactions(self, plans: list[Plan]) -> list[tuple[Plan, Interaction]]:
        """Write every planned interaction with its contacts, participants and the action items done since."""
        made: list[tuple[Plan, Interaction, list[Contact], list[User]]] = []
        for plan in plans:
            for moment, script in zip(plan.timeline, self._scripts(plan), strict=True):
                made.append((plan, *self._interaction(plan, moment, script)))
        Interaction.objects.bulk_create([row[1] for row in made])
        ContactLink = Interaction.contacts.through
        ContactLink.objects.bulk_create(
            [
                ContactLink(interaction_id=i.pk, contact_id=c.pk)
                for _, i, contacts, _ in made
                for c in contacts
            ]
        )
        Participation = Interaction.participants.through
        Participation.objects.bulk_create(
            [Participation(interaction_id=i.pk, user_id=u.pk) for _, i, _, users in made for u in users]
        )
        self._done_tasks(made)
        return [(plan, interaction) for plan, interaction, _, _ in made]

    def _interaction(
        self, plan: Plan, moment: datetime.datetime, script: s.Script
    ) -> tuple[Interaction, list[Contact], list[User]]:
        rng, customer = self.rng, plan.customer
        contacts = self._contacts_for(plan.contacts, script)
        owner = customer.owner
        assert owner is not None
        author = plan.collaborator if plan.collaborator and rng.random() < 0.2 else owner
        participants = [author]
        manager = self.org.manager_of.get(owner.pk)
        if manager and script.channel == "face_to_face" and customer.grade == "A" and rng.random() < 0.35:
            participants.append(manager)
        festival = festival_near(moment.date()) or "节日"
        if "{festival}" in script.topic and festival == "节日":
            script = s.CARE_SCRIPTS[-1]
        slots = {
            "who": address(contacts[0]) if contacts else "对方",
            "product": rng.choice(w.PRODUCTS),
            "competitor": rng.choice(w.COMPETITORS),
            "amount": f"{rng.randint(8, 160)}万元",
            "n": rng.randint(3, 8),
            "festival": festival,
            "customer": customer.short_name or customer.name,
        }
        interaction = Interaction(
            customer=customer,
            occurred_at=moment,
            channel=script.channel,
            direction=script.direction,
            topic=script.topic.format(**slots),
            content=script.content.format(**slots),
            stance=script.stance,
            feedback=script.feedback.format(**slots),
            agreements=script.agreements.format(**slots),
            is_non_sales=script.is_non_sales,
            created_by=author,
            updated_by=author,
            created_at=moment + datetime.timedelta(minutes=rng.randint(20, 300)),
        )
        interaction.updated_at = interaction.created_at
        if script.agreements and moment.date() < self.today - datetime.timedelta(days=1):
            interaction.next_contact_on = moment.date() + datetime.timedelta(days=rng.randint(3, 14))
            interaction.next_contact_channel = rng.choice(["phone", "wechat", "face_to_face"])
        return interaction, contacts, participants

    def _contacts_for(self, contacts: Sequence[Contact], script: s.Script) -> list[Contact]:
        if not contacts:
            return []
        senior = script.channel in ("face_to_face", "video") or script.is_non_sales
        weights = [(c.decision_weight or 1) ** (2 if senior else 0.5) for c in contacts]
        first = self.rng.choices(list(contacts), weights=weights)[0]
        others = [c for c in contacts if c.pk != first.pk]
        if others and script.channel in ("face_to_face", "video") and self.rng.random() < 0.35:
            return [first, self.rng.choice(others)]
        return [first]

    def _done_tasks(self, made: list[tuple[Plan, Interaction, list[Contact], list[User]]]) -> None:
        tasks = []
        for plan, interaction, contacts, users in made:
            if not interaction.agreements or self.rng.random() > 0.4:
                continue
            due = interaction.occurred_at.date() + datetime.timedelta(days=self.rng.randint(2, 10))
            if due >= self.today:
                continue
            done_at = datetime.datetime.combine(due, datetime.time(self.rng.randint(9, 18))).replace(
                tzinfo=self.zone
            )
            tasks.append(
                Task(
                    title=interaction.agreements[:200],
                    due_on=due,
                    owner=users[0],
                    customer=plan.customer,
                    contact=contacts[0] if contacts else None,
                    interaction=interaction,
                    kind=TaskKind.ACTION_ITEM,
                    status=TaskStatus.DONE,
                    result=self.rng.choice(s.DONE_RESULTS),
                    completed_at=done_at,
                    created_by=users[0],
                    updated_by=users[0],
                    created_at=interaction.created_at,
                    updated_at=done_at,
                )
            )
        Task.objects.bulk_create(tasks)

    # --- what is still to do -----------------------------------------------------------------------

    def open_tasks(self, plans: list[Plan], interactions: list[tuple[Plan, Interaction]]) -> None:
        """Give every rep open tasks (overdue, due today, later) and the managers their reviews."""
        rng = self.rng
        latest: dict[int, Interaction] = {}
        for plan, interaction in interactions:
            latest[plan.customer.pk] = interaction
        tasks = []
        for user in [*self.org.reps, *self.org.managers]:
            own = [
                p for p in plans if p.customer.owner_id == user.pk and p.customer.status not in ("churned",)
            ]
            if not own:
                continue
            if user.pk in self.org.manager_of:
                spans = (
                    [(-12, -1)] * rng.randint(2, 4)
                    + [(0, 0)] * rng.randint(1, 3)
                    + [(1, 30)] * rng.randint(3, 6)
                )
            else:
                spans = [(-5, -1), (0, 0), (1, 20)]
            for low, high in spans:
                plan = rng.choice(own)
                due = self.today + datetime.timedelta(days=rng.randint(low, high))
                tasks.append(self._open_task(user, plan, due, latest.get(plan.customer.pk)))
        for manager in self.org.managers:
            for rep in [r for r in self.org.reps if self.org.manager_of[r.pk].pk == manager.pk][:2]:
                tasks.append(
                    self._review(manager, f"审阅{rep.display_name}本周的客户沟通记录", TaskKind.REVIEW, 0)
                )
            tasks.append(self._review(manager, "审批下月拜访计划", TaskKind.APPROVAL, rng.randint(1, 5)))
        tasks.extend(self._birthdays(plans))
        tasks.append(self._review(self.org.director, "审阅各大区季度经营分析", TaskKind.REVIEW, 3))
        tasks.append(self._review(self.org.archivist, "季度档案检查:抽查B级客户档案", TaskKind.REVIEW, 7))
        Task.objects.bulk_create(tasks)

    def _open_task(self, user: User, plan: Plan, due: datetime.date, last: Interaction | None) -> Task:
        kind, template = self.rng.choice(s.SHOP_TASKS if plan.is_shop else s.OPEN_TASKS)
        contact = plan.contacts[0] if plan.contacts else None
        customer = plan.customer
        title = template.format(
            customer=customer.short_name or customer.name,
            festival=s.FESTIVAL_AHEAD[due.month - 1],
            who=address(contact) if contact else customer.name,
        )
        task = Task(
            title=title,
            due_on=due,
            owner=user,
            customer=customer,
            contact=contact,
            kind=kind,
            status=TaskStatus.OPEN,
            created_by=user,
            updated_by=user,
            created_at=self.now
            - datetime.timedelta(days=max(1, (self.today - due).days + self.rng.randint(1, 10))),
        )
        task.updated_at = task.created_at
        if kind == TaskKind.FOLLOW_UP and last is not None and last.occurred_at.date() < due:
            task.interaction = last
            Interaction.objects.filter(pk=last.pk).update(next_contact_on=due, next_contact_channel="phone")
        return task

    def _birthdays(self, plans: list[Plan]) -> list[Task]:
        """Remind owners of the solar birthdays of the next three weeks, three days ahead."""
        tasks = []
        for plan in plans:
            owner = plan.customer.owner
            if owner is None or plan.customer.status == "churned":
                continue
            for contact in plan.contacts:
                if (
                    contact.birthday_calendar != "solar"
                    or not contact.birthday_month
                    or not contact.birthday_day
                ):
                    continue
                try:
                    birthday = self.today.replace(month=contact.birthday_month, day=contact.birthday_day)
                except ValueError:
                    continue
                if not 0 <= (birthday - self.today).days <= 21:
                    continue
                tasks.append(
                    Task(
                        title=f"{address(contact)}{birthday.month}月{birthday.day}日生日,准备祝福",
                        owner=owner,
                        due_on=birthday - datetime.timedelta(days=3),
                        customer=plan.customer,
                        contact=contact,
                        kind=TaskKind.CARE,
                        status=TaskStatus.OPEN,
                        created_by=owner,
                        updated_by=owner,
                        created_at=self.now - datetime.timedelta(days=20),
                        updated_at=self.now - datetime.timedelta(days=20),
                    )
                )
        return tasks

    def _review(self, user: User, title: str, kind: str, in_days: int) -> Task:
        stamp = self.now - datetime.timedelta(days=2)
        return Task(
            title=title,
            due_on=self.today + datetime.timedelta(days=in_days),
            owner=user,
            kind=kind,
            status=TaskStatus.OPEN,
            created_by=user,
            updated_by=user,
            created_at=stamp,
            updated_at=stamp,
        )
