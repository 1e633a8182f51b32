"""Every form of the site, sent with bad input: the page comes back (400) with a Chinese message
on each wrong field, and everything the user typed is still in the form.

The forms are found by walking every `forms.Form`/`ModelForm` subclass defined in the project's
apps; `test_every_form_has_a_bad_input_case` fails for a form without an entry in FORM_CASES,
telling the developer to add one: how to reach the page with a user who may use the form, and
(optionally) the data. By default the case leaves every required field empty, puts an invalid
value in required date/number fields, types text into the optional text fields — and checks
that the required ones have Chinese field errors and the typed text survives.

A GET filter form (`method="get"`) gets its bad input as query parameters and must re-render
the page with the errors. An action form on a detail page is reached with an object brought to
the right state through the app's services; a form where nothing typed can be invalid is sent
into the refusal it can meet (a stale version, or `meanwhile` another user acting first) and
must show it while keeping the text. A form that cannot show an error at all goes, with its
reason, into NO_FIELD_TO_MARK.
"""
from __future__ import annotations

import datetime
import importlib
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests import factories
from tests.isolation_registry import route_exists

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_rate_limits(settings):
    """The public tip-off pages count requests per address in the "tipoffs" cache (Redis when
    REDIS_URL is set, shared by every run): each test counts from zero in its own memory."""
    import uuid

    settings.CACHES = {**settings.CACHES, "tipoffs": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"form-feedback-{uuid.uuid4()}"}}


CJK = re.compile(r"[\u4e00-\u9fff]")
TYPED = "我刚输入的内容"
BAD_DATE = "2026-02-30"
BAD_NUMBER = "一百元"


@dataclass
class FormCase:
    """How to reach a form: `setup(people)` returns (user, url to post to, page that shows the
    form); `form_of(response)` finds the form in a page's context."""

    setup: Callable[[Any], tuple[Any, str]]
    form_of: Callable[[Any], forms.BaseForm] = lambda response: response.context["form"]
    data: Callable[[Any, forms.BaseForm], dict] | None = None  # else generic bad input
    expect_errors_on: tuple[str, ...] | None = None  # else every required visible field
    # Texts/patterns in the page (or a function of the people giving them); else what was typed.
    kept: tuple[str | re.Pattern, ...] | Callable[[Any], tuple] | None = None
    method: str = "post"  # "get": a filter form, the bad input sent as query parameters
    status: tuple[int, ...] = (400, 409)  # what the refused request answers
    # What someone else does between the user loading the page and sending the form (the
    # refusal an action form without invalid input can meet); setup keeps its objects on `people`.
    meanwhile: Callable[[Any], None] | None = None


class People:
    def __init__(self):
        self.enterprise = factories.EnterpriseFactory(region=factories.region("430522100"))
        self.inspector = factories.inspector("430522", username="form_inspector")
        self.supervisor = factories.supervisor("430522", username="form_supervisor")

    def hazard(self, **fields):
        fields.setdefault("enterprise", self.enterprise)
        return factories.HazardFactory(found_by=self.inspector, **fields)


def _not_a_photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("现场.jpg", b"just some text, no picture", content_type="image/jpeg")


def _days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def _transition(name: str, **hazard_fields) -> FormCase:
    def setup(p):
        hazard = p.hazard(**hazard_fields)
        if name == "decide_extension":
            from hazards.models import ExtensionRequest

            ExtensionRequest.objects.create(hazard=hazard, requested_by=p.inspector, reason="等设备",
                                            previous_deadline=hazard.current_deadline,
                                            requested_deadline=_days(30))
        if name == "sign_off":
            from hazards.attachments import store_attachment
            from hazardtrack.upload_checks import check_upload

            store_attachment(hazard=hazard, event=None, kind="after", checked=check_upload(factories.photo()),
                             actor=p.inspector)
            hazard.verified_by = p.inspector
            hazard.save()
        return p.supervisor, f"/hazards/{hazard.pk}/do/{name}/", f"/hazards/{hazard.pk}/"

    def form_of(response):
        return next(a["form"] for a in response.context["actions"] if a["name"] == name)

    return FormCase(setup=setup, form_of=form_of)


RUNNING = {"status": "rectifying", "original_deadline": _days(5), "current_deadline": _days(5)}

