"""Services that change tip-offs, their rewards and Open311 clients. One function per action.

Every decision on a tip-off: keyword-only arguments; in one transaction locks the row (only if
the actor may see it: 404 otherwise), checks the caller's version (no silent overwrite), the
actor's role and the tip-off's state, changes it, bumps the version and writes the audit event
last. Refusals are DomainError with a code and a translatable message.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from contextlib import ExitStack, contextmanager
from decimal import Decimal, InvalidOperation
from typing import Iterator

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.jurisdiction import get_visible_or_404, region_in_jurisdiction
from accounts.models import Department, Region, User
from hazardtrack.upload_checks import CheckedUpload, check_upload
from hazards.choices import EventAction, HazardSource, HazardStatus
from hazards.duplicates import duplicate_candidates
from hazardtrack.events import announce
from hazards.models import Hazard
from hazards.reporting import PossibleDuplicates, hazard_to_link
from hazards.services import hazard_create, record_event
from hazardtrack.errors import DomainError

from .choices import Channel, RewardStatus, TipOffAction, TipOffStatus
from .codes import new_tracking_code
from .models import Open311Client, Reward, TipOff, TipOffEvent, TipOffPhoto
from .places import TIPOFF_REGION_LEVELS, derive_region
from .rules import (
    check_approve_reward,
    check_decide,
    check_pay_reward,
    check_propose_reward,
    check_refuse_reward,
    is_regulator,
)

__all__ = ["is_regulator"]  # re-exported for selectors and views

MAX_DESCRIPTION = 4000  # Open311's limit for description, used for every channel


def max_photos() -> int:
    return int(getattr(settings, "TIPOFFS_MAX_PHOTOS", 6))


def max_reward() -> Decimal:
    return Decimal(str(getattr(settings, "TIPOFFS_REWARD_MAX", 300000)))


def _bad(code: str, message: str, field: str | None = None) -> DomainError:
    return DomainError(code, message, status=400, field=field)


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


# --- submission --------------------------------------------------------------------------

def _coordinates(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    if latitude in (None, "") or longitude in (None, ""):
        raise _bad("coordinates_incomplete", _("经纬度须同时提供。"), "latitude")
    try:
        lat, lng = Decimal(str(latitude)).quantize(Decimal("0.000001")), Decimal(str(longitude)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise _bad("coordinates_invalid", _("经纬度格式不正确。"), "latitude")
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise _bad("coordinates_invalid", _("经纬度超出范围（纬度 -90～90，经度 -180～180）。"), "latitude")
    return lat, lng


def _resolve_region(region: Region | None, address: str, fallback: Region | None) -> Region:
    region = region or derive_region(address) or fallback
    if region is None:
        raise _bad("region_required", _("无法从地点判断所在县区或乡镇，请选择所在地区。"), "region")
    if region.level not in TIPOFF_REGION_LEVELS:
        raise _bad("region_level", _("请选择到县（区）或乡镇（街道）一级。"), "region")
    return region


def _check_photos(photos) -> list[CheckedUpload]:
    photos = [p for p in (photos or []) if p]
    if len(photos) > max_photos():
        raise _bad("too_many_photos", _("最多上传 %(n)d 张照片。") % {"n": max_photos()}, "photos")
    checked = []
    for upload in photos:
        try:
            checked.append(check_upload(upload, images_only=True))
        except DomainError as error:
            error.field = "photos"
            raise
    return checked


def _store_photo(tipoff: TipOff, checked: CheckedUpload) -> TipOffPhoto:
    stem = f"tipoffs/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}"
    photo = TipOffPhoto(tipoff=tipoff, original_name=checked.original_name, content_type=checked.content_type,
                        size=len(checked.content))
    photo.storage_name = f"{stem}.{checked.extension}"
    photo.file.save(photo.storage_name, ContentFile(checked.content), save=False)
    if checked.thumbnail:
        photo.storage_name = f"{stem}.thumb.jpg"
        photo.thumbnail.save(photo.storage_name, ContentFile(checked.thumbnail), save=False)
    photo.save()
    return photo


def _record(tipoff: TipOff, *, actor, action: str, from_status: str, comment: str = "",
            changes: dict | None = None) -> TipOffEvent:
    event = TipOffEvent.objects.create(
        tipoff=tipoff, action=action, actor=actor, from_status=from_status, to_status=tipoff.status,
        comment=comment, changes=changes or {},
    )
    announce(event)  # listeners (event notices) write in this same transaction
    return event


def tipoff_submit(*, data: dict, photos=(), channel: str = Channel.WEB, api_client: Open311Client | None = None,
                  fallback_region: Region | None = None, recorded_by: User | None = None) -> TipOff:
    """举报: from the public form, an Open311 client or a 12350 hotline operator (`recorded_by`,
    who must be a regulator of the region). Needs a description, a place (address or
    coordinates) and a county or township (chosen, or derived from the address, or the
    client's default). Web reporters must accept the notice (consent)."""
    description = _text(data.get("description"))
    if not description:
        raise _bad("description_required", _("请描述您发现的安全隐患。"), "description")
    if len(description) > MAX_DESCRIPTION:
        raise _bad("description_too_long", _("举报内容不能超过 %(n)d 字。") % {"n": MAX_DESCRIPTION}, "description")
    address = _text(data.get("address"))[:200]
    latitude, longitude = _coordinates(data.get("latitude"), data.get("longitude"))
    if not address and latitude is None:
        raise _bad("location_required", _("请填写隐患所在的具体地点。"), "address")
    region = _resolve_region(data.get("region"), address, fallback_region)
    if channel == Channel.WEB and not data.get("consent"):
        raise _bad("consent_required", _("请阅读并勾选举报须知。"), "consent")
    if channel == Channel.HOTLINE:
        if not is_regulator(recorded_by):
            raise DomainError("role_not_allowed", _("只有监管部门工作人员可以登记热线举报。"), status=403)
        if not region_in_jurisdiction(recorded_by, region.code):
            raise _bad("out_of_jurisdiction", _("所选区划不在您的辖区内。"), "region")
    checked = _check_photos(photos)

    fields = dict(
        channel=channel, description=description, address=address, latitude=latitude, longitude=longitude,
        region=region, sector=data.get("sector"), media_url=_text(data.get("media_url"))[:500],
        reporter_name=_text(data.get("reporter_name"))[:64], reporter_phone=_text(data.get("reporter_phone"))[:32],
        reporter_email=_text(data.get("reporter_email"))[:254], consent=bool(data.get("consent")),
        api_client=api_client,
    )
    with transaction.atomic():
        tipoff = _create_with_fresh_code(fields)
        for item in checked:
            _store_photo(tipoff, item)
        _record(tipoff, actor=recorded_by, action=TipOffAction.SUBMITTED, from_status="",
                comment=Channel(channel).label)
    return tipoff


def _create_with_fresh_code(fields: dict) -> TipOff:
    # 59 random bits: a collision is practically impossible, but the unique index decides.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return TipOff.objects.create(tracking_code=new_tracking_code(), **fields)
        except IntegrityError:
            continue
    raise DomainError("code_exhausted", _("暂时无法生成查询码，请稍后重试。"), status=503)


# --- decisions on a tip-off ----------------------------------------------------------------

@contextmanager
def _decision(*, tipoff_id: int, actor: User, expected_version) -> Iterator[TipOff]:
    """Lock the tip-off (404 if not visible), check role, version and state; the caller changes
    it; version bumped and saved on exit. All inside one transaction."""
    with transaction.atomic():
        tipoff = get_visible_or_404(TipOff.objects.select_for_update(), actor, pk=tipoff_id)
        if not is_regulator(actor):
            raise DomainError("role_not_allowed", _("只有监管部门工作人员可以办理举报。"), status=403)
        if expected_version is None or str(expected_version) != str(tipoff.version):
            raise DomainError(
                "stale_version",
                _("该举报已被他人办理或修改（当前版本 %(current)s，您提交的版本 %(yours)s），请刷新后重试；您填写的内容已保留。")
                % {"current": tipoff.version, "yours": expected_version},
            )
        check_decide(tipoff, actor)
        yield tipoff
        tipoff.version += 1
        tipoff.handled_by, tipoff.handled_at = actor, timezone.now()
        tipoff.save()


@contextmanager
def _photo_files(tipoff: TipOff) -> Iterator[list[File]]:
    """The tip-off's photos as open files under their original names (closed on exit)."""
    with ExitStack() as stack:
        files = []
        for photo in tipoff.photos.all():
            handle = stack.enter_context(photo.file.open("rb"))
            files.append(File(handle, name=photo.original_name))
        yield files


HAZARD_FIELDS = ("title", "description", "sector", "level", "category", "enterprise")


def tipoff_accept(*, tipoff_id: int, actor: User, expected_version, hazard_data: dict, comment: str = "",
                  duplicate_of: int | None = None, not_duplicate: bool = False) -> TipOff:
    """受理: create the hazard (source 群众举报, in the tip-off's region, with its photos as
    before-photos) through hazards.services.hazard_create, and link it.

    The duplicate gate of reporting comes first: open hazards of the chosen enterprise that look
    the same are put to staff (PossibleDuplicates, nothing saved). Staff link the tip-off to one
    (`duplicate_of`: no new hazard, the tip-off ends 重复举报 as the hazard was already on record)
    or go on (`not_duplicate`)."""
    with _decision(tipoff_id=tipoff_id, actor=actor, expected_version=expected_version) as tipoff:
        from_status = tipoff.status
        data = {k: v for k, v in hazard_data.items() if k in HAZARD_FIELDS and v not in (None, "")}
        if duplicate_of:
            hazard = hazard_to_link(actor=actor, duplicate_of=duplicate_of, enterprise=data.get("enterprise"))
            _link_duplicate(tipoff, actor=actor, hazard=hazard, from_status=from_status, comment=comment)
            return tipoff
        data.setdefault("description", tipoff.description)
        if not not_duplicate:
            candidates = duplicate_candidates(user=actor, enterprise=data.get("enterprise"),
                                              title=data.get("title") or "", description=data["description"])
            if candidates:
                raise PossibleDuplicates(candidates)
        data.setdefault("sector", tipoff.sector)
        data.update(
            region=tipoff.region, source=HazardSource.TIPOFF, address=tipoff.address,
            latitude=tipoff.latitude, longitude=tipoff.longitude,
        )
        with _photo_files(tipoff) as photos:
            hazard = hazard_create(actor=actor, data=data, before_photos=photos)
        tipoff.hazard, tipoff.status = hazard, TipOffStatus.ACCEPTED
        _record(tipoff, actor=actor, action=TipOffAction.ACCEPTED, from_status=from_status, comment=comment,
                changes={"hazard": [None, hazard.code]})
    return tipoff


def _link_duplicate(tipoff: TipOff, *, actor: User, hazard: Hazard, from_status: str, comment: str) -> None:
    """重复举报 linked to `hazard`, recorded in both timelines. The hazard's entry names neither
    the reporter nor the tracking code: the enterprise reads that timeline."""
    tipoff.hazard, tipoff.status = hazard, TipOffStatus.DUPLICATE
    _record(tipoff, actor=actor, action=TipOffAction.DUPLICATE, from_status=from_status, comment=comment,
            changes={"hazard": [None, hazard.code]})
    record_event(hazard, actor=actor, action=EventAction.DUPLICATE_LINKED, from_status=hazard.status,
                 comment=_("群众举报反映的是同一隐患，已作为重复举报关联。"), changes={"tipoff": tipoff.pk})


def tipoff_mark_duplicate(*, tipoff_id: int, actor: User, expected_version, hazard_code: str,
                          comment: str = "") -> TipOff:
    """重复举报: the hazard is already on record (and visible to the actor): link it."""
    code = _text(hazard_code).upper()
    if not code:
        raise _bad("hazard_required", _("请填写已登记隐患的编号。"), "hazard_code")
    with _decision(tipoff_id=tipoff_id, actor=actor, expected_version=expected_version) as tipoff:
        hazard = Hazard.objects.visible_to(actor).filter(code=code).first()
        if hazard is None:
            raise _bad("hazard_not_found", _("找不到编号为“%(code)s”的隐患，或该隐患不在您的辖区内。") % {"code": code},
                       "hazard_code")
        if hazard.status == HazardStatus.REJECTED:
            raise _bad("hazard_rejected", _("隐患 %(code)s 已不予认定，不能作为重复举报的依据。") % {"code": code},
                       "hazard_code")
        _link_duplicate(tipoff, actor=actor, hazard=hazard, from_status=tipoff.status, comment=comment)
    return tipoff


def tipoff_reject(*, tipoff_id: int, actor: User, expected_version, reason: str) -> TipOff:
    """不予受理, with a reason the reporter will read on the tracking page."""
    reason = _text(reason)
    if not reason:
        raise _bad("reason_required", _("请填写不予受理的理由（举报人可在查询页看到）。"), "reason")
    with _decision(tipoff_id=tipoff_id, actor=actor, expected_version=expected_version) as tipoff:
        from_status = tipoff.status
        tipoff.status, tipoff.reject_reason = TipOffStatus.REJECTED, reason
        _record(tipoff, actor=actor, action=TipOffAction.REJECTED, from_status=from_status, comment=reason)
    return tipoff


def tipoff_transfer(*, tipoff_id: int, actor: User, expected_version, region: Region | None = None,
                    department: Department | None = None, note: str = "") -> TipOff:
    """转办 to another county/township, or to a department (which then handles it in its region).
    The receiving region's staff see it from now on; the sender's staff no longer do unless
    their jurisdiction covers the new region."""
    if (region is None) == (department is None):
        raise _bad("transfer_target", _("请选择转办的区划或部门（二选一）。"), "region")
    if region is not None and region.level not in TIPOFF_REGION_LEVELS:
        raise _bad("region_level", _("请选择到县（区）或乡镇（街道）一级。"), "region")
    target = department.region if department is not None else region
    with _decision(tipoff_id=tipoff_id, actor=actor, expected_version=expected_version) as tipoff:
        if department is None and target.code == tipoff.region_id:
            raise _bad("transfer_same_region", _("该举报已属于%(region)s，请选择其他区划。") % {"region": target.name}, "region")
        if department is not None and department.pk == tipoff.transfer_department_id:
            raise _bad("transfer_same_department", _("该举报已转至%(d)s。") % {"d": department}, "department")
        from_status, before = tipoff.status, tipoff.region_id
        tipoff.transferred_from_id, tipoff.region = tipoff.region_id, target
        tipoff.transfer_department, tipoff.transfer_note = department, _text(note)
        tipoff.status = TipOffStatus.TRANSFERRED
        changes = {"region": [before, target.code]}
        if department is not None:
            changes["department"] = [None, str(department)]
        _record(tipoff, actor=actor, action=TipOffAction.TRANSFERRED, from_status=from_status, comment=_text(note),
                changes=changes)
    return tipoff


# --- rewards ---------------------------------------------------------------------------------

def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise _bad("amount_invalid", _("请填写正确的奖励金额。"), "amount")
    if amount <= 0:
        raise _bad("amount_invalid", _("奖励金额必须大于零。"), "amount")
    if amount > max_reward():
        raise _bad("amount_too_large", _("奖励金额不能超过 %(max)s 元。") % {"max": max_reward()}, "amount")
    return amount


def reward_propose(*, tipoff_id: int, actor: User, amount, basis: str) -> Reward:
    """奖励建议: only for an accepted tip-off whose hazard was confirmed (认定 or any later status,
    not 不予认定), and only one live proposal at a time."""
    amount = _amount(amount)
    basis = _text(basis)
    if not basis:
        raise _bad("basis_required", _("请填写奖励依据（如举报查实情况、适用的奖励办法条款）。"), "basis")
    with transaction.atomic():
        tipoff = get_visible_or_404(TipOff.objects.select_for_update(), actor, pk=tipoff_id)
        hazard = Hazard.objects.only("status", "code").get(pk=tipoff.hazard_id) if tipoff.hazard_id else None
        check_propose_reward(tipoff, actor, hazard=hazard,
                             has_live_reward=tipoff.rewards.exclude(status=RewardStatus.REFUSED).exists())
        reward = Reward.objects.create(tipoff=tipoff, amount=amount, basis=basis, proposed_by=actor)
        _record(tipoff, actor=actor, action=TipOffAction.REWARD_PROPOSED, from_status=tipoff.status, comment=basis,
                changes={"amount": [None, str(amount)]})
    return reward


@contextmanager
def _reward_step(*, reward_id: int, actor: User, check) -> Iterator[Reward]:
    """Lock the reward (404 unless its tip-off is visible to the actor), apply `check`; the
    caller changes it; saved on exit."""
    with transaction.atomic():
        reward = Reward.objects.select_for_update().filter(pk=reward_id).first()
        if reward is None:
            raise Http404
        reward.tipoff = get_visible_or_404(TipOff.objects.all(), actor, pk=reward.tipoff_id)
        check(reward, actor)
        yield reward
        reward.save()


def reward_approve(*, reward_id: int, actor: User, comment: str = "") -> Reward:
    """批准: a supervisor, and not the one who proposed it (four eyes)."""
    with _reward_step(reward_id=reward_id, actor=actor, check=check_approve_reward) as reward:
        reward.status, reward.approved_by, reward.approved_at = RewardStatus.APPROVED, actor, timezone.now()
        reward.decision_comment = _text(comment)
        _record(reward.tipoff, actor=actor, action=TipOffAction.REWARD_APPROVED, from_status=reward.tipoff.status,
                comment=reward.decision_comment, changes={"amount": [None, str(reward.amount)]})
    return reward


def reward_refuse(*, reward_id: int, actor: User, reason: str) -> Reward:
    """不予奖励 (a new proposal may follow)."""
    reason = _text(reason)
    if not reason:
        raise _bad("reason_required", _("请填写不予奖励的理由。"), "reason")
    with _reward_step(reward_id=reward_id, actor=actor, check=check_refuse_reward) as reward:
        reward.status, reward.approved_by, reward.approved_at = RewardStatus.REFUSED, actor, timezone.now()
        reward.decision_comment = reason
        _record(reward.tipoff, actor=actor, action=TipOffAction.REWARD_REFUSED, from_status=reward.tipoff.status,
                comment=reason)
    return reward


def reward_record_payment(*, reward_id: int, actor: User, paid_at: datetime.date, reference: str) -> Reward:
    """发放: the date and the payment voucher or transfer number, after approval."""
    reference = _text(reference)
    if not reference:
        raise _bad("reference_required", _("请填写发放凭证号或转账流水号。"), "reference")
    if paid_at is None:
        raise _bad("paid_at_required", _("请填写发放日期。"), "paid_at")
    if paid_at > timezone.localdate():
        raise _bad("paid_at_future", _("发放日期不能晚于今天。"), "paid_at")
    with _reward_step(reward_id=reward_id, actor=actor, check=check_pay_reward) as reward:
        if paid_at < timezone.localtime(reward.approved_at).date():
            raise _bad("paid_before_approval", _("发放日期不能早于批准日期。"), "paid_at")
        reward.status, reward.paid_at, reward.payment_reference = RewardStatus.PAID, paid_at, reference
        reward.paid_recorded_by = actor
        _record(reward.tipoff, actor=actor, action=TipOffAction.REWARD_PAID, from_status=reward.tipoff.status,
                comment=reference, changes={"paid_at": [None, paid_at.isoformat()]})
    return reward


# --- Open311 clients ----------------------------------------------------------------------------

def _key_hash(raw_key: str) -> str:
    # The key is 256 random bits: a keyed fast hash suffices (no password-style stretching).
    return hmac.new(settings.SECRET_KEY.encode(), raw_key.encode(), hashlib.sha256).hexdigest()


def open311_client_create(*, name: str, region: Region, raw_key: str | None = None) -> tuple[Open311Client, str]:
    """A new client and its API key (returned once; only its hash is stored). `raw_key` is for
    the demo data's published key only."""
    name = _text(name)
    if not name:
        raise _bad("name_required", _("请填写客户端名称。"), "name")
    if region.level not in TIPOFF_REGION_LEVELS:
        raise _bad("region_level", _("默认区划须为县（区）或乡镇（街道）。"), "region")
    if raw_key is None:
        raw_key = f"{secrets.token_hex(4)}.{secrets.token_urlsafe(32)}"
    prefix = raw_key.split(".", 1)[0]
    client = Open311Client.objects.create(name=name, region=region, key_prefix=prefix, key_hash=_key_hash(raw_key))
    return client, raw_key


def open311_client_for_key(raw_key: str | None) -> Open311Client | None:
    """The active client holding this key, or None. Constant-time comparison of the hashes."""
    raw_key = _text(raw_key)
    prefix = raw_key.split(".", 1)[0]
    if not prefix or "." not in raw_key:
        return None
    client = Open311Client.objects.select_related("region").filter(key_prefix=prefix, is_active=True).first()
    if client is None or not hmac.compare_digest(client.key_hash, _key_hash(raw_key)):
        return None
    Open311Client.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client
