"""Mass-assignment protection (SECURITY API-03): only declared fields are written, ownership within rights."""

import datetime
import re

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from guanxi.customers.models import Contact, Customer
from guanxi.engagement.models import Cadence, CadenceEnrollment, Event, Interaction, Invitation, Task
from guanxi.keyaccounts.models import AccountPlan, IntelReport, Referral
from guanxi.performance.models import Assignment, Attempt, Question, Quiz
from guanxi.performance.selectors import quiz_questions
from guanxi.sales.models import Contract, Opportunity, Order, Payment, PaymentPlanItem, Product
from guanxi.visits.models import VisitPlan, VisitPlanItem
from guanxi.visits.services import plan_submit

from ..factories import ContactFactory, CustomerFactory, InteractionFactory, TaskFactory
from ..keyaccounts.factories import make_intel
from ..performance.factories import starter_quiz
from ..sales.factories import ContractFactory, OpportunityFactory, OrderFactory, ProductFactory
from ..visits.factories import build_plan
from .support import API, if_match, token_client

NEVER_WRITABLE = {"id", "version", "created_at", "created_by", "created_by_id", "updated_at", "updated_by"}
NEVER_WRITABLE |= {"updated_by_id", "deleted_at", "is_deleted", "team_id", "consent_note", "search_pinyin"}
SMUGGLED = {"id": 999, "version": 7, "created_at": "2000-01-01T00:00:00Z", "deleted_at": None, "team_id": 2}


def _snapshot(org):
    """Every row the write operations could touch, as plain dicts."""
    rows = []
    for model in WRITTEN_MODELS:
        manager = getattr(model, "all_objects", model.objects)
        rows += [
            model_to_dict(obj)
            | {name: getattr(obj, name, None) for name in ("version", "updated_at", "deleted_at")}
            for obj in manager.order_by("pk")
        ]
    return rows


WRITTEN_MODELS = (
    Customer,
    Contact,
    Interaction,
    Task,
    Cadence,
    CadenceEnrollment,
    Event,
    Invitation,
    Product,
)
WRITTEN_MODELS += (Order,)
WRITTEN_MODELS += (Opportunity, Contract, PaymentPlanItem, Payment, VisitPlan, VisitPlanItem)
WRITTEN_MODELS += (Question, Quiz, Assignment, Attempt, AccountPlan, IntelReport, Referral)