FORM_CASES: dict[str, FormCase] = {
    "hazards.forms.HazardReportForm": FormCase(
        setup=lambda p: (p.inspector, "/hazards/new/", "/hazards/new/"),
        data=lambda p, form: {"enterprise": "不存在的单位XYZ", "title": "", "address": "东门仓库旁" + TYPED,
                              "level": "general", "category": "unsafe_condition", "source": "inspection",
                              "latitude": "91"},
        expect_errors_on=("enterprise", "title", "latitude"),
        kept=("不存在的单位XYZ", "东门仓库旁" + TYPED),
    ),
    # Its bad input (a link to no valid hazard) is shown on the report form it is posted with.
    "hazards.forms.DuplicateChoiceForm": FormCase(
        setup=lambda p: (p.inspector, "/hazards/new/", "/hazards/new/"),
        data=lambda p, form: {"enterprise": p.enterprise.name, "title": "", "address": "东门仓库旁" + TYPED,
                              "level": "general", "category": "unsafe_condition", "source": "inspection",
                              "description": "消防通道堵塞", "duplicate_of": "abc"},
        expect_errors_on=("__all__", "title"),
        kept=("消防通道堵塞", "东门仓库旁" + TYPED),
    ),
    "hazards.forms.HazardEditForm": FormCase(
        setup=lambda p: (p.inspector, *[f"/hazards/{p.hazard(status='reported').pk}/edit/"] * 2),
        data=lambda p, form: {"title": "", "description": TYPED, "level": "严重", "category": "unsafe_condition",
                              "sector": "industry_trade", "source": "inspection", "address": "新地址" + TYPED,
                              "version": 1},
        expect_errors_on=("title", "level"),
        kept=(TYPED, "新地址" + TYPED),
    ),
    "hazards.forms.ConfirmForm": _transition("confirm", status="reported"),
    "hazards.forms.RejectForm": _transition("reject", status="reported"),
    "hazards.forms.AssignForm": _transition("assign", status="confirmed"),
    "hazards.forms.PlanForm": _transition("submit_plan", status="assigned", level="major",
                                          original_deadline=_days(5), current_deadline=_days(5)),
    "hazards.forms.ListingForm": _transition("list_supervision", status="confirmed", level="major"),
    "hazards.forms.ExtensionRequestForm": _transition("request_extension", **RUNNING),
    "hazards.forms.ExtensionDecisionForm": _transition("decide_extension", **RUNNING),
    "hazards.forms.RectificationReportForm": _transition("report_rectification", **RUNNING),
    # Not passed without the reasons the rules require, and a "photo" that is a text file.
    "hazards.forms.VerifyForm": FormCase(
        setup=_transition("verify", status="rectification_reported").setup,
        form_of=_transition("verify").form_of,
        data=lambda p, form: {"version": _version(form), "result": "fail", "comment": "",
                              "photos": _not_a_photo()},
        expect_errors_on=("comment", "photos"),
        kept=(re.compile(r'<input type="radio" name="result" value="fail"[^>]*\schecked[\s>]'),),
    ),
    # Nothing the user types can be invalid here; a stale version is the refusal it can meet.
    "hazards.forms.SignOffForm": FormCase(
        setup=_transition("sign_off", status="verified").setup,
        form_of=_transition("sign_off").form_of,
        data=lambda p, form: {"version": 99, "comment": TYPED},
        expect_errors_on=("__all__",),
        kept=(TYPED,),
    ),
}


# --- Excel import: the upload form on /spreadsheets/, the choice of mode on a validated job ----------

def _chosen(name: str, value: str) -> re.Pattern:
    """The radio button the user chose, still checked (a form that lost the choice shows the initial)."""
    return re.compile(rf'<input type="radio" name="{name}" value="{value}"[^>]*\schecked[\s>]')


def _upload_data(p, form):
    from tests.spreadsheets.workbooks import upload

    # A supervisor picks the non-default kind and a file that is no workbook at all.
    return {"kind": "enterprises", "file": upload(b"not a workbook", "单位名录.txt", "text/plain")}


def _validated_job(p):
    """A job that was uploaded and validated: one row imports, one names an unknown enterprise."""
    from spreadsheets import services
    from tests.spreadsheets.workbooks import hazard_file, hazard_row, upload

    rows = [hazard_row(original_code="A", enterprise_name=p.enterprise.name),
            hazard_row(original_code="B", enterprise_name="无此单位")]
    job = services.import_job_create(actor=p.supervisor, kind="hazards", upload=upload(hazard_file(rows)))
    job = services.import_validate(job_id=job.pk)
    assert job.status == "validated" and job.staged, (job.status, job.failure)
    return p.supervisor, f"/spreadsheets/imports/{job.pk}/start/", f"/spreadsheets/imports/{job.pk}/"


FORM_CASES.update({
    "spreadsheets.forms.UploadForm": FormCase(
        setup=lambda p: (p.supervisor, "/spreadsheets/", "/spreadsheets/"),
        data=_upload_data,
        expect_errors_on=("file",),
        kept=(_chosen("kind", "enterprises"),),
    ),
    "spreadsheets.forms.StartForm": FormCase(
        setup=_validated_job,
        form_of=lambda response: response.context["start_form"],
        # Not the default choice, and refused: the file has a row with an error.
        data=lambda p, form: {"mode": "all_or_nothing"},
        expect_errors_on=("mode",),
        kept=(_chosen("mode", "all_or_nothing"),),
    ),
})

# Bases and mixins that are never rendered themselves.
ABSTRACT = {"hazards.forms.TransitionForm", "incidents.forms.ActionForm", "tipoffs.forms.ActionForm",
            "tipoffs.forms.RewardStepForm"}


# --- forms of the apps merged on main, classified ahead (active once the app's pages exist) --------

