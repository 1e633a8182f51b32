"""What an event notice says, as one sentence in the reader's language, and where it leads.

Rendered when read (not stored), so each reader sees it in their own language; everything it
names comes from the notice's subject: the hazard event (its actor, comment and changes), the
tip-off event, or the run."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from .choices import NoticeKind


def _hazard(notice) -> str:
    return f"{notice.hazard.code} {notice.hazard.title}"


def _changed(event, name: str) -> str:
    value = (event.changes or {}).get(name)
    return str(value[1]) if isinstance(value, (list, tuple)) and len(value) == 2 and value[1] is not None else ""


def _actor(event) -> str:
    return event.actor.display_name if event.actor_id else _("系统")


def _with_reason(text: str, comment: str) -> str:
    comment = (comment or "").strip()
    return text + (_("理由：%(reason)s") % {"reason": comment[:200]} if comment else "")


def sentence(notice) -> str:
    kind = notice.kind
    if kind == NoticeKind.RUN_ALARM:
        run = notice.alarm_run
        if run.status == "failed":
            return _("%(date)s 的逾期督办任务运行失败，今天的提醒与督办没有发出，请查看运行记录。") % {
                "date": run.as_of.isoformat()}
        if run.status == "interrupted":
            return _("%(date)s 的逾期督办任务运行中进程退出，没有产生任何变更；之后的运行已补做，请核对运行记录。") % {
                "date": run.as_of.isoformat()}
        return _("%(date)s 的逾期督办任务错过了定时运行，已于启动时补跑，请核对运行记录。") % {"date": run.as_of.isoformat()}
    if kind == NoticeKind.TIPOFF:
        event = notice.tipoff_event
        tipoff = event.tipoff
        if event.action == "accepted":
            return _("%(actor)s 已受理举报 %(code)s，立案为隐患 %(hazard)s。") % {
                "actor": _actor(event), "code": tipoff.tracking_code, "hazard": _changed(event, "hazard")}
        return _with_reason(_("%(actor)s 对举报 %(code)s 不予受理。") % {
            "actor": _actor(event), "code": tipoff.tracking_code}, event.comment)
    event = notice.event
    values = {"actor": _actor(event), "hazard": _hazard(notice)}
    if kind == NoticeKind.REVIEWED:
        if event.action == "confirmed":
            return _("%(actor)s 已认定您上报的隐患 %(hazard)s。") % values
        return _with_reason(_("%(actor)s 对您上报的隐患 %(hazard)s 不予认定。") % values, event.comment)
    if kind == NoticeKind.ASSIGNED:
        # The event's own record of the deadline (what the order said, even if the data was backdated).
        deadline = _changed(event, "current_deadline") or (notice.deadline.isoformat() if notice.deadline else "—")
        return _("%(actor)s 交办隐患 %(hazard)s，请在 %(deadline)s 前完成整改。") % {**values, "deadline": deadline}
    if kind == NoticeKind.EXTENSION_REQUESTED:
        return _with_reason(_("%(actor)s 申请将隐患 %(hazard)s 的整改期限延至 %(date)s，待您审批。") % {
            **values, "date": _changed(event, "requested_deadline")}, event.comment)
    if kind == NoticeKind.EXTENSION_DECIDED:
        if event.action == "extension_approved":
            return _("%(actor)s 批准了隐患 %(hazard)s 的延期申请，整改期限延至 %(date)s。") % {
                **values, "date": _changed(event, "current_deadline")}
        return _with_reason(_("%(actor)s 不予批准隐患 %(hazard)s 的延期申请，整改期限不变。") % values, event.comment)
    if kind == NoticeKind.RECTIFIED:
        return _("%(actor)s 报告隐患 %(hazard)s 已整改完成，待现场复查。") % values
    if kind == NoticeKind.VERIFICATION_FAILED:
        return _with_reason(_("%(actor)s 现场复查隐患 %(hazard)s 不通过，请继续整改。") % values, event.comment)
    if kind == NoticeKind.LISTED:
        text = _("隐患 %(hazard)s 已挂牌督办（%(doc)s）。") % {**values, "doc": notice.hazard.listing_doc_no}
        if _changed(event, "production_suspended") == "True":
            text += _("并已责令停产停业。")
        return text
    if kind == NoticeKind.SIGNED_OFF:
        return _("%(actor)s 已对隐患 %(hazard)s 销号。") % values
    return notice.get_kind_display()


def target_url(notice) -> str:
    if notice.kind == NoticeKind.RUN_ALARM:
        return reverse("notices:runs")
    if notice.kind == NoticeKind.TIPOFF:
        return reverse("tipoffs:detail", args=[notice.tipoff_event.tipoff_id])
    return reverse("hazards:detail", args=[notice.hazard_id])
