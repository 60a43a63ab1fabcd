"""The interface speaks Vietnamese by default and English on request (Django i18n, catalogue in dondoc/locale).

Vietnamese is the source language: the msgids are the Vietnamese texts, the English catalogue translates them.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD

LOCALE = Path(__file__).resolve().parents[2] / "dondoc" / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"


def login(client: Client, user: Any) -> Client:
    # django-axes checks every sign-in against its lockouts: authenticate() needs a request
    assert client.login(request=HttpRequest(), username=user.username, password=PASSWORD)
    return client


def page(client: Client, name: str, **headers: str) -> str:
    response = client.get(reverse(name), headers=headers)
    assert response.status_code == 200, name
    return response.content.decode()


def assert_vietnamese(html: str) -> None:
    assert '<html lang="vi">' in html
    assert ">Kế hoạch</a>" in html and ">Cơ quan</a>" in html
    assert ">Plans</a>" not in html


def assert_english(html: str) -> None:
    assert '<html lang="en">' in html
    assert ">Plans</a>" in html and ">Agencies</a>" in html and ">Log out</button>" in html
    assert ">Kế hoạch</a>" not in html


# --- pages ------------------------------------------------------------------------------------------------------

def test_vietnamese_by_default(client: Client, users: dict[str, Any]) -> None:
    login(client, users["standing"])
    html = page(client, "home")
    assert_vietnamese(html)
    assert "Xin chào, thuongtruc" in html and "Kế hoạch mới nhập" in html and "Đăng xuất" in html
    assert_vietnamese(page(client, "home", accept_language="vi"))


def test_english_only_by_choice_not_from_the_browser(client: Client, users: dict[str, Any]) -> None:
    login(client, users["standing"])
    # an English browser still gets the Vietnamese interface: officers' computers often run English Windows
    assert_vietnamese(page(client, "home", accept_language="en-GB,en;q=0.9"))

    client.cookies["django_language"] = "en"
    html = page(client, "home")
    assert_english(html)
    assert "Hello, thuongtruc" in html and "Recently imported plans" in html and "Import plan" in html
    html = page(client, "plan_list")
    assert_english(html)
    assert "All years" in html and "Plan title" in html
    assert_english(page(client, "agency_directory"))


def test_switcher_posts_to_set_language(client: Client, users: dict[str, Any]) -> None:
    login(client, users["focal"])
    html = page(client, "home")
    assert f'action="{reverse("set_language")}"' in html
    assert '<option value="en">English</option>' in html and '<option value="vi" selected>Tiếng Việt</option>' in html

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("plan_list")})
    assert response.status_code == 302 and response.url == reverse("plan_list")
    assert client.cookies["django_language"].value == "en"
    html = page(client, "home")
    assert_english(html)
    assert '<option value="en" selected>English</option>' in html

    client.post(reverse("set_language"), {"language": "vi", "next": reverse("home")})
    assert_vietnamese(page(client, "home"))


def test_view_messages_are_translated(client: Client, users: dict[str, Any], agencies: dict[str, Any]) -> None:
    login(client, users["standing"])
    client.cookies["django_language"] = "en"
    url = reverse("agency_alias", args=[agencies["justice"].pk])
    html = client.post(url, {"text": "STP thử nghiệm"}, follow=True).content.decode()
    assert "Other name added." in html

    client.cookies["django_language"] = "vi"
    html = client.post(url, {"text": "Sở TP thử nghiệm"}, follow=True).content.decode()
    assert "Đã thêm tên gọi khác." in html


def test_login_page_in_english_when_logged_out(client: Client, users: dict[str, Any]) -> None:
    html = page(client, "login")
    assert "<h1>Đăng nhập</h1>" in html and "Tên đăng nhập" in html
    assert f'action="{reverse("set_language")}"' in html  # the switcher is there for anonymous users too

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302 and response.url == reverse("login")  # not bounced by LoginRequiredMiddleware
    assert client.cookies["django_language"].value == "en"
    html = page(client, "login")
    assert '<html lang="en">' in html
    assert "<h1>Log in</h1>" in html and "Username" in html and "Password" in html

    bad = client.post(reverse("login"), {"username": users["viewer"].username, "password": "sai"}).content.decode()
    assert "Incorrect username or password." in bad
    response = client.post(reverse("login"), {"username": users["viewer"].username, "password": PASSWORD},
                           follow=True)
    assert_english(response.content.decode())


# --- the catalogue ----------------------------------------------------------------------------------------------

@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    strings: dict[str, str] = field(default_factory=dict)


def read_po(path: Path) -> list[Entry]:
    """The .po's entries (the header included, obsolete `#~` ones left out): flags and msgid/msgstr strings."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key = ""
    for line in [*path.read_text("utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None and "msgid" in entry.strings:
                entries.append(entry)
            entry = None
            continue
        entry = entry or Entry()
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry.strings[key] += ast.literal_eval(line)
        else:
            key, _, rest = line.partition(" ")
            entry.strings[key] = ast.literal_eval(rest)
    return entries


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    entries = [e for e in read_po(PO) if e.strings["msgid"]]
    assert len(entries) > 150
    for entry in entries:
        msgid = entry.strings["msgid"]
        assert "fuzzy" not in entry.flags, msgid
        translations = [v for k, v in entry.strings.items() if k.startswith("msgstr")]
        assert translations and all(t.strip() for t in translations), f"chưa dịch: {msgid}"
        placeholders = set(re.findall(r"%\(\w+\)[sd]", msgid))
        for translation in translations:
            assert set(re.findall(r"%\(\w+\)[sd]", translation)) == placeholders, msgid
    msgids = [e.strings["msgid"] for e in entries]
    assert "Kế hoạch" in msgids and "Xác nhận và lưu" in msgids
    header = next(e for e in read_po(PO) if not e.strings["msgid"])
    assert "fuzzy" not in header.flags and "Language: en" in header.strings["msgstr"]


def test_compiled_catalogue_matches_the_po() -> None:
    """The .mo is in the tree (a fresh machine has no msgfmt) and was compiled from the current .po."""
    with MO.open("rb") as handle:
        catalog: dict[Any, str] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    expected: dict[Any, str] = {}
    for entry in read_po(PO):
        msgid = entry.strings["msgid"]
        if not msgid:
            continue
        if "msgctxt" in entry.strings:  # gettext keys a message with a context as "context\x04msgid"
            msgid = f"{entry.strings['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry.strings:
            expected.update({(msgid, int(k[7:-1])): v for k, v in entry.strings.items() if k.startswith("msgstr[")})
        else:
            expected[msgid] = entry.strings["msgstr"]
    compiled = {k: v for k, v in catalog.items() if k != ""}
    assert compiled == expected, "django.mo is stale: run `django-admin compilemessages` in dondoc/"