def _page_form(url: str, who: str) -> FormCase:
    """A form on a page of its own: POSTed to the page, bound form in the context as `form`."""
    def setup(p):
        user = {"inspector": p.inspector, "supervisor": p.supervisor, "public": None}[who]
        return user, url, url
    return FormCase(setup=setup)


if route_exists("inspections:new"):
    FORM_CASES.update({
        "inspections.forms.InspectionCreateForm": _page_form("/inspections/new/", "inspector"),
        "inspections.forms.PlanForm": _page_form("/inspections/plans/new/", "supervisor"),
    })
if route_exists("incidents:new"):
    FORM_CASES["incidents.forms.IncidentForm"] = _page_form("/incidents/new/", "inspector")
if route_exists("tipoffs:hotline"):
    FORM_CASES.update({
        "tipoffs.forms.HotlineTipOffForm": _page_form("/tipoffs/hotline/", "inspector"),
        "tipoffs.forms.PublicTipOffForm": _page_form("/jubao/", "public"),
    })
if route_exists("supervision:reports"):
    FORM_CASES["supervision.forms.SubscriptionForm"] = _page_form("/supervision/reports/", "supervisor")


# --- helpers for the forms below ----------------------------------------------------------------

def _action_in(key: str, name: str) -> Callable[[Any], forms.BaseForm]:
    """The form of action `name` in the page's list `key` of {"name", "form", …} (detail pages)."""
    return lambda response: next(a["form"] for a in response.context[key] if a["name"] == name)


def _version(form: forms.BaseForm):
    """The version the page carries in its hidden field (what a browser sends back)."""
    return form["version"].value()


def _value(text: str) -> re.Pattern:
    """A text input still holding what was typed (not only a message that quotes it)."""
    return re.compile(rf'value="{re.escape(text)}"')


def _selected(value: str) -> re.Pattern:
    """The option the user chose, still selected."""
    return re.compile(rf'<option value="{re.escape(str(value))}"[^>]*\sselected[\s>]')


UNKNOWN_HAZARD = "YH-430522-2026-999999"


# --- tip-offs: the triage decisions and the reward steps on /tipoffs/<pk>/ -----------------------

def _tipoff(p, state: str):
    """A tip-off from 酿溪镇, taken through the tip-off services to `state`: "submitted" (awaits a
    decision), "confirmed" (accepted and its hazard confirmed: a reward may be proposed),
    "proposed" (the inspector proposed a reward), "approved" (the supervisor approved it)."""
    from hazards import services as hazard_services
    from tipoffs import services

    tipoff = services.tipoff_submit(data={
        "description": "酿溪镇某五金厂车间安全出口被锁，通道堆满纸箱。", "address": "新邵县酿溪镇工业园五金厂",
        "region": factories.region("430522100"), "consent": True, "reporter_name": "王举报"})
    if state == "submitted":
        return tipoff
    tipoff = services.tipoff_accept(tipoff_id=tipoff.pk, actor=p.supervisor, expected_version=tipoff.version,
                                    hazard_data={"title": "五金厂安全出口上锁", "sector": factories.sector("fire")})
    hazard = tipoff.hazard
    hazard_services.hazard_confirm(hazard_id=hazard.pk, actor=p.supervisor, expected_version=hazard.version)
    if state != "confirmed":
        p.reward = services.reward_propose(tipoff_id=tipoff.pk, actor=p.inspector, amount="800",
                                           basis="举报查实一般事故隐患")
    if state == "approved":
        services.reward_approve(reward_id=p.reward.pk, actor=p.supervisor, comment="同意")
    return tipoff


def _tipoff_case(state: str, name: str, *, user: str = "supervisor", reward: bool = False, **kw) -> FormCase:
    def setup(p):
        p.tipoff = _tipoff(p, state)
        kind = "reward" if reward else "do"
        return getattr(p, user), f"/tipoffs/{p.tipoff.pk}/{kind}/{name}/", f"/tipoffs/{p.tipoff.pk}/"

    return FormCase(setup=setup, form_of=_action_in("reward_actions" if reward else "actions", name), **kw)


def _approved_by_a_colleague(p):
    from tipoffs import services

    colleague = factories.supervisor("430522", username="form_supervisor_colleague")
    services.reward_approve(reward_id=p.reward.pk, actor=colleague, comment="同意")


