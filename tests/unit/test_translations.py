"""The French catalogues are complete, compiled and used.

French is the default language: every user-facing string of the source (Python, templates and
the JavaScript of frontend/) must have a French translation. The .po files are parsed here with
the standard library only, and compared with the compiled .mo files that are committed beside
them (so a newcomer without the gettext tools still gets French).

When this fails after a source change, regenerate and translate:
    python -m django makemessages -l fr [-d djangojs] --ignore=.venv --ignore=tests ...
    msgfmt --check -o virtualcite/locale/fr/LC_MESSAGES/<domain>.mo <domain>.po
"""

from __future__ import annotations

import ast
import json
import re
import struct
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.i18n import JSONCatalog

LOCALE = Path(__file__).resolve().parents[2] / "virtualcite" / "locale" / "fr" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")

# %(name)s, %(name)d, %s, %d, and {name} for str.format-style strings.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included (msgid ""); obsolete (#~) entries skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    flags: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            assert current is not None and target is not None, f"{path}:{number}: stray string"
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, getattr(current, name) + _unquote(line))
            continue
        if keyword in ("msgctxt", "msgid") and (current is None or current.msgstr):
            current = Entry(flags=flags, line=number)
            entries.append(current)
            flags = set()
        assert current is not None, f"{path}:{number}: {keyword} before msgid"
        match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
        if match:
            index = int(match.group(1) or 0)
            current.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        elif keyword in ("msgid", "msgid_plural", "msgctxt"):
            setattr(current, keyword, _unquote(rest))
            target = (keyword, None)
        else:
            raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
    return entries


def read_mo(path: Path) -> dict[str, str]:
    """The original -> translation pairs of a .mo file, as raw strings (plurals joined by NUL)."""
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    _, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    pairs = {}
    for i in range(count):
        olen, ooff = struct.unpack(order + "2I", data[originals + 8 * i : originals + 8 * i + 8])
        tlen, toff = struct.unpack(
            order + "2I", data[translations + 8 * i : translations + 8 * i + 8]
        )
        pairs[data[ooff : ooff + olen].decode()] = data[toff : toff + tlen].decode()
    return pairs


CATALOGUES = {domain: parse_po(LOCALE / f"{domain}.po") for domain in DOMAINS}
MESSAGES = [
    pytest.param(domain, entry, id=f"{domain}:{entry.line}")
    for domain, entries in CATALOGUES.items()
    for entry in entries
    if entry.msgid
]


@pytest.mark.parametrize("domain", DOMAINS)
def test_header_declares_french_plurals(domain):
    header = CATALOGUES[domain][0]
    assert header.msgid == "" and header.msgid_plural is None
    assert "fuzzy" not in header.flags
    assert "Language: fr\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]


@pytest.mark.parametrize("domain", DOMAINS)
def test_catalogue_is_not_empty(domain):
    # A broken makemessages run yields an empty catalogue, which would pass everything else.
    assert len(CATALOGUES[domain]) > 50


@pytest.mark.parametrize(("domain", "entry"), MESSAGES)
def test_entry_is_translated(domain, entry):
    assert "fuzzy" not in entry.flags, f"fuzzy: {entry.msgid!r}"
    expected_forms = 2 if entry.msgid_plural is not None else 1
    assert sorted(entry.msgstr) == list(range(expected_forms)), entry.msgid
    for index, text in entry.msgstr.items():
        assert text.strip(), f"no French for {entry.msgid!r} (form {index})"


@pytest.mark.parametrize(("domain", "entry"), MESSAGES)
def test_placeholders_are_kept(domain, entry):
    if entry.msgid_plural is None:
        sources = {0: entry.msgid}
    else:
        # French form 0 is for 0 and 1, form 1 for more; both carry the count placeholder.
        sources = {0: entry.msgid_plural, 1: entry.msgid_plural}
        assert Counter(PLACEHOLDER.findall(entry.msgid)) == Counter(
            PLACEHOLDER.findall(entry.msgid_plural)
        )
    for index, source in sources.items():
        assert Counter(PLACEHOLDER.findall(entry.msgstr[index])) == Counter(
            PLACEHOLDER.findall(source)
        ), f"{entry.msgid!r} -> {entry.msgstr[index]!r}"


@pytest.mark.parametrize(("domain", "entry"), MESSAGES)
def test_typographic_apostrophe(domain, entry):
    # One apostrophe style across the service: the typographic one.
    for text in entry.msgstr.values():
        assert "'" not in text, f"straight apostrophe in {text!r}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_mo_is_compiled_from_the_po(domain):
    compiled = read_mo(LOCALE / f"{domain}.mo")
    entries = [entry for entry in CATALOGUES[domain] if entry.msgid]
    # msgfmt leaves out fuzzy and untranslated entries; the header is the extra one.
    assert len(compiled) == len(entries) + 1
    for entry in entries:
        key = entry.key if entry.msgid_plural is None else f"{entry.key}\x00{entry.msgid_plural}"
        forms = [entry.msgstr[i] for i in sorted(entry.msgstr)]
        assert compiled.get(key) == "\x00".join(forms), f"stale .mo for {entry.msgid!r}"


def test_django_uses_the_french_catalogue():
    with translation.override("fr"):
        assert translation.gettext("Virtual Cité des métiers") == "Cité des métiers virtuelle"
        assert translation.gettext("Transfer to another pole") == "Orienter vers un autre pôle"
    with translation.override("en"):
        assert translation.gettext("Virtual Cité des métiers") == "Virtual Cité des métiers"
        assert translation.gettext("Transfer to another pole") == "Transfer to another pole"


def test_javascript_catalogue_serves_french():
    request = RequestFactory().get("/jsi18n/")
    with translation.override("fr"):
        response = JSONCatalog.as_view()(request)
    body = json.loads(response.content)
    assert body["catalog"]["Join the queue"] == "Rejoindre la file d’attente"
    assert body["catalog"]["%(n)s person waiting"] == [
        "%(n)s personne en attente",
        "%(n)s personnes en attente",
    ]
    assert body["formats"] and "n > 1" in body["plural"]


def test_dates_keep_french_weekday_names():
    # Our catalogue takes precedence over Django's, and shares the weekday msgids ("Tuesday")
    # with its date formatting: they must stay lower-case, as French writes them in a date.
    from datetime import date

    from django.utils import formats

    with translation.override("fr"):
        assert formats.date_format(date(2026, 11, 24), "l j F") == "mardi 24 novembre"
        assert translation.gettext("Monday") == "lundi"
