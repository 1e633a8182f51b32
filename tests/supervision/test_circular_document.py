"""通报 laid out as a 公文 (GB/T 9704-2012): the red masthead of the issuing body, the number
机关代字〔年份〕序号号, 主送, the signature with the seal's place, the date and the 版记 — and the
administrators' page that sets the issuing body of a region, audited and scoped to their jurisdiction."""
from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from accounts.choices import Role
from audit.models import AuditLog
from supervision import services
from supervision.demo import seed_supervision
from supervision.models import IssuingBody
from tests.factories import UserFactory, supervisor

from .test_circulars import END, START, TODAY, shaoyang  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


def publish(city):
    circular = services.circular_draft(actor=city, region_code="4305", period_start=START, period_end=END,
                                       today=TODAY)
    return services.circular_publish(circular_id=circular.pk, actor=city, expected_version=1)


def test_published_circular_has_every_element_of_an_official_document(shaoyang):
    seed_supervision()  # the demo's 邵阳市安委办
    circular = publish(shaoyang["city"])
    assert circular.doc_no == "邵阳市安委办〔2026〕1号"
    text = pdf_text(circular.pdf.read())
    day = timezone_day(circular.published_at)
    for element in ("邵阳市安全生产委员会办公室文件", "邵阳市安委办〔2026〕1号", circular.title,
                    "各县市区安委会办公室，市安委会各成员单位：", "配电箱未接地", "印章位置",
                    "抄送：湖南省安全生产委员会办公室，邵阳市人民政府办公室。", f"{day}印发"):
        assert element in text, element
    # 落款 is the issuing body, not the region; 成文日期 follows it.
    assert f"印章位置邵阳市安全生产委员会办公室{day}" in text


def timezone_day(moment: datetime.datetime) -> str:
    from django.utils import timezone

    local = timezone.localdate(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def test_without_settings_the_issuer_comes_from_the_region_name_and_numbers_keep_counting(shaoyang):
    first = publish(shaoyang["city"])
    assert first.doc_no == "邵阳市安委办〔2026〕1号"
    assert "邵阳市安全生产委员会办公室文件" in pdf_text(first.pdf.read())
    IssuingBody.objects.create(region_id="4305", full_name="邵阳市安全生产委员会", short_name="邵安",
                               main_to="各县市区安委会", copy_to="")
    second = publish(shaoyang["city"])
    assert second.doc_no == "邵安〔2026〕2号"  # same series per region and year, no zero padding
    text = pdf_text(second.pdf.read())
    assert "邵阳市安全生产委员会文件" in text and "各县市区安委会：" in text and "抄送" not in text
    # The first keeps the issuer it was published with.
    first.refresh_from_db()
    assert first.issuer["full_name"] == "邵阳市安全生产委员会办公室"


def test_a_draft_is_watermarked_and_unnumbered(shaoyang):
    circular = services.circular_draft(actor=shaoyang["city"], region_code="4305", period_start=START,
                                       period_end=END, today=TODAY)
    text = pdf_text(services.circular_pdf(circular))
    assert "草稿" in text and "（草稿，发布时编号）" in text and "邵阳市安全生产委员会办公室文件" in text


def admin(code="4305", **kw):
    from tests.factories import region

    return UserFactory(role=Role.ADMIN, region=region(code), **kw)


FORM = {"full_name": "邵阳市安全生产委员会办公室", "short_name": "邵阳市安委办",
        "main_to": "各县市区安委会办公室，市安委会各成员单位：", "copy_to": "湖南省安委办"}


def test_administrator_sets_the_issuing_body_and_it_is_audited(shaoyang, client):
    client.force_login(admin())
    assert 'data-testid="issuing-body-link"' in client.get("/supervision/circulars/").content.decode()
    page = client.get("/supervision/issuing-body/?region=4305")
    assert page.status_code == 200 and "系统按区划名称生成的默认值" in page.content.decode()
    response = client.post("/supervision/issuing-body/?region=4305", FORM)
    assert response.status_code == 302
    body = IssuingBody.objects.get(region_id="4305")
    assert body.main_to == "各县市区安委会办公室，市安委会各成员单位"  # the colon is the layout's
    log = AuditLog.objects.get(target__startswith="supervision.issuingbody:4305")
    assert log.detail["changes"]["short_name"] == [None, "邵阳市安委办"]
    # Saving the same again changes and records nothing.
    client.post("/supervision/issuing-body/?region=4305", FORM)
    assert AuditLog.objects.filter(target__startswith="supervision.issuingbody:").count() == 1
    assert "邵阳市安全生产委员会办公室" in client.get(f"/supervision/circulars/{publish(shaoyang['city']).pk}/").content.decode()


def test_a_region_outside_the_administrators_jurisdiction_is_404(shaoyang, client):
    client.force_login(admin("430522"))
    assert client.get("/supervision/issuing-body/?region=4305").status_code == 404
    assert client.post("/supervision/issuing-body/?region=430523", FORM).status_code == 404
    assert not IssuingBody.objects.exists()


def test_non_administrators_are_refused(shaoyang, client):
    client.force_login(supervisor("4305"))
    assert 'data-testid="issuing-body-link"' not in client.get("/supervision/circulars/").content.decode()
    assert client.get("/supervision/issuing-body/?region=4305").status_code == 403
    assert client.post("/supervision/issuing-body/?region=4305", FORM).status_code == 403


def test_a_number_in_the_short_name_is_refused_with_the_text_kept(shaoyang, client):
    client.force_login(admin())
    response = client.post("/supervision/issuing-body/?region=4305", {**FORM, "short_name": "邵阳市安委办〔2026〕"})
    assert response.status_code == 400
    assert "机关代字只填机关简称" in response.content.decode() and "邵阳市安委办〔2026〕" in response.content.decode()
    assert not IssuingBody.objects.exists()
