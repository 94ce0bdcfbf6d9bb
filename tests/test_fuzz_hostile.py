"""Hostile input, fuzzed with hypothesis (bounded sizes, so no case can hang): the vCard reader, the DAV XML
handling and href checks of the CardDAV connector, and the YAML configuration loader.

Each may only fail with its documented error (CardError, BadServerResponse, ConfigError), every rejection
carries a message that says what is wrong, and nothing is written anywhere. Cards that have a card's structure
are read, not refused, and survive a write-back (unknown and grouped properties kept, meaning unchanged).

CONTACTSYNC_FUZZ_EXAMPLES=2000 searches longer (CI keeps the default bounded).
"""

from __future__ import annotations

import os
import string
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from contactsync.config import parse_settings
from contactsync.connectors.carddav import davxml, hrefs
from contactsync.connectors.carddav.davxml import BadServerResponse
from contactsync.errors import ConfigError
from contactsync.settings import Settings
from contactsync.vcard import CardError, decode_card_bytes, parse_card, render_card

EXAMPLES = int(os.environ.get("CONTACTSYNC_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# ------------------------------------------------------------------------------------------------ vCard

PROPERTY_NAMES = (
    "FN",
    "N",
    "NICKNAME",
    "EMAIL",
    "TEL",
    "ADR",
    "ORG",
    "TITLE",
    "BDAY",
    "ANNIVERSARY",
    "URL",
    "NOTE",
    "CATEGORIES",
    "UID",
    "REV",
    "PHOTO",
    "KIND",
    "MEMBER",
    "X-CUSTOM",
    "X-SOCIALPROFILE",
    "X-ABLABEL",
    "X-CONTACTSYNC-ID",
    "IMPP",
    "GEO",
    "TZ",
    "LABEL",
)
PARAMS = (
    "TYPE=WORK",
    "TYPE=HOME",
    "TYPE=CELL",
    "TYPE=pref",
    "PREF=1",
    "ENCODING=QUOTED-PRINTABLE",
    "ENCODING=b",
    "ENCODING=BASE64",
    "CHARSET=UTF-8",
    "CHARSET=ISO-8859-1",
    "CHARSET=bogus",
    "VALUE=uri",
    "VALUE=date",
    "VALUE=text",
    'TYPE="work,voice"',
    "X-FOO=bar",
    'LABEL="a;b:c"',
    "WORK",
)
VALUE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
DATE_LIKE = st.sampled_from(
    [
        "1980-04-15",
        "19800415",
        "--0415",
        "--04-15",
        "1980",
        "1980-04",
        "---15",
        "1980-13-45",
        "0000-00-00",
        "20240229T101010Z",
        "not a date",
        "",
        "-",
        "--",
    ]
)


@st.composite
def content_lines(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(PROPERTY_NAMES) | st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,12}", fullmatch=True))
    group = draw(st.sampled_from(["", "item1.", "item2.", "a.", "x-grp."]))
    params = draw(st.lists(st.sampled_from(PARAMS), max_size=3))
    value = draw(
        st.one_of(
            VALUE_TEXT,
            DATE_LIKE,
            st.sampled_from(
                [
                    "a;b;c;d;e",
                    ";;;;",
                    "=C3=A9t=C3=A9=",
                    "=\r\n",
                    "aGVsbG8=",
                    "data:image/png;base64,AAAA",
                    "\\n\\,\\;",
                    "urn:uuid:x",
                    "+1 415 555 0100",
                    "(415) 555-0100 ext 12",
                    "mailto:a@b",
                ]
            ),
        )
    )
    value = value.replace("\r", "").replace("\n", "\\n")
    if "ENCODING=QUOTED-PRINTABLE" in params and value.endswith("="):
        value += "x"  # a soft line break before END:VCARD would swallow it: a truncated card, refused rightly
    return f"{group}{';'.join([name, *params])}:{value}"


def fold_at(line: str, positions: list[int]) -> str:
    """Fold a line at the given offsets (RFC 6350 3.2: CRLF + one space), wherever they fall."""
    out, last = [], 0
    for p in sorted({p % (len(line) + 1) for p in positions}):
        if p > last:
            out.append(line[last:p])
            last = p
    out.append(line[last:])
    return "\r\n ".join(out)


@st.composite
def cards(draw: st.DrawFn) -> str:
    version = draw(st.sampled_from(["2.1", "3.0", "4.0", "", "9.9"]))
    lines = ["BEGIN:VCARD"]
    if version:
        lines.append(f"VERSION:{version}")
    for line in draw(st.lists(content_lines(), max_size=25)):
        lines.append(fold_at(line, draw(st.lists(st.integers(0, 200), max_size=3))))
    lines.append("END:VCARD")
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    return newline.join(lines) + newline


@FUZZ
@given(text=st.text(max_size=2000))
@example(text="BEGIN:VCARD\r\nEND:VCARD\r\n")
@example(text="BEGIN:VCARD\r\nBEGIN:VCARD\r\nEND:VCARD\r\nEND:VCARD\r\n")
@example(text="END:VCARD\r\nBEGIN:VCARD\r\n")
@example(text="BEGIN:VCARD\r\nVERSION:3.0\r\nFN:a\r\nEND:VCARD\r\nBEGIN:VCARD\r\nEND:VCARD\r\n")
@example(text="BEGIN:VCARD\r\nAGENT:BEGIN:VCARD\\nFN:x\\nEND:VCARD\r\nEND:VCARD\r\n")
def test_any_text_is_a_card_or_a_card_error(text: str) -> None:
    try:
        parse_card(text)
    except CardError as exc:
        assert str(exc), "a refused card must say why"


@FUZZ
@given(data=st.binary(max_size=2000))
@example(data=b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=A9=\r\n=C3\r\nEND:VCARD")
@example(data=b"\xff\xfeB\x00E\x00G\x00I\x00N\x00:\x00V\x00C\x00A\x00R\x00D\x00")
@example(data="BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jos\u00e9\r\nEND:VCARD\r\n".encode()[:-12] + b"\r\n \xa9")
def test_any_bytes_decode_and_parse_or_refuse_cleanly(data: bytes) -> None:
    text = decode_card_bytes(data)
    try:
        parse_card(text)
    except CardError as exc:
        assert str(exc)


@FUZZ
@given(card=cards())
def test_a_card_shaped_text_is_read_never_refused(card: str) -> None:
    """Bad encodings, control characters, odd dates, unknown and grouped properties, lines folded anywhere (also
    inside a multi-byte character): tolerated, as the reader documents."""
    parse_card(card)


@FUZZ
@given(card=cards(), cut=st.integers(0, 400))
def test_a_card_folded_inside_a_multibyte_character_still_reads(card: str, cut: int) -> None:
    """A fold (CRLF + space) inserted between any two bytes inside a content line, multi-byte characters
    included, is undone before decoding."""
    raw = card.encode()
    inside = [
        i
        for i in range(raw.find(b"\n") + 1, raw.rfind(b"END:VCARD"))
        if raw[i - 1 : i] not in (b"\r", b"\n") and raw[i : i + 1] not in (b"\r", b"\n")
    ]
    assume(inside)
    at = inside[cut % len(inside)]
    parse_card(decode_card_bytes(raw[:at] + b"\r\n " + raw[at:]))


@FUZZ
@given(card=cards())
def test_write_back_keeps_meaning_and_what_the_model_does_not_hold(card: str) -> None:
    """Round trip (invariant 12): read, write back over the original, read again: the same contact, and every
    X- or grouped property we do not map is still on the card."""
    parsed = parse_card(card)
    version = parsed.version
    rendered = render_card(parsed.contact, uid=parsed.uid or "fuzz-uid", marker="cid-1", version=version, original=card)
    again = parse_card(rendered)
    # the model's fields exactly; the carried lines (vcard_lines) may differ on degenerate cards (a value given
    # twice with other parameters), where a card rewritten keeps one of the two lines
    assert replace(again.contact, vcard_lines=()) == replace(parsed.contact, vcard_lines=())
    if rendered == card:
        return  # nothing changed: the card is not rewritten, not even for the marker (issue #15)
    assert again.marker == "cid-1"
    assert again.uid == (parsed.uid or "fuzz-uid")


def test_a_huge_card_is_read_in_bounded_work() -> None:
    """Ten thousand folded continuation lines and a 5 MB photo: read (photo dropped), not hung."""
    note = "NOTE:" + "\r\n ".join("x" * 70 for _ in range(10_000))
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "A" * 5_000_000
    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\n{note}\r\n{photo}\r\nEND:VCARD\r\n"
    parsed = parse_card(card, photo_max_bytes=1_000_000)
    assert parsed.contact.photo is None and parsed.photo_dropped
    assert len(parsed.contact.note) == 700_000


# ------------------------------------------------------------------------------------------------ DAV XML

HOSTILE_XML = [
    # billion laughs
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><D:multistatus xmlns:D="DAV:"><D:response>'
    b"<D:href>&lol3;</D:href></D:response></D:multistatus>",
    # external entity
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<D:multistatus xmlns:D="DAV:"><D:response><D:href>&xxe;</D:href></D:response></D:multistatus>',
    # external DTD
    b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://127.0.0.1:9/evil.dtd"><D:multistatus xmlns:D="DAV:"/>',
    # parameter entities
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p"> %p;]><x/>',
    # quadratic blowup without nesting: one big entity used many times
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "'
    + b"a" * 10_000
    + b'">]><D:multistatus xmlns:D="DAV:">'
    + b"<D:response><D:href>"
    + b"&a;" * 1000
    + b"</D:href></D:response></D:multistatus>",
]


@pytest.mark.parametrize(
    "body", HOSTILE_XML, ids=["billion-laughs", "xxe", "external-dtd", "parameter-entity", "quadratic"]
)
def test_hostile_xml_is_refused_with_a_clear_error(body: bytes) -> None:
    with pytest.raises(BadServerResponse, match=r"DTD|entit|malformed"):
        davxml.parse_multistatus(body)
    assert davxml.error_conditions(body) == ()


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0" encoding="bogus"?><a/>',
        b'<?xml version="1.0" encoding="x-no-such-codec"?><D:multistatus xmlns:D="DAV:"/>',
    ],
)
def test_an_unknown_xml_encoding_is_a_bad_server_response(body: bytes) -> None:
    with pytest.raises(BadServerResponse):
        davxml.parse_multistatus(body)


@st.composite
def multistatus(draw: st.DrawFn) -> bytes:
    responses = []
    for _ in range(draw(st.integers(0, 8))):
        href = draw(
            st.one_of(
                st.text(max_size=40),
                st.sampled_from(
                    [
                        "/alice/book/a.vcf",
                        "../../etc/passwd",
                        "http://evil.example/x.vcf",
                        "//evil/x",
                        "",
                        " ",
                        "/alice/book/",
                        "/alice/book/sub/x.vcf",
                        "/alice/book/%2e%2e/x",
                        "/alice/book/a%2Fb.vcf",
                    ]
                ),
            )
        )
        status = draw(
            st.sampled_from(
                [
                    "HTTP/1.1 200 OK",
                    "HTTP/1.1 404 Not Found",
                    "garbage",
                    "",
                    "HTTP/1.1",
                    "HTTP/1.1 99999999999999999999 x",
                ]
            )
        )
        etag = draw(st.text(max_size=20))
        data = draw(st.one_of(st.none(), VALUE_TEXT))
        props = f"<D:getetag>{_x(etag)}</D:getetag>"
        if data is not None:
            props += f"<C:address-data>{_x(data)}</C:address-data>"
        where = draw(st.sampled_from(["response", "propstat"]))
        if where == "response":
            responses.append(
                f"<D:response><D:href>{_x(href)}</D:href><D:status>{status}</D:status>"
                f"<D:propstat><D:prop>{props}</D:prop></D:propstat></D:response>"
            )
        else:
            responses.append(
                f"<D:response><D:href>{_x(href)}</D:href><D:propstat><D:prop>{props}</D:prop>"
                f"<D:status>{status}</D:status></D:propstat></D:response>"
            )
    token = draw(st.one_of(st.none(), st.text(max_size=30)))
    tail = f"<D:sync-token>{_x(token)}</D:sync-token>" if token is not None else ""
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:" '
        f'xmlns:C="urn:ietf:params:xml:ns:carddav">{"".join(responses)}{tail}</D:multistatus>'
    )
    return body.encode("utf-8", errors="surrogatepass")


