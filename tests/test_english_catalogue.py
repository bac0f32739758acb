"""The English catalogue is complete and safe: every message has a checked translation, the placeholders of
each translation are those of its Persian source, no Persian digits or punctuation leak into English, and the
committed django.mo says what django.po says (the .mo is what Django reads; a stale one shows Persian).

Pure Python on purpose: no gettext tools, no database — it parses the two files directly and runs in
well under a second.
"""
import gettext
import re
from collections import Counter
from pathlib import Path

import pytest

LC_MESSAGES = Path(__file__).resolve().parent.parent / "samaneh" / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(token):
    assert token.startswith('"') and token.endswith('"'), token
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), token[1:-1])


def parse_po(path):
    """The catalogue's live entries as dicts: msgctxt, msgid, msgid_plural, msgstr ({index or None: text}),
    flags, line. Obsolete (#~) entries are left out: Django never reads them."""
    entries = []
    entry = None
    field = None

    def finish():
        if entry is not None and entry["msgid"] is not None:
            entries.append(entry)

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set(),
                     "line": number}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            kind, index = field
            if kind == "msgstr":
                entry["msgstr"][index] += _unquote(line)
            else:
                entry[kind] += _unquote(line)
        else:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
            assert match, f"{path.name}:{number}: cannot read {line!r}"
            kind, index, text = match.groups()
            if kind == "msgstr":
                field = ("msgstr", int(index) if index is not None else None)
                entry["msgstr"][field[1]] = _unquote(text)
            else:
                field = (kind, None)
                entry[kind] = _unquote(text)
    finish()
    return entries


_PYTHON_DIRECTIVE = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<conv>.?)")
_BRACE_FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")


def python_placeholders(text):
    """The %-directives of `text` (without the literal %%); raises on a lone % that Python would choke on."""
    found = []
    for match in _PYTHON_DIRECTIVE.finditer(text):
        conv = match.group("conv")
        if conv == "%" and match.group(0) == "%%":
            continue
        if conv not in "diouxXeEfFgGcrsa" or not conv:
            raise ValueError(f"stray % in {text!r}")
        found.append(match.group(0))
    return Counter(found)


def brace_placeholders(text):
    return Counter(_BRACE_FIELD.findall(text))


def _label(entry):
    return f"django.po:{entry['line']} {entry['msgid'][:60]!r}"


ENTRIES = parse_po(PO)
MESSAGES = [e for e in ENTRIES if e["msgid"] != ""]
HEADER = next(e for e in ENTRIES if e["msgid"] == "")


def _headers():
    return dict(line.split(": ", 1) for line in HEADER["msgstr"][None].splitlines() if ": " in line)


def _nplurals():
    return int(re.search(r"nplurals\s*=\s*(\d+)", _headers()["Plural-Forms"]).group(1))


def test_header_declares_english_utf8_and_plural_forms():
    headers = _headers()
    assert headers["Language"] == "en"
    assert "charset=UTF-8" in headers["Content-Type"]
    assert _nplurals() == 2


def test_catalogue_is_not_trivially_small():
    # Guards the parser as much as the file: an empty parse would make every other test pass.
    assert len(MESSAGES) > 1000


def test_every_message_has_a_checked_translation():
    problems = []
    for entry in MESSAGES:
        if "fuzzy" in entry["flags"]:
            problems.append(f"{_label(entry)}: still marked fuzzy")
        expected = {None} if entry["msgid_plural"] is None else set(range(_nplurals()))
        if set(entry["msgstr"]) != expected:
            problems.append(f"{_label(entry)}: msgstr forms {sorted(entry['msgstr'], key=str)}, want {expected}")
        for index, text in entry["msgstr"].items():
            if not text.strip():
                problems.append(f"{_label(entry)}: empty msgstr{'' if index is None else f'[{index}]'}")
    assert not problems, "\n".join(problems)


def test_placeholders_match_the_source():
    problems = []
    for entry in MESSAGES:
        for index, text in entry["msgstr"].items():
            source = entry["msgid_plural"] if index not in (None, 0) else entry["msgid"]
            try:
                if "python-format" in entry["flags"] or python_placeholders(source):
                    if python_placeholders(text) != python_placeholders(source):
                        problems.append(f"{_label(entry)}: {dict(python_placeholders(text))} "
                                        f"!= {dict(python_placeholders(source))}")
            except ValueError as error:
                problems.append(f"{_label(entry)}: {error}")
            if brace_placeholders(text) != brace_placeholders(source):
                problems.append(f"{_label(entry)}: braces {dict(brace_placeholders(text))} "
                                f"!= {dict(brace_placeholders(source))}")
            if text[:1].isspace() != source[:1].isspace() or text[-1:].isspace() != source[-1:].isspace():
                problems.append(f"{_label(entry)}: leading/trailing whitespace differs from the source")
    assert not problems, "\n".join(problems)


# Persian digits and punctuation never belong in English text.
PERSIAN_DIGITS_AND_PUNCTUATION = re.compile("[\u06f0-\u06f9\u0660-\u0669\u066a\u066b\u066c\u060c\u061b\u061f«»]")
ARABIC_SCRIPT_LETTERS = re.compile("[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")
# English text that names Arabic letters on purpose (the search accepts them).
LETTERS_ALLOWED_IN = ("ي/ك",)


def test_no_persian_leaks_into_english():
    problems = []
    for entry in MESSAGES:
        for text in entry["msgstr"].values():
            if PERSIAN_DIGITS_AND_PUNCTUATION.search(text):
                problems.append(f"{_label(entry)}: Persian digits or punctuation in {text!r}")
            stripped = text
            for allowed in LETTERS_ALLOWED_IN:
                stripped = stripped.replace(allowed, "")
            if ARABIC_SCRIPT_LETTERS.search(stripped):
                problems.append(f"{_label(entry)}: Persian text in {text!r}")
    assert not problems, "\n".join(problems)


def test_every_msgid_is_unique():
    keys = Counter((e["msgctxt"], e["msgid"]) for e in MESSAGES)
    assert [k for k, n in keys.items() if n > 1] == []


@pytest.fixture(scope="module")
def compiled():
    with MO.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def test_compiled_catalogue_matches_the_po(compiled):
    """Run `manage.py compilemessages -l en` after editing django.po; this fails until the .mo is rebuilt."""
    problems = []
    for entry in MESSAGES:
        if entry["msgid_plural"] is None:
            got = (compiled.pgettext(entry["msgctxt"], entry["msgid"]) if entry["msgctxt"] is not None
                   else compiled.gettext(entry["msgid"]))
            if got != entry["msgstr"][None]:
                problems.append(f"{_label(entry)}: django.mo has {got!r}")
        else:
            for n, index in ((1, 0), (2, 1)):
                got = compiled.ngettext(entry["msgid"], entry["msgid_plural"], n)
                if got != entry["msgstr"][index]:
                    problems.append(f"{_label(entry)}: django.mo has {got!r} for n={n}")
    assert not problems, "django.mo is stale; run compilemessages:\n" + "\n".join(problems)


@pytest.mark.parametrize("text, expected", [
    ("%(n)s of %(all)s", {"%(n)s": 1, "%(all)s": 1}),
    ("%(share)s%% of the budget", {"%(share)s": 1}),
    ("Time: %(s).2f seconds", {"%(s).2f": 1}),
    ("%d rows", {"%d": 1}),
])
def test_placeholder_reader(text, expected):
    assert python_placeholders(text) == Counter(expected)


def test_placeholder_reader_refuses_a_stray_percent():
    with pytest.raises(ValueError):
        python_placeholders("50%, %(n)s")