FORM_CASES.update({
    # The title left empty, an enterprise that does not exist, no sector; the rest as typed.
    "tipoffs.forms.AcceptForm": _tipoff_case(
        "submitted", "accept",
        data=lambda p, form: {"version": _version(form), "title": "", "description": "安全出口被锁" + TYPED,
                              "enterprise": "不存在的单位XYZ", "sector": "", "level": "major",
                              "category": "unsafe_condition", "comment": "受理意见" + TYPED},
        expect_errors_on=("title", "enterprise", "sector"),
        kept=("安全出口被锁" + TYPED, _value("不存在的单位XYZ"), "受理意见" + TYPED, _chosen("level", "major")),
    ),
    # A hazard code that is not in the ledger.
    "tipoffs.forms.DuplicateForm": _tipoff_case(
        "submitted", "duplicate",
        data=lambda p, form: {"version": _version(form), "hazard_code": UNKNOWN_HAZARD, "comment": TYPED},
        expect_errors_on=("hazard_code",),
        kept=(_value(UNKNOWN_HAZARD), TYPED),
    ),
    "tipoffs.forms.RejectForm": _tipoff_case("submitted", "reject"),  # no reason
    # "Transferred" to the township it already belongs to.
    "tipoffs.forms.TransferForm": _tipoff_case(
        "submitted", "transfer",
        data=lambda p, form: {"version": _version(form), "region": "430522100", "department": "", "note": TYPED},
        expect_errors_on=("region",),
        kept=(_selected("430522100"), TYPED),
    ),
    "tipoffs.forms.RewardProposeForm": _tipoff_case("confirmed", "propose", user="inspector", reward=True),
    # Nothing typed can be invalid here; another supervisor deciding first is the refusal it can meet.
    "tipoffs.forms.RewardApproveForm": _tipoff_case(
        "proposed", "approve", reward=True, meanwhile=_approved_by_a_colleague,
        data=lambda p, form: {"comment": TYPED},
        expect_errors_on=("__all__",),
        kept=(TYPED,),
    ),
    "tipoffs.forms.RewardRefuseForm": _tipoff_case("proposed", "refuse", reward=True),  # no reason
    "tipoffs.forms.RewardPaymentForm": _tipoff_case("approved", "pay", user="inspector", reward=True),
    # GET forms: the public tracking page (a code that matches no tip-off: 404, said on the field)
    # and the figures page.
    "tipoffs.forms.TrackForm": FormCase(
        setup=lambda p: (None, "/jubao/track/", "/jubao/track/"),
        method="get", status=(404,),
        data=lambda p, form: {"code": "ABCD-EFGH-JKMN"},
        expect_errors_on=("code",),
        kept=(_value("ABCD-EFGH-JKMN"),),
    ),
    "tipoffs.forms.FiguresForm": FormCase(
        setup=lambda p: (p.supervisor, "/tipoffs/figures/", "/tipoffs/figures/"),
        method="get",
        data=lambda p, form: {"start": BAD_DATE, "end": "2026-03-31", "region": "99999"},
        expect_errors_on=("start", "region"),
        kept=(_value(BAD_DATE), _value("2026-03-31"), _value("99999")),
    ),
})


# --- incidents: the actions on /incidents/<pk>/, the figures page ---------------------------------

def _incident(p, state: str):
    """A general incident at the enterprise, recorded by the county inspector through the
    incident services: "reported", "investigating" (the county's investigation team set up) or
    "findings" (its findings recorded: it may be closed)."""
    from incidents import services

    incident = services.incident_create(actor=p.inspector, data={
        "title": "建材公司高处坠落事故", "enterprise": p.enterprise, "type": "fall",
        "occurred_at": timezone.now() - datetime.timedelta(minutes=30),
        "deaths": 0, "serious_injuries": 1, "direct_loss": 20000})
    if state == "reported":
        return incident
    incident = services.incident_start_investigation(
        incident_id=incident.pk, actor=p.supervisor, expected_version=incident.version, team_leader="李组长",
        team_members="县应急管理局、县公安局、县总工会")
    if state == "findings":
        from incidents.models import FINDING_FIELDS

        incident = services.incident_record_findings(
            incident_id=incident.pk, actor=p.supervisor, expected_version=incident.version,
            findings={name: "已查明" for name in FINDING_FIELDS})
    return incident


def _incident_case(state: str, name: str, *, user: str = "supervisor", **kw) -> FormCase:
    def setup(p):
        p.incident = _incident(p, state)
        return getattr(p, user), f"/incidents/{p.incident.pk}/do/{name}/", f"/incidents/{p.incident.pk}/"

    return FormCase(setup=setup, form_of=_action_in("actions", name), **kw)


def _reported_by_a_colleague(p):
    from incidents import services

    services.incident_report_step(incident_id=p.incident.pk, actor=p.inspector, note="已电话报市局")