def _x(text: str) -> str:
    """XML-escaped, with characters XML 1.0 cannot carry left out."""
    ok = "".join(
        c
        for c in text
        if c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD or 0x10000 <= ord(c) <= 0x10FFFF
    )
    return ok.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@FUZZ
@given(body=st.binary(max_size=3000))
@example(body=b"")
@example(body=b"<")
@example(body=b'<D:error xmlns:D="DAV:"><D:valid-sync-token/></D:error>')
@example(body=b"\xef\xbb\xbf<D:multistatus xmlns:D='DAV:'/>")
def test_any_bytes_are_a_multistatus_or_a_bad_server_response(body: bytes) -> None:
    try:
        davxml.parse_multistatus(body)
    except BadServerResponse as exc:
        assert str(exc)
    conditions = davxml.error_conditions(body)  # never raises: () for anything that is not a DAV error
    assert isinstance(conditions, tuple)


@FUZZ
@given(body=multistatus())
def test_a_generated_multistatus_is_read(body: bytes) -> None:
    result = davxml.parse_multistatus(body)
    for entry in result.entries:
        assert entry.href == entry.href.strip()
        assert entry.status is None or isinstance(entry.status, int)


BOOK = "http://127.0.0.1:5232/alice/book/"


@FUZZ
@given(
    href=st.one_of(
        st.text(max_size=60),
        st.from_regex(
            r"(https?://[a-z0-9.:@]{0,20})?(/|\.\./|%2[eE]%2[eE]/|%2[fF]|alice/|book/|[a-z.]{0,6}/?){0,6}[a-z0-9.%]{0,10}",
            fullmatch=True,
        ),
    )
)
@example(href="/alice/book/../book/x.vcf")
@example(href="/alice/book/%2e%2e/%2e%2e/etc/passwd")
@example(href="//127.0.0.1:5232/alice/book/x.vcf")
@example(href="http://127.0.0.1:5232@evil.example/alice/book/x.vcf")
@example(href="/alice/book/x.vcf?y=/../..")
@example(href="/alice/book/a%2Fb.vcf")
@example(href="/alice/book/\\..\\x.vcf")
def test_an_href_outside_the_collection_is_never_a_member(href: str) -> None:
    member = hrefs.member_id(BOOK, href)
    if member is None:
        return
    prefix = hrefs.collection_path(BOOK)
    assert member.startswith(prefix)
    name = member[len(prefix) :]
    assert name and "/" not in name and "%2F" not in name.upper(), f"{href!r} names {member!r}"
    from urllib.parse import unquote

    assert ".." not in unquote(member).split("/"), f"{href!r} climbs out as {member!r}"
    assert hrefs.absolute(BOOK, member).startswith(BOOK), f"{href!r} resolves outside the book"


