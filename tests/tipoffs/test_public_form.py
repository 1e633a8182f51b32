"""The public side, no login: a visitor reports a hazard (anonymously if they like), gets a
tracking code and follows the tip-off with it; robots and floods are turned away, and a
refused submission says why and keeps what was typed."""
from __future__ import annotations

import hashlib
import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests import factories
from tests.factories import jpeg_bytes, photo
from tests.tipoffs.conftest import answer_for, fill, form_token
from tipoffs import challenge
from tipoffs.choices import Channel, TipOffAction, TipOffStatus
from tipoffs.models import TipOff, TipOffPhoto

pytestmark = pytest.mark.django_db


def _code_on(response) -> str:
    import re

    match = re.search(r'data-testid="tracking-code">([^<]+)<', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def test_anonymous_visitor_submits_a_tipoff_and_gets_a_tracking_code(client, people):
    response = fill(client, photos=[photo("现场.jpg")], region="430522100", sector="fire")

    assert response.status_code == 302 and response["Location"] == "/jubao/submitted/"
    page = client.get(response["Location"])
    code = _code_on(page)
    tipoff = TipOff.objects.get(tracking_code=code)
    assert tipoff.status == TipOffStatus.RECEIVED
    assert tipoff.channel == Channel.WEB
    assert tipoff.region_id == "430522100" and tipoff.sector_id == "fire"
    assert tipoff.is_anonymous and tipoff.consent
    assert tipoff.photos.count() == 1
    assert list(tipoff.events.values_list("action", flat=True)) == [TipOffAction.SUBMITTED]
    assert "请抄写或截图保存查询码" in page.content.decode()


def test_tracking_codes_are_short_unguessable_and_typable(people):
    from tipoffs.codes import ALPHABET, new_tracking_code, normalise_tracking_code

    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    code = codes.pop()
    assert len(code) == 14 and code.count("-") == 2
    assert not set(code.replace("-", "")) - set(ALPHABET)
    assert not set("01OIL") & set(ALPHABET)
    assert normalise_tracking_code(code.lower().replace("-", " ")) == code
    assert normalise_tracking_code("ABCD") is None


def test_tracking_page_shows_status_but_no_personal_data(client, people):
    fill(client, reporter_name="王举报", reporter_phone="13912345678", region="430522100")
    tipoff = TipOff.objects.get()
    assert tipoff.reporter_name == "王举报" and tipoff.reporter_phone == "13912345678"

    response = client.get("/jubao/track/", {"code": tipoff.tracking_code.lower().replace("-", "")})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="status">已接收<' in body
    assert tipoff.tracking_code in body
    for private in ("王举报", "13912345678", "五金厂", "安全出口被锁"):  # no contact, no contents
        assert private not in body
    assert response["X-Robots-Tag"] == "noindex"


def test_staff_handling_the_tipoff_see_the_reporters_contact_details(client, people):
    fill(client, reporter_name="王举报", reporter_phone="13912345678", region="430522100")
    tipoff = TipOff.objects.get()
    client.force_login(people.inspector)

    body = client.get(f"/tipoffs/{tipoff.pk}/").content.decode()

    assert "王举报" in body and "13912345678" in body and "举报人信息（保密）" in body


def test_unknown_tracking_code_says_so(client, people):
    response = client.get("/jubao/track/", {"code": "2345-6789-ABCD"})

    assert response.status_code == 404
    assert "未找到该查询码" in response.content.decode()


def test_region_is_derived_from_the_address_when_none_is_chosen(client, people):
    fill(client, address="新邵县严塘镇石料厂东侧")

    assert TipOff.objects.get().region_id == "430522101"


def test_address_naming_no_region_asks_for_one_and_keeps_the_text(client, people):
    response = fill(client, address="工业园三号厂房", description="配电房门口积水，电缆泡在水里")

    body = response.content.decode()
    assert response.status_code == 400
    assert "无法从地点判断所在县区或乡镇，请选择所在地区" in body
    assert "配电房门口积水，电缆泡在水里" in body and "工业园三号厂房" in body
    assert not TipOff.objects.exists()


def test_wrong_answer_to_the_question_is_refused_and_the_text_kept(client, people):
    page = client.get("/jubao/")
    token = form_token(page)
    wrong = str(challenge.read(token).answer + 1)

    response = client.post("/jubao/", {
        "description": "锅炉房压力表坏了", "address": "新邵县酿溪镇锅炉房", "consent": "on",
        "challenge_token": token, "challenge_answer": wrong,
    })

    body = response.content.decode()
    assert response.status_code == 400
    assert "验证问题的答案不正确" in body
    assert "锅炉房压力表坏了" in body
    assert form_token(response) != token  # a new question to answer
    assert not TipOff.objects.exists()


def _solve(token: str) -> str:
    found = challenge.read(token)
    for counter in itertools.count():
        digest = hashlib.sha256(f"{found.nonce}:{counter}".encode()).digest()
        if challenge.leading_zero_bits(digest) >= found.bits:
            return str(counter)


def test_proof_of_work_from_the_script_passes_without_an_answer(client, people):
    token = form_token(client.get("/jubao/"))

    response = client.post("/jubao/", {
        "description": "锅炉房压力表坏了", "address": "新邵县酿溪镇锅炉房", "consent": "on",
        "challenge_token": token, "challenge_proof": _solve(token),
    })

    assert response.status_code == 302
    assert TipOff.objects.count() == 1


def test_a_wrong_proof_of_work_does_not_pass(client, people):
    token = form_token(client.get("/jubao/"))
    bad = next(str(c) for c in itertools.count() if not challenge.proof_of_work_ok(challenge.read(token), str(c)))

    response = client.post("/jubao/", {"description": "x", "address": "新邵县", "consent": "on",
                                       "challenge_token": token, "challenge_proof": bad})

    assert response.status_code == 400 and "请回答验证问题" in response.content.decode()


def test_a_challenge_is_good_for_one_submission_only(client, people):
    token = form_token(client.get("/jubao/"))
    data = {"description": "塔吊无人看管", "address": "新邵县酿溪镇工地", "consent": "on",
            "challenge_token": token, "challenge_answer": answer_for(token)}

    assert client.post("/jubao/", data).status_code == 302
    again = client.post("/jubao/", data)

    assert again.status_code == 400
    assert "该验证已使用过" in again.content.decode()
    assert TipOff.objects.count() == 1


def test_forged_or_expired_challenges_are_refused(client, people, settings):
    forged = client.post("/jubao/", {"description": "x", "address": "新邵县", "consent": "on",
                                     "challenge_token": "made-up:token", "challenge_answer": "7"})
    assert forged.status_code == 400

    token = form_token(client.get("/jubao/"))
    answer = answer_for(token)
    settings.TIPOFFS_CHALLENGE_MAX_AGE = -1
    expired = client.post("/jubao/", {"description": "x", "address": "新邵县", "consent": "on",
                                      "challenge_token": token, "challenge_answer": answer})
    assert expired.status_code == 400
    assert "验证已过期" in expired.content.decode()
    assert not TipOff.objects.exists()


def test_a_filled_honeypot_is_refused_and_nothing_saved(client, people):
    response = fill(client, homepage="http://spam.example", region="430522100")

    assert response.status_code == 400
    assert "提交未成功" in response.content.decode()
    assert not TipOff.objects.exists()


def test_consent_to_the_notice_is_required(client, people):
    response = fill(client, consent="", region="430522100")

    assert response.status_code == 400
    assert "请阅读并勾选举报须知" in response.content.decode()
    assert not TipOff.objects.exists()


def test_a_disguised_file_is_refused_with_a_reason_and_the_text_kept(client, people):
    disguised = SimpleUploadedFile("现场.jpg", b"<?php system($_GET['c']); ?>\n" * 20, content_type="image/jpeg")

    response = fill(client, photos=[disguised], region="430522100", description="化工厂罐区有刺鼻气味")

    body = response.content.decode()
    assert response.status_code == 400
    assert "实际内容不是允许的类型" in body and "现场.jpg" in body
    assert "化工厂罐区有刺鼻气味" in body
    assert "请重新选择照片" in body
    assert not TipOff.objects.exists() and not TipOffPhoto.objects.exists()


def test_after_a_refused_photo_the_same_challenge_still_works(client, people):
    token = form_token(client.get("/jubao/"))
    data = {"description": "化工厂罐区有刺鼻气味", "address": "新邵县酿溪镇", "consent": "on",
            "challenge_token": token, "challenge_answer": answer_for(token)}
    refused = client.post("/jubao/", {**data, "photos": [SimpleUploadedFile("a.jpg", b"not an image at all")]})
    assert refused.status_code == 400

    kept_token = form_token(refused)
    assert kept_token == token
    response = client.post("/jubao/", {**data, "photos": [photo()]})
    assert response.status_code == 302


def test_photos_lose_their_metadata_so_a_reporters_camera_position_does_not_travel(client, people):
    image = Image.new("RGB", (64, 48), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "ReporterPhone"  # Make
    exif[0x010E] = "王举报 13912345678"  # ImageDescription
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)

    fill(client, photos=[SimpleUploadedFile("gps.jpg", buffer.getvalue(), content_type="image/jpeg")],
         region="430522100")

    stored = TipOffPhoto.objects.get()
    with stored.file.open("rb") as handle:
        kept = Image.open(io.BytesIO(handle.read()))
    assert not kept.getexif()
    assert stored.thumbnail


def test_too_many_photos_are_refused(client, people, settings):
    settings.TIPOFFS_MAX_PHOTOS = 2
    response = fill(client, photos=[photo(f"{i}.jpg") for i in range(3)], region="430522100")

    assert response.status_code == 400
    assert "最多上传 2 张照片" in response.content.decode()


def test_browser_location_is_kept_with_the_tipoff(client, people):
    fill(client, region="430522100", latitude="27.312345", longitude="111.458765")

    tipoff = TipOff.objects.get()
    assert str(tipoff.latitude) == "27.312345" and str(tipoff.longitude) == "111.458765"


def test_the_form_page_needs_no_login_and_has_no_inline_script(client, people):
    body = client.get("/jubao/").content.decode()

    assert "安全生产隐患举报" in body
    assert "js/tipoffs.js" in body
    assert "<script>" not in body and "onclick" not in body
    assert 'name="homepage"' in body and 'class="hp"' in body


def test_login_page_links_to_the_public_form(client, db):
    assert "/jubao/" in client.get("/accounts/login/").content.decode()


def test_tracking_page_reports_a_rejection_with_its_reason(client, people):
    from tipoffs import services

    fill(client, region="430522100")
    tipoff = TipOff.objects.get()
    services.tipoff_reject(tipoff_id=tipoff.pk, actor=people.supervisor, expected_version=tipoff.version,
                           reason="经现场核查，该厂已于上月停产。")

    body = client.get("/jubao/track/", {"code": tipoff.tracking_code}).content.decode()

    assert "不予受理" in body and "该厂已于上月停产" in body


def test_jpeg_factory_is_a_real_jpeg():
    assert jpeg_bytes()[:3] == b"\xff\xd8\xff"


def test_derive_region_needs_one_clear_match(people):
    from tipoffs.places import derive_region

    factories.region("430523", "邵阳县")
    assert derive_region("新邵县酿溪镇某路").code == "430522100"
    assert derive_region("新邵县某地").code == "430522"
    assert derive_region("新邵县和邵阳县交界") is None
    assert derive_region("某工业园") is None