FORM_CASES.update({
    # Only an optional note: the refusal it can meet is a colleague passing the report up first.
    "incidents.forms.ReportStepForm": _incident_case(
        "reported", "report_step", meanwhile=_reported_by_a_colleague,
        data=lambda p, form: {"note": TYPED},
        expect_errors_on=("__all__",),
        kept=(TYPED,),
    ),
    # Figures typed in words.
    "incidents.forms.FiguresForm": _incident_case(
        "reported", "update_figures", user="inspector",
        data=lambda p, form: {"version": _version(form), "deaths": "两人", "missing": "0", "serious_injuries": "1",
                              "minor_injuries": "0", "direct_loss": BAD_NUMBER, "comment": TYPED},
        expect_errors_on=("deaths", "direct_loss"),
        kept=(_value("两人"), _value(BAD_NUMBER), TYPED),
    ),
    "incidents.forms.StartInvestigationForm": _incident_case("reported", "start_investigation"),
    "incidents.forms.ExtendInvestigationForm": _incident_case("investigating", "extend_investigation"),
    # Nothing filled in but a comment: there is no finding to record.
    "incidents.forms.FindingsForm": _incident_case(
        "investigating", "record_findings", user="inspector",
        data=lambda p, form: {"version": _version(form), "direct_causes": "", "indirect_causes": "",
                              "responsible_parties": "", "recommendations": "", "comment": TYPED},
        expect_errors_on=("direct_causes",),
        kept=(_value(TYPED),),
    ),
    "incidents.forms.ListingForm": _incident_case("reported", "list_supervision"),
    "incidents.forms.FollowupHazardForm": _incident_case("reported", "followup_hazard", user="inspector"),
    "incidents.forms.LinkHazardForm": _incident_case(
        "reported", "link_hazard", user="inspector",
        data=lambda p, form: {"hazard_code": UNKNOWN_HAZARD},
        expect_errors_on=("hazard_code",),
        kept=(_value(UNKNOWN_HAZARD),),
    ),
    # A kind chosen but no file.
    "incidents.forms.AttachmentForm": _incident_case(
        "reported", "add_attachments", user="inspector",
        data=lambda p, form: {"kind": "video", "comment": TYPED},
        expect_errors_on=("kind", "files"),
        kept=(_value(TYPED),),
    ),
    "incidents.forms.CloseForm": _incident_case("findings", "close"),
    "incidents.forms.FiguresFilterForm": FormCase(
        setup=lambda p: (p.supervisor, "/incidents/figures/", "/incidents/figures/"),
        method="get",
        data=lambda p, form: {"region": "", "start": BAD_DATE, "end": "2026-06-31"},
        expect_errors_on=("start", "end"),
        kept=(_value(BAD_DATE), _value("2026-06-31")),
    ),
})


# --- inspections: an item's result, finishing, the order, the draw, conflicts of interest ---------

def _inspection(p, *, finished: bool = False):
    """A routine inspection of the enterprise by the county inspector and a colleague with a
    two-item checklist; `finished`: one item failed (an open hazard), the other passed."""
    from inspections import services

    template = factories.checklist((("安全出口畅通", False), ("配电箱接地良好", False)), code="form-feedback")
    colleague = factories.inspector("430522", username="form_inspector_colleague")
    inspection = services.inspection_create(actor=p.inspector, enterprise=p.enterprise, type="routine",
                                            date=timezone.localdate(), inspectors=[p.inspector, colleague],
                                            template=template)
    if finished:
        first, second = inspection.template_version.items.order_by("position")
        services.inspection_record_result(inspection_id=inspection.pk, actor=p.inspector, item_id=first.pk,
                                          result="fail", note="安全出口被货物堵塞")
        services.inspection_record_result(inspection_id=inspection.pk, actor=p.inspector, item_id=second.pk,
                                          result="pass")
        inspection = services.inspection_finish(inspection_id=inspection.pk, actor=p.inspector)
    return inspection


def _item_result(p):
    inspection = _inspection(p)
    first = inspection.template_version.items.order_by("position").first()
    return p.inspector, f"/inspections/{inspection.pk}/items/{first.pk}/", f"/inspections/{inspection.pk}/"


def _item_form(response):
    """The form of the item that was sent (bound), else the first item's."""
    rows = response.context["rows"]
    return next((r.form for r in rows if r.form is not None and r.form.is_bound), rows[0].form)


def _finish(p):
    inspection = _inspection(p)
    return p.inspector, f"/inspections/{inspection.pk}/finish/", f"/inspections/{inspection.pk}/"


def _order(p):
    inspection = _inspection(p, finished=True)
    return p.inspector, f"/inspections/{inspection.pk}/documents/order/", f"/inspections/{inspection.pk}/"


def _plan(p):
    from inspections import services

    plan = services.plan_create(actor=p.supervisor, name="第三季度双随机抽查", region=factories.region("430522"), size=1,
                                start_date=_days(1), end_date=_days(30))
    return p.supervisor, f"/inspections/plans/{plan.pk}/draw/", f"/inspections/plans/{plan.pk}/"


LONG_SEED = "2026年第3季度福利彩票开奖号码" + "0123456789" * 6