@FUZZ
@given(uid=st.text(max_size=120))
@example(uid="../../etc/passwd")
@example(uid="..")
@example(uid=".hidden")
@example(uid="%2e%2e")
@example(uid="a/b")
@example(uid="0\n")  # "$" matches before a final line break: found by hypothesis
def test_a_uid_that_looks_like_a_path_never_names_a_file_outside(uid: str) -> None:
    name = hrefs.safe_name(uid)
    allowed = set(string.ascii_letters + string.digits + "_.-")
    assert name.endswith(".vcf") and not name.startswith(".") and set(name) <= allowed


# ------------------------------------------------------------------------------------------------ config

GOOD = """store:
  url: sqlite:///{db}
books:
  - name: staff
    accounts:
      - name: phone
        type: memory
        options: {{backend: fuzz}}
      - name: folder
        type: vdir
        options: {{path: {vdir}}}
"""

HOSTILE_YAML = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "store: !!python/object/apply:os.system ['touch {marker}']\nbooks: []",
    "books:\n  - !!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    "store:\n  url: !!binary aGVsbG8=\nbooks: []",
    "store: &a {{url: x}}\nbooks: *a",
    # alias bomb ("billion laughs" in YAML)
    "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\nbooks: *h\n",
    "store: {{url: x}}\nstore: {{url: y}}\nbooks: []",
    "<<: {{store: {{url: x}}}}\nbooks: []",
    "\t- tabs",
    "%YAML 9.9\n---\nbooks: []",
    "---\nbooks: []\n---\nbooks: []",
    "\x00\x01\x02",
    "\ufeffbooks: []",
]


