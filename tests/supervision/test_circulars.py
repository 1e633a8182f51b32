"""通报: the level-3 overdue hazards of a period and the lowest-ranked regions, drafted,
reviewed, published with a number — and immutable once published."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from hazards.choices import HazardStatus
from hazardtrack.errors import DomainError
from notices.models import Notice
from supervision import services
from supervision.choices import CircularStatus
from supervision.models import Circular
from tests.factories import inspector, region, supervisor

from .conftest import S, d, hazard, local

pytestmark = pytest.mark.django_db
START, END, TODAY = d("2026-03-01"), d("2026-04-30"), d("2026-05-06")


def level3(h, as_of: str, deadline: str | None = None, days: int = 15) -> Notice:
    return Notice.objects.create(hazard=h, kind="overdue", level=3, as_of=d(as_of),
                                 deadline=d(deadline) if deadline else h.current_deadline, overdue_days=days)


@pytest.fixture
def shaoyang():
    """邵阳市 with three counties: 新邵县 signs off half, 邵阳县 nothing, 隆回县 everything."""
    region("4305", "邵阳市")
    for code, name in (("430522", "新邵县"), ("430523", "邵阳县"), ("430524", "隆回县")):
        region(code, name)
        region(code + "100", name + "城关镇")
    late = hazard("430522100", found=local("2026-03-02"), status=S.RECTIFYING, deadline="2026-03-10", title="配电箱未接地")
    hazard("430522100", found=local("2026-03-03"), status=S.SIGNED_OFF, deadline="2026-03-20",
           signed_off=local("2026-03-19"))
    other = hazard("430523100", found=local("2026-03-05"), status=S.RECTIFYING, deadline="2026-03-12")
    hazard("430524100", found=local("2026-03-05"), status=S.SIGNED_OFF, deadline="2026-03-20",
           signed_off=local("2026-03-15"))
    early = hazard("430522100", found=local("2026-01-05"), status=S.RECTIFYING, deadline="2026-01-20")
    level3(late, "2026-03-25")
    level3(other, "2026-03-27")
    level3(early, "2026-02-04")  # before the period and still overdue: named again (通报制)
    return {"late": late, "other": other, "early": early, "city": supervisor("4305")}


def draft(data, **kw):
    return services.circular_draft(actor=data["city"], region_code="4305", period_start=START, period_end=END,
                                   today=TODAY, **kw)


def test_draft_names_level3_hazards_of_the_period_and_the_lowest_ranked_counties(shaoyang):
    circular = draft(shaoyang)
    assert circular.status == CircularStatus.DRAFT and circular.number is None
    assert [i.hazard_id for i in circular.items.all()] == [
        shaoyang["early"].pk, shaoyang["late"].pk, shaoyang["other"].pk]
    first = circular.items.get(hazard=shaoyang["late"])
    assert first.overdue_days == (TODAY - d("2026-03-10")).days  # still overdue: counted to today
    assert first.title == "配电箱未接地" and first.level3_on == d("2026-03-25")
    assert [(l["name"], l["rank"], l["sign_off_rate"]) for l in circular.laggards] == [
        ("邵阳县", 3, 0.0), ("新邵县", 2, 0.5), ("隆回县", 1, 1.0)]


def test_a_county_circular_shows_only_its_own_hazards(shaoyang):
    circular = services.circular_draft(actor=supervisor("430522"), region_code="430522", period_start=START,
                                       period_end=END, today=TODAY)
    assert [i.hazard_id for i in circular.items.all()] == [shaoyang["early"].pk, shaoyang["late"].pk]


def test_publishing_numbers_the_circular_and_stores_its_pdf(shaoyang):
    first = services.circular_publish(circular_id=draft(shaoyang).pk, actor=shaoyang["city"], expected_version=1)
    second = services.circular_publish(circular_id=draft(shaoyang).pk, actor=shaoyang["city"], expected_version=1)
    assert (first.number, second.number) == (1, 2)
    assert first.doc_no == "邵阳市安委办〔2026〕1号"
    assert first.status == CircularStatus.PUBLISHED and first.published_by == shaoyang["city"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(first.pdf.read())).pages)
    assert "邵阳市安委办〔2026〕1号" in text and "配电箱未接地" in text and "邵阳县" in text


def test_discarded_drafts_leave_no_gap_in_the_numbers(shaoyang):
    discarded = draft(shaoyang)
    services.circular_delete_draft(circular_id=discarded.pk, actor=shaoyang["city"], expected_version=1)
    published = services.circular_publish(circular_id=draft(shaoyang).pk, actor=shaoyang["city"], expected_version=1)
    assert published.number == 1


@pytest.mark.parametrize("action", ["update", "refresh", "publish", "delete"])
def test_a_published_circular_cannot_be_changed(shaoyang, action):
    circular = services.circular_publish(circular_id=draft(shaoyang).pk, actor=shaoyang["city"], expected_version=1)
    before = Circular.objects.get(pk=circular.pk)
    calls = {
        "update": lambda: services.circular_update(circular_id=circular.pk, actor=shaoyang["city"],
                                                   expected_version=circular.version, title="改过的标题",
                                                   introduction="", requirements=""),
        "refresh": lambda: services.circular_refresh(circular_id=circular.pk, actor=shaoyang["city"],
                                                     expected_version=circular.version),
        "publish": lambda: services.circular_publish(circular_id=circular.pk, actor=shaoyang["city"],
                                                     expected_version=circular.version),
        "delete": lambda: services.circular_delete_draft(circular_id=circular.pk, actor=shaoyang["city"],
                                                         expected_version=circular.version),
    }
    with pytest.raises(DomainError) as refused:
        calls[action]()
    assert refused.value.code == "circular_published"
    after = Circular.objects.get(pk=circular.pk)
    assert (after.title, after.number, after.version, after.items.count()) == (
        before.title, before.number, before.version, before.items.count())


def test_reviewer_edits_a_draft_and_a_stale_edit_is_refused(shaoyang):
    circular = draft(shaoyang)
    services.circular_update(circular_id=circular.pk, actor=shaoyang["city"], expected_version=1,
                             title="关于一季度逾期隐患的通报", introduction="导语", requirements="要求")
    with pytest.raises(DomainError) as stale:
        services.circular_update(circular_id=circular.pk, actor=shaoyang["city"], expected_version=1,
                                 title="别的标题", introduction="", requirements="")
    assert stale.value.code == "stale_version"
    assert Circular.objects.get(pk=circular.pk).title == "关于一季度逾期隐患的通报"


def test_inspectors_read_circulars_but_cannot_draft_or_publish(shaoyang, client):
    circular = draft(shaoyang)
    client.force_login(inspector("430522"))
    assert client.get("/supervision/circulars/").status_code == 200
    assert client.post("/supervision/circulars/", {"region": "430522", "period_start": "2026-03-01",
                                                   "period_end": "2026-04-30"}).status_code == 404
    with pytest.raises(DomainError):
        services.circular_publish(circular_id=circular.pk, actor=inspector("4305"), expected_version=1)


def test_circulars_of_another_county_are_404(shaoyang, client):
    circular = services.circular_draft(actor=supervisor("430523"), region_code="430523", period_start=START,
                                       period_end=END, today=TODAY)
    client.force_login(supervisor("430522"))
    assert client.get(f"/supervision/circulars/{circular.pk}/").status_code == 404
    assert client.get(f"/supervision/circulars/{circular.pk}/pdf/").status_code == 404
    assert client.post(f"/supervision/circulars/{circular.pk}/do/publish/", {"version": 1}).status_code == 404
    assert "邵阳县" not in client.get("/supervision/circulars/").content.decode()


def test_supervisor_drafts_reviews_and_publishes_through_the_pages(shaoyang, client):
    client.force_login(shaoyang["city"])
    created = client.post("/supervision/circulars/", {"region": "4305", "period_start": "2026-03-01",
                                                      "period_end": "2026-04-30", "title": ""})
    assert created.status_code == 302
    url = created["Location"]
    page = client.get(url)
    assert "配电箱未接地" in page.content.decode() and "草稿" in page.content.decode()
    assert client.get(url + "pdf/")["Content-Type"] == "application/pdf"
    pk = int(url.rstrip("/").rsplit("/", 1)[1])
    assert client.post(url, {"version": 1, "title": "关于逾期隐患的通报", "introduction": "", "requirements": ""}
                       ).status_code == 302
    assert client.post(f"/supervision/circulars/{pk}/do/publish/", {"version": 2}).status_code == 302
    published = client.get(url).content.decode()
    assert "邵阳市安委办〔2026〕1号" in published and "审核通过并发布" not in published
    assert client.post(url, {"version": 3, "title": "再改", "introduction": "", "requirements": ""}).status_code == 404
    listing = client.get("/supervision/circulars/").content.decode()
    assert "关于逾期隐患的通报" in listing and "已发布" in listing


def test_a_period_ending_before_it_starts_is_refused(shaoyang):
    with pytest.raises(DomainError) as refused:
        services.circular_draft(actor=shaoyang["city"], region_code="4305", period_start=END, period_end=START)
    assert refused.value.field == "period_end"


def test_hazards_signed_off_since_level_3_are_still_named_with_their_status(shaoyang):
    Notice.objects.filter(hazard=shaoyang["other"]).update(overdue_days=16)
    type(shaoyang["other"]).objects.filter(pk=shaoyang["other"].pk).update(status=HazardStatus.SIGNED_OFF)
    item = draft(shaoyang).items.get(hazard=shaoyang["other"])
    assert (item.status, item.overdue_days) == ("已销号", 16)


def test_a_hazard_escalated_in_august_and_still_overdue_is_in_the_november_circular():
    region("4305", "邵阳市")
    region("430522", "新邵县")
    region("430522100", "新邵县城关镇")
    august = hazard("430522100", found=local("2026-07-01"), status=S.RECTIFYING, deadline="2026-07-20",
                    title="仓库消防通道堵塞")
    level3(august, "2026-08-04")
    circular = services.circular_draft(actor=supervisor("4305"), region_code="4305", period_start=d("2026-11-01"),
                                       period_end=d("2026-11-30"), today=d("2026-12-02"))
    item = circular.items.get()
    assert (item.hazard_id, item.level3_on, item.rectified_on) == (august.pk, d("2026-08-04"), None)
    assert item.overdue_days == (d("2026-12-02") - d("2026-07-20")).days


def test_level_3_hazards_rectified_in_the_period_are_named_and_marked_those_rectified_before_are_not(shaoyang):
    verified_in = hazard("430522100", found=local("2026-01-02"), status=S.VERIFIED, deadline="2026-01-10",
                         verified_at=local("2026-04-02"))
    signed_before = hazard("430522100", found=local("2026-01-02"), status=S.SIGNED_OFF, deadline="2026-01-10",
                           verified_at=local("2026-02-20"), signed_off=local("2026-03-03"))
    verified_after = hazard("430522100", found=local("2026-01-02"), status=S.VERIFIED, deadline="2026-01-10",
                            verified_at=local("2026-05-03"))
    for h in (verified_in, signed_before, verified_after):
        level3(h, "2026-01-25")
    items = {i.hazard_id: i for i in draft(shaoyang).items.all()}
    assert items[verified_in.pk].rectified_on == d("2026-04-02")
    assert signed_before.pk not in items  # rectified before the period began
    assert items[verified_after.pk].rectified_on is None  # still unrectified when the period ended
    assert items[shaoyang["late"].pk].rectified_on is None


def test_an_extension_restarts_the_ladder_so_the_old_level_3_is_not_named(shaoyang):
    type(shaoyang["early"]).objects.filter(pk=shaoyang["early"].pk).update(current_deadline=d("2026-06-30"))
    assert shaoyang["early"].pk not in {i.hazard_id for i in draft(shaoyang).items.all()}


def test_an_empty_circular_is_published_only_when_confirmed(client):
    region("4305", "邵阳市")
    city = supervisor("4305")
    circular = services.circular_draft(actor=city, region_code="4305", period_start=START, period_end=END, today=TODAY)
    assert not circular.items.exists()
    with pytest.raises(DomainError) as refused:
        services.circular_publish(circular_id=circular.pk, actor=city, expected_version=1)
    assert refused.value.code == "circular_empty" and Circular.objects.get(pk=circular.pk).number is None
    client.force_login(city)
    url = f"/supervision/circulars/{circular.pk}/"
    page = client.get(url).content.decode()
    assert 'name="confirm_empty"' in page
    client.post(url + "do/publish/", {"version": 1})
    assert "确认发布空通报" in client.get(url).content.decode()
    assert Circular.objects.get(pk=circular.pk).status == CircularStatus.DRAFT
    assert client.post(url + "do/publish/", {"version": 1, "confirm_empty": "1"}).status_code == 302
    assert Circular.objects.get(pk=circular.pk).status == CircularStatus.PUBLISHED