FORM_CASES.update({
    # "不符合" without saying what is wrong.
    "inspections.forms.ResultForm": FormCase(
        setup=_item_result, form_of=_item_form,
        data=lambda p, form: {"result": "fail", "note": "", "expected": ""},
        expect_errors_on=("note",),
        kept=(_chosen("result", "fail"),),
    ),
    # A conclusion typed while items are still unanswered (the conclusion is free text).
    "inspections.forms.FinishForm": FormCase(
        setup=_finish, form_of=lambda response: response.context["finish_form"],
        data=lambda p, form: {"version": _version(form), "conclusion": "检查结论" + TYPED},
        expect_errors_on=("__all__",),
        kept=("检查结论" + TYPED,),
    ),
    # A deadline that is not after today.
    "inspections.forms.OrderForm": FormCase(
        setup=_order, form_of=lambda response: response.context["order_form"],
        data=lambda p, form: {"deadline": timezone.localdate().isoformat()},
        expect_errors_on=("deadline",),
        kept=lambda p: (_value(timezone.localdate().isoformat()),),
    ),
    # A seed longer than the 64 characters stored (not silently replaced by a random one).
    "inspections.forms.DrawForm": FormCase(
        setup=_plan, form_of=lambda response: response.context["draw_form"],
        data=lambda p, form: {"seed": LONG_SEED},
        expect_errors_on=("seed",),
        kept=(_value(LONG_SEED),),
    ),
    "inspections.forms.ConflictForm": FormCase(
        setup=lambda p: (p.supervisor, "/inspections/conflicts/", "/inspections/conflicts/"),
        data=lambda p, form: {"inspector": p.inspector.pk, "enterprise": "不存在的单位XYZ", "reason": ""},
        expect_errors_on=("enterprise", "reason"),
        kept=lambda p: (_selected(p.inspector.pk), _value("不存在的单位XYZ")),
    ),
})


# --- supervision: the dashboard's period, the circulars (通报) --------------------------------------

def _circular(p):
    from supervision import services

    circular = services.circular_draft(actor=p.supervisor, region_code="430522", period_start=_days(-60),
                                       period_end=_days(-1))
    return p.supervisor, f"/supervision/circulars/{circular.pk}/", f"/supervision/circulars/{circular.pk}/"


FORM_CASES.update({
    # A custom period with an impossible start and no end.
    "supervision.forms.DashboardForm": FormCase(
        setup=lambda p: (p.supervisor, "/supervision/", "/supervision/"),
        method="get",
        data=lambda p, form: {"period": "custom", "start": BAD_DATE, "end": "", "trend": "week"},
        expect_errors_on=("start", "end"),
        kept=(_value(BAD_DATE), _selected("custom"), _selected("week")),
    ),
    "supervision.forms.CircularDraftForm": _page_form("/supervision/circulars/", "supervisor"),
    "supervision.forms.CircularEditForm": FormCase(setup=_circular),  # the title emptied
})


# --- resuming production after a major hazard (hazard detail page); the escalation rules ---------

def _resume(name: str) -> FormCase:
    """A major hazard under 停产停业, its rectification reported with the assessment report: the
    enterprise's contact applies to resume (apply_resume); with the inspector's application
    waiting, the county supervisor reviews it (review_resume)."""
    def setup(p):
        from hazards import services

        hazard = p.hazard(status="rectification_reported", level="major", listing_level="county",
                          production_suspended=True, assessment_report="第三方评估：隐患已消除",
                          original_deadline=_days(-1), current_deadline=_days(-1))
        user = p.supervisor
        if name == "apply_resume":
            user = factories.enterprise_contact(p.enterprise, username="form_contact")
        else:
            services.hazard_apply_resume(hazard_id=hazard.pk, actor=p.inspector, expected_version=hazard.version,
                                         content="已整改到位并经评估，申请恢复生产")
        return user, f"/hazards/{hazard.pk}/do/{name}/", f"/hazards/{hazard.pk}/"

    return FormCase(setup=setup, form_of=_transition(name).form_of)


def _policy_admin(p):
    from accounts.choices import Role

    admin = factories.UserFactory(role=Role.ADMIN, region=factories.region("430522"), username="form_admin")
    return admin, "/notices/policy/", "/notices/policy/"


FORM_CASES.update({
    "hazards.forms.ApplyResumeForm": _resume("apply_resume"),  # nothing written in the application
    # Not passed, without the reason the rules require.
    "hazards.forms.ReviewResumeForm": FormCase(
        setup=_resume("review_resume").setup, form_of=_transition("review_resume").form_of,
        data=lambda p, form: {"version": _version(form), "result": "fail", "opinion": "",
                              "review_date": _days(1).isoformat()},
        expect_errors_on=("opinion", "review_date"),
        kept=lambda p: (_chosen("result", "fail"), _value(_days(1).isoformat())),
    ),
    # Level 2 on the due date itself, and a number in words.
    "notices.forms.EscalationPolicyForm": FormCase(
        setup=_policy_admin,
        data=lambda p, form: {"remind_days_general": "5", "level2_days_general": "0", "level3_days_general": "15",
                              "remind_days_major": "七天", "level2_days_major": "3", "level3_days_major": "7"},
        expect_errors_on=("level2_days_general", "remind_days_major"),
        kept=(re.compile(r'name="remind_days_general" value="5"'), re.compile(r'name="level2_days_general" value="0"'),
              _value("七天")),
    ),
})


# Nothing typed, and a document number where only the office's short name belongs.
FORM_CASES["supervision.forms.IssuingBodyForm"] = FormCase(
    setup=lambda p: (*_policy_admin(p)[:1], "/supervision/issuing-body/", "/supervision/issuing-body/"),
    data=lambda p, form: {"full_name": "", "short_name": "新邵县安委办〔2026〕3号", "main_to": "", "copy_to": TYPED},
    expect_errors_on=("full_name", "short_name", "main_to"),
    kept=(_value("新邵县安委办〔2026〕3号"), _value(TYPED)),
)