@pytest.fixture
def records(org):
    starts = timezone.now() + datetime.timedelta(days=30)
    month = timezone.localdate().replace(day=1)
    plan = build_plan(org.rep_a, org.cust_a, month, days=(28,))
    later = (month + datetime.timedelta(days=70)).replace(day=1)
    submitted = plan_submit(actor=org.rep_a, plan=build_plan(org.rep_a, org.cust_a, later, days=(10,)))
    contact = ContactFactory(customer=org.cust_a)
    event = Event.objects.create(
        title="新品发布会",
        organiser=org.rep_a,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    invitation = Invitation.objects.create(
        event=event, contact=contact, customer=org.cust_a, invited_by=org.rep_a
    )
    return {
        "contact": contact,
        "interaction": InteractionFactory(customer=org.cust_a, created_by=org.rep_a),
        "task": TaskFactory(owner=org.rep_a, customer=org.cust_a),
        "cadence": Cadence.objects.first(),
        "event": event,
        "invitation": invitation,
        "guest": ContactFactory(customer=org.cust_a),
        "submitted_plan": submitted,
        "product": ProductFactory(),
        "order": OrderFactory(customer=org.cust_a),
        "opportunity": OpportunityFactory(customer=org.cust_a),
        "contract": ContractFactory(customer=org.cust_a),
        "visit_plan": plan,
        "visit_item": plan.items.get(),
        "quiz": starter_quiz(),
        "question": starter_quiz().questions.order_by("pk").first(),
        "account_plan": AccountPlan.objects.create(customer=org.cust_a, year=2026, owner=org.rep_a),
        "intel": make_intel(reporter=org.rep_a, customer=org.cust_a),
        "referred": CustomerFactory(owner=org.rep_a),
    }


def _intel(o, r) -> dict:
    return {
        "customer_id": o.cust_a.pk,
        "title": "竞品降价",
        "content": "对方下季度降价一成",
        "source_level": 2,
    }


def _cadence(o, r) -> dict:
    step = {"purpose": "awareness", "channel": "wechat", "title": "问候"}
    return {"name": "新客户三步", "steps": [step, step | {"purpose": "value", "title": "案例"}]}


def _question(o, r) -> dict:
    choices = [{"text": "每月", "is_correct": True}, {"text": "从不"}]
    return {
        "text": "多久联系一次?",
        "kind": "single",
        "topic": "cadence",
        "explanation": "看等级",
        "choices": choices,
    }


def _attempt(o, r) -> dict:
    answers = [{"question_id": q.pk, "choice_ids": [q.choices.first().pk]} for q in quiz_questions(r["quiz"])]
    return {"quiz_id": r["quiz"].pk, "answers": answers}


# (role, method, path, valid payload) for every write operation of the API that creates or changes a
# record from a body; the role is one allowed to make the change.
WRITES = [
    ("post", "/customers", lambda o, r: {"name": "新客户"}),
    ("put", "/customers/{cust_a}", lambda o, r: {"name": "新名字"}),
    ("patch", "/customers/{cust_a}", lambda o, r: {"industry": "金融"}),
    ("post", "/customers/{cust_a}/contacts", lambda o, r: {"name": "王经理"}),
    ("post", "/contacts", lambda o, r: {"customer_id": o.cust_a.pk, "name": "王经理"}),
    ("put", "/contacts/{contact}", lambda o, r: {"name": "王经理"}),
    ("patch", "/contacts/{contact}", lambda o, r: {"title": "总经理"}),
    ("post", "/interactions", lambda o, r: {"customer_id": o.cust_a.pk, "channel": "phone", "topic": "回访"}),
    (
        "put",
        "/interactions/{interaction}",
        lambda o, r: {"occurred_at": "2024-03-05T10:00:00+08:00", "channel": "wechat", "topic": "回访"},
    ),
    ("patch", "/interactions/{interaction}", lambda o, r: {"topic": "回访"}),
    ("post", "/tasks", lambda o, r: {"title": "跟进", "due_on": "2099-01-01"}),
    ("put", "/tasks/{task}", lambda o, r: {"title": "跟进", "due_on": "2099-01-01"}),
    ("patch", "/tasks/{task}", lambda o, r: {"title": "跟进"}),
    ("post", "/tasks/{task}/complete", lambda o, r: {"result": "好"}),
    ("post", "/tasks/{task}/snooze", lambda o, r: {"until": "2099-01-01"}),
    ("post", "/events", lambda o, r: {"title": "答谢会", "starts_at": "2099-03-05T14:00:00+08:00"}),
    (
        "put",
        "/events/{event}",
        lambda o, r: {
            "title": "答谢会",
            "starts_at": "2099-03-05T14:00:00+08:00",
            "ends_at": "2099-03-05T16:00:00+08:00",
        },
    ),
    ("patch", "/events/{event}", lambda o, r: {"place": "上海"}),
    (
        "post",
        "/events/{event}/invitations",
        lambda o, r: {"contact_ids": [r["guest"].pk]},
    ),
    ("post", "/events/{event}/invitations/{invitation}/respond", lambda o, r: {"response": "accepted"}),
    (
        "post",
        "/cadence-enrollments",
        lambda o, r: {"cadence_id": r["cadence"].pk, "contact_id": r["contact"].pk, "intent": "high"},
    ),
    (
        "post",
        "/orders",
        lambda o, r: {"ordered_on": "2026-01-05", "customer_id": o.cust_a.pk, "amount": "10.00"},
    ),
    ("patch", "/orders/{order}", lambda o, r: {"external_ref": "A-1"}),
    ("post", "/opportunities", lambda o, r: {"title": "扩容", "customer_id": o.cust_a.pk}),
    ("patch", "/opportunities/{opportunity}", lambda o, r: {"next_step": "报价"}),
    ("post", "/opportunities/{opportunity}/move", lambda o, r: {"stage": "discovery"}),
    (
        "post",
        "/contracts",
        lambda o, r: {
            "number": "HT-X-1",
            "title": "年度供货",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "customer_id": o.cust_a.pk,
        },
    ),
    ("patch", "/contracts/{contract}", lambda o, r: {"title": "年度供货(改)"}),
    ("post", "/contracts/{contract}/plan-items", lambda o, r: {"due_on": "2026-06-30", "amount": "100.00"}),
    (
        "post",
        "/contracts/{contract}/payments",
        lambda o, r: {"received_on": "2026-02-01", "amount": "100.00"},
    ),
    ("post", "/visit-plans", lambda o, r: {"month": str(_next_month())}),
    (
        "post",
        "/visit-plans/{visit_plan}/items",
        lambda o, r: {
            "customer_id": o.cust_a.pk,
            "planned_date": str(r["visit_plan"].month.replace(day=27)),
            "purpose": "push_volume",
            "target_type": "existing",
            "objective": "谈订货量",
        },
    ),
    ("patch", "/visit-items/{visit_item}", lambda o, r: {"objective": "谈回款"}),
    ("post", "/training/attempts", _attempt),
    ("post", "/account-plans", lambda o, r: {"customer_id": o.cust_a.pk, "year": 2027}),
    ("put", "/account-plans/{account_plan}", lambda o, r: {"summary": "份额做大"}),
    ("patch", "/account-plans/{account_plan}", lambda o, r: {"goals": "年采购额五百万"}),
    ("post", "/intel-reports", _intel),
    ("put", "/intel-reports/{intel}", _intel),
    ("post", "/referrals", lambda o, r: {"referrer_id": o.cust_a.pk, "referred_id": r["referred"].pk}),
]

# Changes reserved to managers (or the director): the same check with an account allowed to make them.
MANAGER_WRITES = [
    ("post", "/cadences", _cadence),
    ("put", "/cadences/{cadence}", _cadence),
    ("put", "/customers/{cust_a}/contact-interval", lambda o, r: {"interval_days": 10}),
    ("post", "/visit-plans/{submitted_plan}/approve", lambda o, r: {"comment": ""}),
    ("post", "/visit-plans/{submitted_plan}/return", lambda o, r: {"comment": "请补充拜访目标"}),
    ("post", "/training/questions/{question}/active", lambda o, r: {"is_active": False}),
    ("post", "/products", lambda o, r: {"code": "JY-01", "name": "机油"}),
    ("patch", "/products/{product}", lambda o, r: {"name": "全合成机油"}),
    ("post", "/training/questions", _question),
    (
        "post",
        "/training/quizzes",
        lambda o, r: {"title": "小测", "question_ids": [r["quiz"].questions.first().pk]},
    ),
    (
        "post",
        "/training/assignments",
        lambda o, r: {"quiz_id": r["quiz"].pk, "rep_id": o.rep_a.pk, "due_on": "2099-01-01"},
    ),
]
ALL_WRITES = [("rep_a", *w) for w in WRITES] + [("mgr_1", *w) for w in MANAGER_WRITES]
WRITE_IDS = [f"{m} {p}" for _, m, p, _ in ALL_WRITES]


def _next_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _url(path: str, org, records) -> str:
    ids = {"cust_a": org.cust_a.pk, **{name: obj.pk for name, obj in records.items()}}
    return API + path.format(**ids)


def _if_match(path: str, org, records) -> dict[str, str]:
    """If-Match with the current version of the record the path addresses (1 for a fresh one)."""
    named = re.findall(r"{(\w+)}", path)
    record = {"cust_a": org.cust_a, **records}[named[0]] if named else None
    return if_match(getattr(record, "version", 1))


@pytest.mark.parametrize(("role", "method", "path", "payload"), ALL_WRITES, ids=WRITE_IDS)
def test_given_valid_payload_plus_protected_fields_when_writing_then_400_and_nothing_changed(
    org, records, role, method, path, payload
):
    client = token_client(org.user(role))
    before = _snapshot(org)
    body = payload(org, records) | SMUGGLED | {"owner_id": org.rep_c.pk}
    response = getattr(client, method)(
        _url(path, org, records), body, content_type="application/json", headers=_if_match(path, org, records)
    )
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "unknown_field"
    assert set(error["details"]) >= {"id", "version", "created_at", "deleted_at", "team_id"}
    assert _snapshot(org) == before


@pytest.mark.parametrize(("role", "method", "path", "payload"), ALL_WRITES, ids=WRITE_IDS)
def test_given_valid_payload_alone_when_writing_then_accepted(org, records, role, method, path, payload):
    # The control for the test above: the same payload without the smuggled fields goes through.
    client = token_client(org.user(role))
    response = getattr(client, method)(
        _url(path, org, records),
        payload(org, records),
        content_type="application/json",
        headers=_if_match(path, org, records),
    )
    assert response.status_code in {200, 201}, response.json()


@pytest.mark.parametrize("method", ["put", "patch"])
def test_given_rep_handing_customer_to_other_team_then_422_owner_not_allowed_and_unchanged(org, method):
    before = model_to_dict(Customer.objects.get(pk=org.cust_a.pk))
    response = getattr(token_client(org.rep_a), method)(
        f"{API}/customers/{org.cust_a.pk}",
        {"name": "华为技术有限公司", "owner_id": org.rep_c.pk},
        content_type="application/json",
        headers=if_match(1),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "owner_not_allowed"
    assert list(response.json()["details"]) == ["owner_id"]
    assert model_to_dict(Customer.objects.get(pk=org.cust_a.pk)) == before


def test_given_rep_creating_customer_for_someone_else_then_refused_and_nothing_created(org):
    before = Customer.all_objects.count()
    response = token_client(org.rep_a).post(
        f"{API}/customers", {"name": "新客户", "owner_id": org.rep_b.pk}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "owner_not_allowed"
    assert Customer.all_objects.count() == before


def test_given_unknown_owner_then_same_answer_as_a_forbidden_one(org):
    client = token_client(org.rep_a)
    forbidden = client.post(
        f"{API}/customers", {"name": "甲", "owner_id": org.rep_c.pk}, content_type="application/json"
    )
    unknown = client.post(
        f"{API}/customers", {"name": "甲", "owner_id": 987654}, content_type="application/json"
    )
    assert forbidden.json() == unknown.json()


def test_given_manager_handing_customer_within_team_then_owner_changes(org):
    response = token_client(org.mgr_1).patch(
        f"{API}/customers/{org.cust_a.pk}",
        {"owner_id": org.rep_b.pk},
        content_type="application/json",
        headers=if_match(1),
    )
    assert response.status_code == 200
    assert response.json()["owner"]["id"] == org.rep_b.pk
    assert Customer.objects.get(pk=org.cust_a.pk).owner == org.rep_b


def test_given_rep_giving_a_task_to_another_team_then_refused_and_nothing_created(org):
    before = Task.all_objects.count()
    response = token_client(org.rep_a).post(
        f"{API}/tasks",
        {"title": "x", "due_on": "2099-01-01", "owner_id": org.rep_c.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "owner_not_allowed"
    assert Task.all_objects.count() == before


def test_every_request_body_in_the_schema_forbids_extra_and_protected_fields(org):
    schema = token_client(org.director).get(f"{API}/openapi.json").json()
    components = schema["components"]["schemas"]
    bodies = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            bodies.append((f"{method.upper()} {path}", components[ref.split("/")[-1]]))
    assert len(bodies) == 58  # every write operation with a body, including POST /auth/token
    for name, body in bodies:
        assert body["additionalProperties"] is False, name
        assert NEVER_WRITABLE.isdisjoint(body["properties"]), name