def _files(root: Path) -> set[Path]:
    return set(root.rglob("*"))


def _check(text: str, tmp: Path) -> None:
    before = _files(tmp)
    try:
        result = parse_settings(text, source="fuzz.yaml", environ={}, base_dir=tmp)
    except ConfigError as exc:
        assert exc.problems, "a ConfigError must carry at least one problem"
        for problem in exc.problems:
            assert problem.message.strip(), f"a problem without a message: {problem!r}"
            assert problem.file == "fuzz.yaml"
    else:
        assert isinstance(result, Settings)
    assert _files(tmp) == before, "parsing a configuration wrote something"


@pytest.mark.parametrize("template", HOSTILE_YAML, ids=[f"hostile-{i}" for i in range(len(HOSTILE_YAML))])
def test_hostile_yaml_is_refused_and_runs_nothing(template: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = template.format(marker=marker)
    with pytest.raises(ConfigError):
        parse_settings(text, source="fuzz.yaml", environ={}, base_dir=tmp_path)
    assert not marker.exists()
    _check(text, tmp_path)


def test_deeply_nested_yaml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        parse_settings("books: " + "[" * 2000, source="fuzz.yaml", environ={}, base_dir=tmp_path)


@FUZZ
@given(text=st.text(max_size=1500))
@example(text="")
@example(text="null")
@example(text="[]")
@example(text="books: 3")
@example(text="books: [{name: 1, accounts: [{name: x, type: carddav, options: {url: 3}}]}]")
def test_any_text_is_settings_or_a_config_error(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    _check(text, tmp_path_factory.mktemp("cfg"))


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(
        ["${NOPE}", "${HOME}", "file:/etc/shadow", "every 0s", "every -5m", "* * * * * * *", "sqlite:///:memory:"]
    ),
)
KEYS = st.sampled_from(
    [
        "store",
        "url",
        "books",
        "name",
        "accounts",
        "type",
        "options",
        "mode",
        "priority",
        "conflicts",
        "default",
        "fields",
        "on_delete",
        "brake",
        "max_deletes",
        "max_delete_ratio",
        "schedule",
        "log",
        "level",
        "format",
        "backend",
        "path",
        "secrets",
        "password_file",
        "client_secret",
        "trash_days",
        "default_region",
        "allow_delete",
        "unknown_key",
    ]
)
TREES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5), max_leaves=30
)


