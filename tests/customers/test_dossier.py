import datetime
import io
import shutil
import subprocess
import zoneinfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from pypdf import PdfReader

from guanxi.core.errors import NotFound
from guanxi.customers.dossier import fonts
from guanxi.customers.models import CompetitorPresence, Contact, Need, Risk
from guanxi.engagement.dossier import dossier_pdf
from guanxi.governance.models import AuditEvent

from ..conftest import SEES_CUST_A
from ..factories import InteractionFactory, TaskFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)
HEADINGS_ZH = [
    "附表1 客户基本情况",
    "附表2 关键人物个人资料",
    "附表3 关键人物关系图",
    "附表4 决策角色与关注要点",
    "附表5 客户动态对我方的意义",
    "附表6 客户接触计划",
]


def pdf_text(document: bytes, page: int | None = None) -> str:
    """Extract the text as a reader's viewer would (poppler; pypdf cannot decode CID-keyed CJK fonts)."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "the dossier tests read PDFs with pdftotext: install the Debian package poppler-utils"
    pages = ["-f", str(page), "-l", str(page)] if page else []
    result = subprocess.run(
        [pdftotext, "-enc", "UTF-8", *pages, "-", "-"], input=document, capture_output=True, check=True
    )
    return result.stdout.decode()


def read(document: bytes) -> tuple[PdfReader, str]:
    return PdfReader(io.BytesIO(document)), pdf_text(document)


def flat(text: str) -> str:
    """Text without line breaks or spaces, as table cells may wrap anywhere."""
    return "".join(text.split())


@pytest.fixture
def archive(org, key_people):
    """cust_a with needs, a risk, a competitor, two interactions and tasks."""
    customer = org.cust_a
    Need.objects.create(customer=customer, description="仓储管理系统升级", priority="pain")
    Risk.objects.create(customer=customer, category="payment", level="medium", note="回款周期偏长")
    CompetitorPresence.objects.create(
        customer=customer, competitor="用友", products="U8", switch_likelihood="low"
    )
    talk = InteractionFactory(
        customer=customer,
        topic="年度框架协议",
        content="客户表示预算已批复，关注交付周期",
        feedback="担心实施团队人手不足",
        agreements="三月中旬提交方案",
        next_contact_on=datetime.date(2026, 3, 16),
        next_contact_channel="face_to_face",
        occurred_at=NOW - datetime.timedelta(days=3),
    )
    talk.contacts.set([key_people.chen])
    TaskFactory(owner=org.rep_a, customer=customer, title="提交实施方案", due_on=datetime.date(2026, 3, 16))
    TaskFactory(owner=org.rep_a, customer=customer, title="已经办完的事", status="done")
    return customer


def test_given_the_owner_when_exporting_then_a_chinese_a4_pdf_with_the_six_forms(org, archive):
    document = dossier_pdf(user=org.rep_a, customer_id=archive.pk, now=NOW)

    assert document.startswith(b"%PDF-")
    assert document.rstrip().endswith(b"%%EOF")
    reader, text = read(document)
    assert [item.title for item in reader.outline] == HEADINGS_ZH
    for heading in HEADINGS_ZH:
        assert heading in text
    assert all(
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842) for p in reader.pages
    )
    assert "客户档案" in text and "华为技术有限公司" in text
    assert "商业机密" in text


def test_given_the_export_when_reading_every_page_then_it_names_the_reader_time_and_page(org, archive):
    document = dossier_pdf(user=org.rep_a, customer_id=archive.pk, now=NOW)

    pages = len(PdfReader(io.BytesIO(document)).pages)
    assert pages >= 6
    for number in range(1, pages + 1):
        page_text = pdf_text(document, number)
        assert f"为 {org.rep_a} (rep_a) 生成于 2026-03-02 09:30" in page_text
        assert f"第 {number} 页，共 {pages} 页" in page_text


def test_given_the_archive_when_exporting_then_each_form_carries_its_data(org, archive, key_people):
    _, text = read(dossier_pdf(user=org.rep_a, customer_id=archive.pk, now=NOW))
    compact = flat(text)

    # 附表1: key people with phones
    assert "02155550101" in compact and key_people.wang.mobile in compact
    # 附表2: personal details, a lunar birthday
    assert "围棋" in compact and "农历8月15日" in compact
    # 附表3: the map's cards and the table of who holds each relationship
    assert "关系：积极" in compact and "我方尚无人维系" in compact
    assert f"{org.rep_a}（销售代表，亲密）" in compact
    # 附表4: roles, weights and concerns
    assert "投资回报和交付风险" in compact and "★★★★★5/5" in compact
    # 附表5: needs, risks, competitors and what the customer said
    for said in ("仓储管理系统升级", "回款周期偏长", "用友", "客户表示预算已批复", "担心实施团队人手不足"):
        assert said in compact
    # 附表6: the next agreed contact and open tasks only
    assert "2026-03-16面谈" in compact
    assert "提交实施方案" in compact
    assert "已经办完的事" not in compact


def test_given_the_export_then_a_cjk_font_is_embedded_as_a_subset(org, archive):
    reader, _ = read(dossier_pdf(user=org.rep_a, customer_id=archive.pk, now=NOW))

    font = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [
        f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        for f in font.values()
    ]
    assert descriptors
    assert all("/FontFile2" in d or "/FontFile3" in d for d in descriptors)
    assert all("+" in str(d["/FontName"]) for d in descriptors)  # subset tag: only used glyphs ship


def test_given_the_export_then_it_is_audited_with_the_reader(org, archive):
    dossier_pdf(user=org.mgr_1, customer_id=archive.pk, now=NOW)

    event = AuditEvent.objects.get(action="export_dossier")
    assert (event.actor, event.object_type, event.object_id) == (org.mgr_1, "customer", str(archive.pk))


@pytest.mark.parametrize("role", sorted(SEES_CUST_A))
def test_given_a_role_when_exporting_then_only_the_full_archive_circle_gets_it(org, key_people, role):
    user = org.user(role)
    if SEES_CUST_A[role]:
        assert dossier_pdf(user=user, customer_id=org.cust_a.pk, now=NOW).startswith(b"%PDF")
        assert AuditEvent.objects.filter(action="export_dossier").count() == 1
    else:
        with pytest.raises(NotFound):
            dossier_pdf(user=user, customer_id=org.cust_a.pk, now=NOW)
        assert not AuditEvent.objects.filter(action="export_dossier").exists()


def test_given_an_english_reader_when_exporting_then_labels_are_english_and_data_as_stored(org, key_people):
    org.mgr_1.language = "en"
    org.mgr_1.save()

    reader, text = read(dossier_pdf(user=org.mgr_1, customer_id=org.cust_a.pk, now=NOW))

    assert reader.outline[0].title == "Form 1: Basic information"
    assert "Page 1 of" in text and "Generated for" in text
    assert "王建国" in text


def test_given_hostile_text_when_exporting_then_it_is_printed_as_is(org, key_people):
    Contact.objects.filter(pk=key_people.liu.pk).update(name='<script>alert("x")</script> & 李四')

    _, text = read(dossier_pdf(user=org.rep_a, customer_id=org.cust_a.pk, now=NOW))

    assert '<script>alert("x")</script>&李四' in flat(text)


def test_given_a_customer_without_anything_when_exporting_then_every_form_says_so(org):
    reader, text = read(dossier_pdf(user=org.rep_c, customer_id=org.cust_c.pk, now=NOW))

    assert len(reader.outline) == 6
    compact = flat(text)
    assert "尚未登记关键人物。" in compact
    assert "暂无记录。" in compact and "尚无沟通记录。" in compact and "没有未完成的待办。" in compact


def test_given_no_cjk_font_when_exporting_then_a_clear_error_says_what_to_install(org, monkeypatch):
    monkeypatch.setattr(fonts, "DEFAULT_FONTS", [("/nonexistent/NotoSansCJK-Regular.ttc", "")])
    with pytest.raises(ImproperlyConfigured, match="fonts-noto-cjk"):
        dossier_pdf(user=org.rep_a, customer_id=org.cust_a.pk, now=NOW)
    assert not AuditEvent.objects.filter(action="export_dossier").exists()


def test_given_a_configured_font_without_chinese_when_exporting_then_the_setting_is_named(org, tmp_path):
    not_a_font = tmp_path / "latin.ttf"
    not_a_font.write_bytes(b"not a font")
    with (
        override_settings(GUANXI_CJK_FONT=str(not_a_font)),
        pytest.raises(ImproperlyConfigured, match="GUANXI_CJK_FONT"),
    ):
        dossier_pdf(user=org.rep_a, customer_id=org.cust_a.pk, now=NOW)


def test_given_a_collection_when_choosing_the_face_then_simplified_chinese_is_picked():
    font = fonts.cjk_font()
    assert font.regular.path.endswith((".ttc", ".ttf", ".otf"))
    if "NotoSansCJK" in font.regular.path:
        from fontTools.ttLib import TTCollection

        family = TTCollection(font.regular.path, lazy=True).fonts[font.regular.index]["name"].getDebugName(1)
        assert family == "Noto Sans CJK SC"