# Forms where only one thing can be wrong at a time, with the reason (every other form's case makes
# two fields wrong and both errors must show at once: issue 16).
ONE_THING_TO_GET_WRONG: dict[str, str] = {
    "hazards.forms.ConfirmForm": "the level is the only input (the comment is free text)",
    "hazards.forms.RejectForm": "the reason is the only input",
    "hazards.forms.ApplyResumeForm": "the application's text is the only input",
    "hazards.forms.SignOffForm": "nothing typed can be wrong: a stale version is its only refusal",
    "incidents.forms.ReportStepForm": "an optional note: a colleague acting first is its only refusal",
    "incidents.forms.FindingsForm": "one rule over the four texts: at least one finding",
    "incidents.forms.LinkHazardForm": "the hazard code is the only input",
    "inspections.forms.DrawForm": "the seed is the only input",
    "inspections.forms.FinishForm": "the conclusion is free text: unanswered items are its only refusal",
    "inspections.forms.OrderForm": "the deadline is the only input",
    "inspections.forms.ResultForm": "one item's answer: a failed item needs its description",
    "spreadsheets.forms.StartForm": "the mode is the only input",
    "spreadsheets.forms.UploadForm": "the file is checked against the kind chosen (the missing kind: see "
                                     "test_the_import_forms_refuse_a_missing_or_unknown_choice_in_chinese)",
    "supervision.forms.CircularEditForm": "the title is the only required input (the texts are free)",
    "tipoffs.forms.DuplicateForm": "the hazard code is the only input",
    "tipoffs.forms.RejectForm": "the reason is the only input",
    "tipoffs.forms.RewardApproveForm": "nothing typed can be wrong: a colleague deciding first is its only refusal",
    "tipoffs.forms.RewardRefuseForm": "the reason is the only input",
    "tipoffs.forms.TrackForm": "the tracking code is the only input",
    "tipoffs.forms.TransferForm": "one choice: a region or a department",
    "notices.forms.NoticePreferencesForm": "ticks only: an email kind ticked without an email address is its only refusal",
}


# The calendar page (province administrators): a day that is no date, a notice without its title.
def _calendar_admin(p):
    from accounts.choices import Role

    admin = factories.UserFactory(role=Role.ADMIN, region=factories.region("43"), username="form_calendar_admin")
    return admin, "/workdays/?year=2026", "/workdays/?year=2026"


FORM_CASES.update({
    "workdays.forms.CalendarDayForm": FormCase(
        setup=_calendar_admin,
        form_of=lambda response: response.context["day_form"],
        data=lambda p, form: {"action": "day", "day-day": BAD_DATE, "day-kind": "不是类型", "day-name": TYPED},
        expect_errors_on=("day", "kind"),
        kept=(_value(TYPED), _value(BAD_DATE)),
    ),
    "workdays.forms.CalendarNoticeForm": FormCase(
        setup=_calendar_admin,
        form_of=lambda response: response.context["notice_form"],
        data=lambda p, form: {"action": "notice", "notice-source_title": "", "notice-source_number": TYPED,
                              "notice-source_published_on": BAD_DATE, "notice-source_url": "不是地址"},
        expect_errors_on=("source_title", "source_published_on", "source_url"),
        kept=(_value(TYPED), _value(BAD_DATE)),
    ),
})


# 消息设置 of an inspector without an email address who ticks email for one kind: refused on that
# field; the ticks (and the boxes cleared) stay as sent.
FORM_CASES["notices.forms.NoticePreferencesForm"] = FormCase(
    setup=lambda p: (p.inspector, "/notices/preferences/", "/notices/preferences/"),
    data=lambda p, form: {"email_assigned": "on"},
    expect_errors_on=("email_assigned",),
    kept=(re.compile(r'name="email_assigned"[^>]* checked'), re.compile(r'name="email_listed" id="id_email_listed">')),
)


# Forms that cannot show a field error by design, with the reason.
NO_FIELD_TO_MARK = {
    # The publish / refresh / delete buttons of a draft circular: the page writes their only
    # field, the hidden version, itself (the class is never rendered); nothing is typed, and a
    # stale version is told as a page message.
    "supervision.forms.VersionForm",
}


# Forms merged on main whose bad-input case is still to be written, listed by name so that the
# debt is visible (any NEW form still fails test_every_form_has_a_bad_input_case until it has a
# case). Empty now: keep it so; never grow it.
NOT_YET_COVERED: set[str] = set()


