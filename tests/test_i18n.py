"""The UI is Chinese first; English is chosen with the language switch and comes from the catalog
in locale/en/LC_MESSAGES/. The catalog tests fail as soon as makemessages adds a string that has
no English yet (README.md, "Translations")."""
from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Region
from hazards.choices import HazardStatus
from tests.factories import HazardFactory, days_from_today, region, supervisor

LOCALE_EN = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
CATALOGS = [LOCALE_EN / "django.po", LOCALE_EN / "djangojs.po"]

# Chinese characters and the full-width punctuation that comes with them (（）：，。、【】…).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
# printf-style placeholders as Python and Django use them: %(name)s, %(size).1f, %d, %s.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?[sdifr]")


# --- the catalog ---------------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """Every entry of a .po file but the header: msgctxt, msgid, msgid_plural, msgstr (a list,
    one per plural form), flags, line. Obsolete entries (#~) are skipped."""
    entries, entry, section = [], {}, None

    def flush():
        nonlocal entry
        if "msgid" in entry and entry["msgid"]:
            entries.append(entry)
        entry = {}

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if "msgid" in entry:
                flush()
            if line.startswith("#,"):
                entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
            continue
        keyword, _, rest = line.partition(" ") if not line.startswith('"') else ("", "", line)
        value = ast.literal_eval(rest)
        if not keyword:
            if section[0] == "msgstr":
                entry["msgstr"][section[1]] += value
            else:
                entry[section[0]] += value
            continue
        if keyword in ("msgctxt", "msgid") and "msgid" in entry:
            flush()
        entry.setdefault("line", lineno)
        match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
        if match:
            index = int(match.group(1) or 0)
            entry.setdefault("msgstr", {})[index] = value
            section = ("msgstr", index)
        else:
            entry[keyword] = value
            section = (keyword, None)
    flush()
    for e in entries:
        e["msgstr"] = [e["msgstr"][i] for i in sorted(e["msgstr"])]
    return entries


def placeholders(text: str) -> tuple[Counter, list[str]]:
    """Named placeholders (with counts) and positional ones (in order) of a format string."""
    text = text.replace("%%", "")
    named, positional = Counter(), []
    for match in PLACEHOLDER.finditer(text):
        if match.group(1):
            named[match.group(0)] += 1
        else:
            positional.append(match.group(0))
    return named, positional


def _label(path: Path, entry: dict) -> str:
    context = f" [{entry['msgctxt']}]" if "msgctxt" in entry else ""
    return f"{path.name}:{entry['line']}{context} {entry['msgid']!r}"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_every_string_in_the_english_catalog_is_translated(path):
    entries = read_po(path)
    assert len(entries) > (100 if path.name == "django.po" else 0)
    untranslated = [_label(path, e) for e in entries if not all(s.strip() for s in e["msgstr"])]
    fuzzy = [_label(path, e) for e in entries if "fuzzy" in e.get("flags", ())]
    assert not untranslated, "no English yet (see README, Translations):\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy (check the English, then remove the flag):\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_every_translation_keeps_the_placeholders_of_its_source(path):
    wrong = []
    for entry in read_po(path):
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        for index, msgstr in enumerate(entry["msgstr"]):
            source = sources[min(index, 1)]
            expected, got = placeholders(source), placeholders(msgstr)
            if got[0] != expected[0] or got[1] != expected[1]:
                wrong.append(f"{_label(path, entry)} -> {msgstr!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_catalog_headers_say_english_and_are_not_fuzzy():
    for path in CATALOGS:
        head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert '"Language: en\\n"' in head
        assert "#, fuzzy" not in head
        assert "Plural-Forms: nplurals=2; plural=(n != 1);" in head


def test_the_placeholder_check_notices_a_dropped_or_renamed_placeholder():
    assert placeholders("共 %(n)s 条") == placeholders("%(n)s items")
    assert placeholders("共 %(n)s 条") != placeholders("items")
    assert placeholders("%(d)s 的任务") != placeholders("run of %(day)s")
    assert placeholders("无法获取位置：%s") == placeholders("Cannot get the location: %s")
    assert placeholders("文件过大（%(size).1f MB）") != placeholders("File too large (%(size)s MB)")


# --- the pages -----------------------------------------------------------------------------

def leftover_chinese(html: str, data: list[str]) -> list[str]:
    """Chinese text in a page once the given data values (names typed by people) and the
    language switch's own "简体中文" (each language is named in itself) are taken out."""
    for value in sorted(filter(None, data), key=len, reverse=True):
        html = html.replace(value, "")
    html = re.sub(r'<option value="zh-hans"[^>]*>简体中文</option>', "", html)
    return CJK.findall(html)


def in_english(client, next_url: str = "/"):
    """Choose English the way the language switch in base.html does."""
    response = client.post(reverse("set_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    return response


@pytest.fixture
def county_supervisor(client):
    user = supervisor("430522", username="sup", full_name="王督办")
    client.force_login(user)
    return user


def _region_names() -> list[str]:
    return list(Region.objects.values_list("name", flat=True))


@pytest.mark.django_db
def test_pages_are_in_chinese_by_default(client, county_supervisor):
    page = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "待认定隐患" in page and "隐患台账" in page
    assert "To confirm" not in page


@pytest.mark.django_db
def test_the_login_page_is_english_after_choosing_english(client):
    response = in_english(client, next_url="/accounts/login/")
    assert response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    for text in ("Log in to the Hazard Investigation and Rectification System", "Username", "Password"):
        assert text in page
    assert leftover_chinese(page, []) == []


@pytest.mark.django_db
def test_the_home_page_has_no_chinese_labels_left_in_english(client, county_supervisor):
    in_english(client)
    page = client.get("/").content.decode()
    for text in ("To confirm", "Rectifying", "Overdue", "To verify", "To sign off", "Signed off",
                 "Hazard ledger", "Report hazard", "Hello, 王督办", "Supervisor", "Log out"):
        assert text in page, text
    # The switch names each language in itself, so a reader of either can find the way back.
    assert '<option value="zh-hans" lang="zh-hans">简体中文</option>' in page
    assert '<option value="en" lang="en" selected>English</option>' in page
    assert leftover_chinese(page, [county_supervisor.display_name, *_region_names()]) == []


@pytest.mark.django_db
def test_the_ledger_in_english_translates_columns_statuses_and_sectors(client, county_supervisor):
    hazard = HazardFactory(status=HazardStatus.RECTIFYING, original_deadline=days_from_today(-2),
                           current_deadline=days_from_today(-2))
    in_english(client)
    page = client.get(reverse("hazards:ledger")).content.decode()
    for text in ("Hazard ledger", "1 item", "Filter", "Code", "Title", "Deadline", "Rectifying",
                 "Industry and trade", "General hazard", "Overdue", "Page 1 of 1"):
        assert text in page, text
    assert "Items" not in page and "1 items" not in page
    data = [hazard.title, hazard.enterprise.name, *_region_names(), county_supervisor.display_name]
    assert leftover_chinese(page, data) == []


@pytest.mark.django_db
def test_a_hazard_page_in_english_shows_its_details_and_actions(client, county_supervisor):
    hazard = HazardFactory(description="配电箱门损坏", address="一号车间")
    in_english(client)
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    for text in ("Details", "Enterprise", "Sector", "Industry and trade", "Category", "Source", "Timeline",
                 "Reported", "General hazard", "Confirm", "Reject", "Reason for rejection"):
        assert text in page, text
    data = [hazard.title, hazard.enterprise.name, hazard.enterprise.address, hazard.description, hazard.address,
            *_region_names(), county_supervisor.display_name]
    assert leftover_chinese(page, data) == []


@pytest.mark.django_db
def test_actions_and_refusals_speak_english(client, county_supervisor):
    reported, confirmed = HazardFactory(), HazardFactory(status=HazardStatus.CONFIRMED)
    in_english(client)

    refused = client.post(reverse("hazards:transition", args=[confirmed.pk, "assign"]), {
        "version": confirmed.version, "responsible_unit": "某公司", "responsible_person": "李四",
        "measures": "更换配电箱", "deadline": days_from_today(-1).isoformat(),
    })
    assert refused.status_code == 400
    assert "The deadline must be after today." in refused.content.decode()

    done = client.post(reverse("hazards:transition", args=[reported.pk, "confirm"]),
                       {"version": reported.version, "level": "general", "comment": ""}, follow=True)
    page = done.content.decode()
    # The message says what happened and where the hazard stands now; the timeline too.
    assert f"Hazard {reported.code}: “Confirm” done, its status is now “Confirmed”." in page
    assert "Hazard confirmed" in page


@pytest.mark.django_db
def test_choosing_chinese_again_switches_back(client, county_supervisor):
    in_english(client)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "待认定隐患" in client.get("/").content.decode()


def test_the_javascript_catalog_serves_the_english_strings_of_app_js(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("javascript-catalog")).content.decode("utf-8")
    assert "Locating\\u2026" in body or "Locating…" in body
    assert "Cannot get the location: %s" in body


def test_an_english_browser_still_gets_chinese_until_the_user_chooses_english(client):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()


# --- the apps merged after the catalog was first written ----------------------------------------


@pytest.mark.django_db
def test_the_english_nav_names_the_inspection_statistics_tipoff_and_accident_pages(client, county_supervisor):
    in_english(client)
    page = client.get("/").content.decode()
    nav = page[page.index('<nav class="mainnav">'):page.index("</nav>", page.index('<nav class="mainnav">'))]
    for url, text in ((reverse("inspections:list"), "Inspections"), (reverse("supervision:dashboard"), "Statistics"),
                      (reverse("tipoffs:queue"), "Tip-offs"), (reverse("incidents:list"), "Accidents")):
        assert f'<a href="{url}">{text}</a>' in nav, text
    assert leftover_chinese(nav, []) == []


def _app_data() -> list[str]:
    """Names people typed or seeded (enterprises, checklists, users), as they appear on the pages."""
    from accounts.models import Enterprise, User
    from inspections.models import ChecklistTemplate

    return [*_region_names(), *Enterprise.objects.values_list("name", flat=True),
            *Enterprise.objects.values_list("address", flat=True),
            *ChecklistTemplate.objects.values_list("name", flat=True),
            *(user.display_name for user in User.objects.all())]


@pytest.mark.django_db
def test_the_inspection_list_in_english_has_no_chinese_labels_left(client, county_supervisor):
    from tests.factories import InspectionFactory

    inspection = InspectionFactory(type="unannounced")
    in_english(client)
    page = client.get(reverse("inspections:list")).content.decode()
    for text in ("Inspections", "Unannounced inspection", "In progress", "Inspection type", "Filter"):
        assert text in page, text
    assert inspection.enterprise.name in page
    assert leftover_chinese(page, _app_data()) == []


@pytest.mark.django_db
def test_the_statistics_dashboard_in_english_has_no_chinese_labels_left(client, county_supervisor):
    HazardFactory(status=HazardStatus.RECTIFYING, original_deadline=days_from_today(-2),
                  current_deadline=days_from_today(-2))
    in_english(client)
    page = client.get(reverse("supervision:dashboard")).content.decode()
    for text in ("Hazard investigation and rectification statistics", "Found", "Rectification rate",
                 "Sign-off rate", "Overdue rate", "By township/street", "Export Excel"):
        assert text in page, text
    assert leftover_chinese(page, _app_data()) == []


@pytest.mark.django_db
def test_the_tipoff_queue_in_english_has_no_chinese_labels_left(client, county_supervisor):
    from tests.factories import TipOffFactory

    tipoff = TipOffFactory()
    in_english(client)
    page = client.get(reverse("tipoffs:queue")).content.decode()
    for text in ("Tip-offs", "Received", "Tracking code", "Record hotline tip-off"):
        assert text in page, text
    assert leftover_chinese(page, [tipoff.description, tipoff.address, *_app_data()]) == []


@pytest.mark.django_db
def test_the_public_tipoff_form_in_english_has_no_chinese_labels_left(client):
    region("430522100")
    in_english(client, next_url=reverse("tipoffs:public-new"))
    page = client.get(reverse("tipoffs:public-new")).content.decode()
    for text in ("Work safety hazard tip-off", "What safety hazard did you find?", "Use current location",
                 "Question: What is", "Submit tip-off"):
        assert text in page, text
    assert leftover_chinese(page, _app_data()) == []


@pytest.mark.django_db
def test_the_accident_list_in_english_has_no_chinese_labels_left(client, county_supervisor):
    from tests.factories import IncidentFactory

    incident = IncidentFactory(deaths=3)
    in_english(client)
    page = client.get(reverse("incidents:list")).content.decode()
    for text in ("Work-safety accidents", "Serious accident", "Fall from height", "Total: ", "Record accident"):
        assert text in page, text
    assert leftover_chinese(page, [incident.title, *_app_data()]) == []


@pytest.mark.django_db
def test_a_circular_drafted_in_english_keeps_its_chinese_text():
    import datetime

    from django.utils import translation

    from supervision import services as supervision_services

    user = supervisor("430522", username="sup", full_name="王督办")
    with translation.override("en"):
        circular = supervision_services.circular_draft(
            actor=user, region_code="430522", period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 3, 31))
    assert circular.title == "关于2026年1月1日至2026年3月31日隐患排查治理逾期情况的通报"
    assert leftover_chinese(circular.introduction, []) and "circulated" not in circular.introduction