def _child(node: object, step: str | int) -> object:
    if isinstance(node, dict) and isinstance(step, str):
        return node.get(step)
    if isinstance(node, list) and isinstance(step, int) and step < len(node):
        return node[step]
    return None


def _replace(node: object, step: str | int, value: object) -> bool:
    if isinstance(node, dict) and isinstance(step, str):
        node[step] = value
        return True
    if isinstance(node, list) and isinstance(step, int) and step < len(node):
        node[step] = value
        return True
    return False


@FUZZ
@given(
    path=st.lists(
        st.sampled_from(
            [
                "store",
                "books",
                0,
                "accounts",
                1,
                "options",
                "name",
                "type",
                "conflicts",
                "brake",
                "schedule",
                "priority",
                "mode",
            ]
        ),
        min_size=1,
        max_size=5,
    ),
    value=TREES,
)
def test_a_good_config_with_one_part_replaced_is_read_or_refused_with_its_path(
    path: list[str | int], value: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import json

    import yaml

    tmp = tmp_path_factory.mktemp("cfg")
    data = yaml.safe_load(GOOD.format(db=tmp / "store.db", vdir=tmp / "vdir"))
    node: object = data
    for step in path[:-1]:
        child = _child(node, step)
        if not isinstance(child, (dict, list)):
            break
        node = child
    assume(_replace(node, path[-1], value))
    try:
        text = yaml.safe_dump(data)
    except (ValueError, OverflowError):
        text = json.dumps(data, default=str)
    _check(text, tmp)