def project_forms() -> dict[str, type]:
    """Every form class defined in the project's own apps (not Django's, not a library's)."""
    root = str(settings.BASE_DIR)
    for config in apps.get_app_configs():
        if config.path.startswith(root) and not config.path.startswith(f"{root}/.venv"):
            try:
                importlib.import_module(f"{config.name}.forms")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.forms":
                    raise
    found, todo = {}, [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        app = cls.__module__.split(".")[0]
        if any(c.name == app and c.path.startswith(root) for c in apps.get_app_configs()):
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


def test_every_form_has_a_bad_input_case():
    listed_twice = sorted(set(FORM_CASES) & (ABSTRACT | NO_FIELD_TO_MARK | NOT_YET_COVERED))
    assert not listed_twice, f"These forms have a case and are also listed as exempt or uncovered: {listed_twice}"
    missing = sorted(set(project_forms()) - set(FORM_CASES) - ABSTRACT - NO_FIELD_TO_MARK - NOT_YET_COVERED)
    assert not missing, (
        f"These forms have no bad-input case in {__file__}: {missing}. Add a FormCase to FORM_CASES "
        "saying how to reach the page (user and URL) so the test can check that bad input shows "
        "Chinese field errors and keeps what was typed.")


def generic_bad_input(form: forms.BaseForm) -> tuple[dict, tuple[str, ...], tuple[str, ...]]:
    """Required fields empty (dates and numbers: an invalid value instead), optional text typed."""
    # A browser always sends the CSRF token: the POST is never empty (views test `request.POST or None`).
    data, errors_on, kept = {"csrfmiddlewaretoken": "sent-by-every-browser"}, [], []
    for name, f in form.fields.items():
        if isinstance(f.widget, forms.HiddenInput):
            value = form.initial.get(name, f.initial)
            if value is not None:
                data[name] = value
            continue
        if isinstance(f, forms.DateField):
            data[name] = BAD_DATE
            errors_on.append(name)
            kept.append(BAD_DATE)
        elif isinstance(f, forms.DecimalField):
            data[name] = BAD_NUMBER
            errors_on.append(name)
            kept.append(BAD_NUMBER)
        elif f.required:
            errors_on.append(name)
        elif type(f) is forms.CharField:
            data[name] = f"{TYPED}:{name}"
            kept.append(f"{TYPED}:{name}")
    return data, tuple(errors_on), tuple(kept)


@pytest.mark.parametrize("path", sorted(FORM_CASES))
def test_bad_input_shows_chinese_field_errors_and_keeps_what_was_typed(path, client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    case = FORM_CASES[path]
    people = People()
    user, url, page_url = case.setup(people)
    if user is not None:  # None: a public form
        client.force_login(user)
    blank = case.form_of(client.get(page_url))
    if case.data:
        data, errors_on, kept = case.data(people, blank), case.expect_errors_on, case.kept
        if callable(kept):
            kept = kept(people)
    else:
        data, errors_on, kept = generic_bad_input(blank)
    assert errors_on, f"{path}: the case checks no field"
    assert len(errors_on) >= 2 or path in ONE_THING_TO_GET_WRONG, (
        f"{path}: the case checks one wrong field only; make two fields wrong (both errors must show at "
        "once) or say in ONE_THING_TO_GET_WRONG why nothing else can be wrong")

    if case.meanwhile:
        case.meanwhile(people)
    response = client.get(url, data) if case.method == "get" else client.post(url, data)

    assert response.status_code in case.status, f"{path}: {response.status_code}"
    form = case.form_of(response)
    page = response.content.decode()
    for name in errors_on:
        messages = form.errors.get(name)
        assert messages, f"{path}: no error on {name!r} (errors: {form.errors.as_data()})"
        assert all(CJK.search(m) for m in messages), f"{path}: {name!r} error is not Chinese: {messages}"
        for message in messages:
            assert str(message).replace('"', "&quot;") in page or str(message) in page, f"{path}: {message} not shown"
    for text in kept:
        found = text.search(page) if isinstance(text, re.Pattern) else text in page
        assert found, f"{path}: what the user typed ({text!r}) is gone from the page"


def test_the_import_forms_refuse_a_missing_or_unknown_choice_in_chinese(client, settings):
    """What the form itself refuses (before any service runs) on the two import forms."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    people = People()
    user, start_url, _page = _validated_job(people)
    client.force_login(user)

    upload = client.post("/spreadsheets/", {"kind": "", "csrfmiddlewaretoken": "sent-by-every-browser"})
    start = client.post(start_url, {"mode": "everything"})

    for response, form, fields in ((upload, "form", ("kind", "file")), (start, "start_form", ("mode",))):
        assert response.status_code == 400
        errors = response.context[form].errors
        for name in fields:
            assert errors.get(name) and all(CJK.search(m) for m in errors[name]), errors.as_data()
            assert all(m in response.content.decode() for m in errors[name])


def test_the_login_form_says_why_in_chinese_and_keeps_the_username(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    factories.inspector(username="zhangsan")
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200 and "请输入一个正确的" in page and 'value="zhangsan"' in page


def test_the_password_change_form_marks_the_wrong_old_password(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client.force_login(factories.inspector())
    response = client.post("/accounts/password/", {"old_password": "wrong", "new_password1": "Xinshao2026anjian",
                                                   "new_password2": "Xinshao2026anjian"})
    assert "old_password" in response.context["form"].errors
    assert CJK.search(response.context["form"].errors["old_password"][0])
