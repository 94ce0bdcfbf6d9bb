"""The content-line layer of vCard: reading real-world text into lines, writing lines back.

Why not ``vobject.readOne``: its line regex (``vobject.base.parseLine``) backtracks exponentially on some
malformed parameter lists (a 60-character line took 14 s here), and a card from a CardDAV server is
untrusted input. Its vCard behaviours are also 3.0-only and raise on the mess real exports contain. So lines
are lexed here in one linear pass, and the value decoding lives in :mod:`.mapping`.

Everything this module returns is already in 3.0/4.0 form: vCard 2.1 quoted-printable values are decoded
(their ``CHARSET`` honoured) and re-escaped, 2.1 bare parameters (``TEL;CELL:``) become ``TYPE=cell``, a 2.1
card's backslashes (text in 2.1, but before ``;``) become 3.0's ``\\\\`` (:func:`read_card_lines`),
folded lines are joined (also when the fold split a multi-byte UTF-8 character) and control characters are
gone.
"""

from __future__ import annotations

import codecs
import quopri
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields

CRLF = "\r\n"
FOLD_OCTETS = 75

#: the head of a line without a group or parameters (``FN:``, ``N:``): the usual line, lexed without the walk
_BARE_HEAD = re.compile(r"[A-Za-z0-9_-]+:")
#: a backslash of a vCard 2.1 value that is text: every one but the escape of a semicolon (``\;``, 2.1's only one)
_BACKSLASH_21 = re.compile(r"\\(?!;)")
#: the head of a line without a group whose parameters are all named, without quotes (``EMAIL;TYPE=WORK:``):
#: lexed with one match instead of the walk
_SIMPLE_HEAD = re.compile(r"([A-Za-z0-9_-]+)(?:;[A-Za-z0-9-]+=[^\";:,]*(?:,[^\";:,]*)*)+:")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # tab survives: it is legal inside a value
_ESCAPED_BYTE = re.compile(r"[\udc80-\udcff]")
_OTHER_SURROGATE = re.compile(r"[\ud800-\udc7f\udd00-\udfff]")
_NAME = re.compile(r"[A-Za-z0-9_-]+\Z")
#: a line's text as read is written back only if it holds nothing a card must not (control characters,
#: undecodable bytes): otherwise it is written afresh from what was lexed
_CLEAN_RAW = re.compile(r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]*")
# the lexer's scans (to the end of the name, of a parameter's name, of a parameter value), each one regex match
# instead of a loop over the characters (#18)
_TO_NAME_END = re.compile(r"[^;:]*")
_TO_PARAM_NAME_END = re.compile(r"[^=;:]*")
_TO_PARAM_VALUE_END = re.compile(r"[^,;:]*")
_NO_TYPES: frozenset[str] = frozenset()
_ENCODINGS_21 = frozenset({"QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"})


@dataclass(frozen=True, slots=True)
class ContentLine:
    """One property: ``group.NAME;PARAM=v1,v2:value``. ``value`` is as written (escapes intact)."""

    name: str
    value: str
    params: tuple[tuple[str, tuple[str, ...]], ...] = ()
    group: str = ""
    #: inside a component nested in the card (a 2.1 AGENT): kept as is, never mapped
    nested: bool = False
    #: the line as it was read (folds and all, 2.1 encodings intact), "" for a line we made: an unchanged line
    #: is written back from it. Not part of equality: two lines meaning the same compare equal
    raw: str = field(default="", compare=False, repr=False)

    def param(self, name: str) -> tuple[str, ...]:
        if not self.params:
            return ()
        return tuple(v for key, values in self.params if key == name for v in values)

    def types(self) -> frozenset[str]:
        """TYPE values, lower-cased; ``TYPE="work,voice"`` and repeated TYPE parameters are merged."""
        if not self.params:
            return _NO_TYPES
        if len(self.params) == 1:
            key, values = self.params[0]
            if key != "TYPE":
                return _NO_TYPES
            if len(values) == 1 and "," not in values[0]:  # TYPE=WORK, the usual line: no walk over a list
                single = values[0].strip()
                return frozenset((single.lower(),)) if single else _NO_TYPES
        return frozenset(t.strip().lower() for v in self.param("TYPE") for t in v.split(",") if t.strip())

    def without_params(self, *names: str) -> ContentLine:
        return ContentLine(
            self.name, self.value, tuple(p for p in self.params if p[0] not in names), self.group, self.nested
        )

    def changed(self, **values: object) -> ContentLine:
        """This line with ``values`` replaced; it no longer has a text as read (it is written afresh)."""
        # built directly: dataclasses.replace costs several times more, and lines are changed per card (#18)
        fields: dict[str, object] = {
            "name": self.name,
            "value": self.value,
            "params": self.params,
            "group": self.group,
            "nested": self.nested,
        }
        fields.update(values)
        return ContentLine(**fields)  # type: ignore[arg-type]


def _set_fields(
    self: ContentLine,
    name: str,
    value: str,
    params: tuple[tuple[str, tuple[str, ...]], ...] = (),
    group: str = "",
    nested: bool = False,
    raw: str = "",
) -> None:
    """ContentLine's constructor, the dataclass's one without its six ``object.__setattr__`` calls: each field set
    through its slot directly (twice as fast; a card makes some thirty lines on a parse and a render, #18). The
    same arguments, defaults and fields; the instance stays frozen (the slots refuse nothing, ``__setattr__``
    still does). tests/test_codec_speed_seeded.py compares it with the dataclass's constructor."""
    _SET_NAME(self, name)
    _SET_VALUE(self, value)
    _SET_PARAMS(self, params)
    _SET_GROUP(self, group)
    _SET_NESTED(self, nested)
    _SET_RAW(self, raw)


#: the dataclass's own constructor, kept for the test that compares the two
_dataclass_init = ContentLine.__init__
_SET_NAME, _SET_VALUE, _SET_PARAMS, _SET_GROUP, _SET_NESTED, _SET_RAW = (
    vars(ContentLine)[name].__set__ for name in ("name", "value", "params", "group", "nested", "raw")
)
if [f.name for f in fields(ContentLine)] != ["name", "value", "params", "group", "nested", "raw"]:
    # not an assert: under -O a reordered field would take another field's place in a positional call
    raise ImportError("ContentLine's fields changed: update _set_fields and new_line")
ContentLine.__init__ = _set_fields  # type: ignore[method-assign]


class _Unsealed:
    """ContentLine's slots, the same names in the same order, without its frozen ``__setattr__``: a line is made
    as one of these (its fields stored into its slots directly, as a plain attribute is) and then becomes a
    ContentLine (``__class__`` assigned: Python allows it between two classes of the same layout). A third of
    the instructions of the constructor's six slot-setter calls (#18)."""

    __slots__ = ContentLine.__slots__


def new_line(
    name: str,
    value: str,
    params: tuple[tuple[str, tuple[str, ...]], ...],
    group: str,
    nested: bool,
    raw: str,
) -> ContentLine:
    """``ContentLine(name, value, params, group, nested, raw)``, made without a slot-setter call (see
    :class:`_Unsealed`): the very same line, frozen as any. All six fields given, by position (the hot paths of
    the codec; elsewhere the constructor). tests/test_codec_speed4_lines.py compares the two."""
    line = _Unsealed()
    line.name = name  # type: ignore[attr-defined]
    line.value = value  # type: ignore[attr-defined]
    line.params = params  # type: ignore[attr-defined]
    line.group = group  # type: ignore[attr-defined]
    line.nested = nested  # type: ignore[attr-defined]
    line.raw = raw  # type: ignore[attr-defined]
    line.__class__ = ContentLine  # type: ignore[assignment]
    return line  # type: ignore[return-value]


# made once here: a layout Python would refuse to switch (a field added to ContentLine and not here) fails at import
if new_line("N", "v", (), "", False, "N:v") != ContentLine("N", "v"):
    raise ImportError("new_line does not make ContentLine's lines")


def decode_card_bytes(data: bytes) -> str:
    """Text for :func:`contactsync.vcard.parse_card` from a file's or a server's bytes.

    Undecodable bytes are kept as surrogate escapes so that the parser can join a line folded inside a
    multi-byte character, then decode each line (as UTF-8, its CHARSET, or Windows-1252 as the last resort).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    return data.decode("utf-8", errors="surrogateescape")


# ---------------------------------------------------------------- reading


def logical_lines(text: str) -> list[str]:
    """Unfold RFC folding (a leading space or tab) and 2.1 quoted-printable soft breaks (a trailing ``=``)."""
    return [joined for joined, _raw in logical_lines_raw(text)]


def logical_lines_raw(text: str) -> list[tuple[str, str]]:
    """Each logical line unfolded, with its physical text as written (folds kept, joined by CRLF): a line
    nobody changed is written back from that text, byte for byte (CHARSET, quoted-printable, folding)."""
    text = text.lstrip("\ufeff")
    if not _folded(text) and "QUOTED-PRINTABLE" not in text.upper():
        # nothing to join (the usual card, #18): no line continues another, and no quoted-printable value can end
        # in a soft break (upper() maps character by character: no line's head says QUOTED-PRINTABLE if the
        # whole text does not), so each non-blank physical line is a logical line as written
        return [(raw, raw) for raw in _physical_lines(text) if raw.strip()]
    # each logical line is collected as a list of pieces: joining once keeps a 5 MB folded photo linear
    out: list[list[str]] = []
    raws: list[list[str]] = []
    quoted_printable = soft_break = False
    for raw in _physical_lines(text):
        if soft_break and out:
            out[-1][-1] = out[-1][-1][:-1]
            out[-1].append(raw)
            raws[-1].append(raw)
        elif raw[:1] in (" ", "\t") and out:
            out[-1].append(raw[1:])
            raws[-1].append(raw)
        elif raw.strip():
            out.append([raw])
            raws.append([raw])
            quoted_printable = "QUOTED-PRINTABLE" in raw[: _value_start(raw)].upper()
        else:
            continue
        soft_break = quoted_printable and out[-1][-1].endswith("=")
    return [("".join(pieces), CRLF.join(raw)) for pieces, raw in zip(out, raws, strict=True)]


def _folded(text: str) -> bool:
    """Whether a physical line of ``text`` continues the one before (RFC 6350 3.2 folding: a line break, then a
    space or a tab). Four substring searches: a tenth of what the regex ``[\\r\\n][ \\t]`` cost (#18)."""
    return "\n " in text or "\r " in text or "\n\t" in text or "\r\t" in text


def _physical_lines(text: str) -> list[str]:
    """``text`` split at each line break: a CRLF, a lone CR or a lone LF (``re.split(r"\\r\\n|\\r|\\n", text)``, in
    three string passes: a tenth of that regex's work, #18). Every CRLF is one break, as the regex, which tries
    CRLF first wherever a CR is, finds it; then every CR left is one."""
    if "\r" not in text:
        return text.split("\n")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _value_start(line: str) -> int:
    """Where the value begins: after the first colon outside a quoted parameter value (``LABEL="a:b"``)."""
    colon = line.find(":")
    if colon < 0:
        return len(line)
    if '"' not in line[:colon]:
        return colon  # no quote before it: the first colon is outside any
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return index
    return len(line)


def _charset_of(header: str) -> str | None:
    match = re.search(r";CHARSET=\"?([A-Za-z0-9_.:-]+)", header, re.IGNORECASE)
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1)).name
    except LookupError:
        return None


def _decode_bytes(data: bytes, charset: str | None) -> str:
    for candidate in ("utf-8", charset):
        if candidate is None:
            continue
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    # Outlook and old phones write 8-bit text without saying which: Windows-1252 is the usual one
    return data.decode("cp1252", errors="replace")


def _repair(line: str) -> str:
    """Turn surrogate escapes (undecodable bytes) back into text, now that folds are joined."""
    if line.isascii():
        return line  # a surrogate is not ASCII
    if not _ESCAPED_BYTE.search(line) and not _OTHER_SURROGATE.search(line):
        return line
    line = _OTHER_SURROGATE.sub("\ufffd", line)
    return _decode_bytes(line.encode("utf-8", errors="surrogateescape"), _charset_of(line.partition(":")[0]))


def _escape_newlines(value: str) -> str:
    # a decoded quoted-printable value's line breaks in 3.0 form; a 2.1 card's other backslashes are made 3.0's
    # before this, by _text_21 (read_card_lines)
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _text_21(value: str) -> str:
    """A vCard 2.1 value's text in 3.0 form: in 2.1 a backslash escapes only ``;`` (section 2.1.3; our own 2.1
    writer, :func:`write_line_21`, writes every other as it is), so every other backslash is text (``C:\\temp``,
    ``\\\\nas01``, one at the very end) and becomes 3.0's ``\\\\``; ``\\;`` stays the escaped semicolon."""
    return _BACKSLASH_21.sub(r"\\\\", value) if "\\" in value else value


def _quoted_printable(value: str, params: list[tuple[str, tuple[str, ...]]]) -> str:
    """A quoted-printable value decoded, in its CHARSET (else UTF-8, else Windows-1252)."""
    charset = _lookup(tuple(v for key, values in params if key == "CHARSET" for v in values))
    return _decode_bytes(quopri.decodestring(value.encode("utf-8", errors="replace")), charset)


def _modernize(
    name: str,
    value: str,
    params: list[tuple[str, tuple[str, ...]]],
    group: str,
    singletons: list[str],
    nested: bool,
    as_read: str,
) -> ContentLine:
    """vCard 2.1 → 3.0 form: bare parameters become TYPE or ENCODING; QP values are decoded and re-escaped."""
    if not singletons:
        if not params:  # the common line (FN:…, N:…): nothing to modernize but the value
            return new_line(name, _without_control(value), (), group, nested, as_read)
        for key, _values in params:
            if key == "ENCODING" or key == "CHARSET":
                break
        else:
            # no encoding to decode, no CHARSET to drop (``EMAIL;TYPE=WORK:``): what the rest makes of such a line,
            # without its set and generator (#18)
            return new_line(name, _without_control(value), tuple(params), group, nested, as_read)
    for single in singletons:
        params.append(("ENCODING" if single in _ENCODINGS_21 else "TYPE", (single.lower(),)))
    encodings = {v.upper() for key, values in params if key == "ENCODING" for v in values}
    if "QUOTED-PRINTABLE" in encodings:
        value = _escape_newlines(_quoted_printable(value, params))
        params = [(k, v) for k, v in params if k not in ("ENCODING", "CHARSET")]
    elif "CHARSET" in (k for k, _ in params):
        # the text is already decoded; a CHARSET left on it would lie about the UTF-8 we write
        params = [(k, v) for k, v in params if k != "CHARSET"]
    return new_line(name, _without_control(value), tuple(params), group, nested, as_read)


def _modernize_21(
    name: str,
    value: str,
    params: list[tuple[str, tuple[str, ...]]],
    group: str,
    singletons: list[str],
    nested: bool,
    as_read: str,
) -> ContentLine:
    """:func:`_modernize` of a line of a vCard 2.1 card: its value's text in 3.0 form (:func:`_text_21`), a
    quoted-printable one's once decoded, before its line breaks are escaped."""
    if "QUOTED-PRINTABLE" not in singletons and not any(
        key == "ENCODING" and v.upper() == "QUOTED-PRINTABLE" for key, values in params for v in values
    ):
        return _modernize(name, _text_21(_without_control(value)), params, group, singletons, nested, as_read)
    # decoded here as _modernize decodes it, then what is left of the line (TYPE parameters) modernized by it: no
    # ENCODING (a bare one, QUOTED-PRINTABLE or another, is one) nor CHARSET is left for it to act on
    value = _escape_newlines(_text_21(_quoted_printable(value, params)))
    params = [(k, v) for k, v in params if k not in ("ENCODING", "CHARSET")]
    singletons = [single for single in singletons if single not in _ENCODINGS_21]
    return _modernize(name, value, params, group, singletons, nested, as_read)


#: the signature of :func:`_modernize` and :func:`_modernize_21`
_Modernize = Callable[[str, str, list[tuple[str, tuple[str, ...]]], str, list[str], bool, str], ContentLine]


def lex_line(line: str, *, nested: bool = False) -> ContentLine | None:
    """One logical line as a ContentLine, or None when it is not a property line at all (junk is skipped)."""
    return _lex(line, nested, "")


def _lex(line: str, nested: bool, as_read: str, modernize: _Modernize = _modernize) -> ContentLine | None:
    """:func:`lex_line`, the line made with its text as read (``as_read``) at once: one object per line read.
    ``modernize`` is :func:`_modernize` (for a line of a 2.1 card, :func:`_modernize_21`), given so that the usual
    line pays no test for it."""
    bare = _BARE_HEAD.match(line)
    if bare is not None:
        # what the walk below makes of such a line: no group (no dot), a valid name, no parameter to modernize
        end = bare.end()
        return new_line(
            line[: end - 1].upper().replace("_", "-"), _without_control(line[end:]), (), "", nested, as_read
        )
    simple = _SIMPLE_HEAD.match(line)
    if simple is not None:
        # what the walk below makes of such a line (no group, named parameters without quotes): each parameter's
        # name upper-cased, its values split at commas; a parameter's name holds no "=", so the first one ends it
        end = simple.end()
        head = line[simple.end(1) + 1 : end - 1]
        if ";" not in head:  # one parameter (``TYPE=WORK``, the usual line): no walk over a list (#18)
            pname, _, pvalues = head.partition("=")
            named = [(pname.upper(), tuple(pvalues.split(",")))]
        else:
            named = [
                (pname.upper(), tuple(pvalues.split(",")))
                for pname, _, pvalues in (p.partition("=") for p in head.split(";"))
            ]
        name = simple.group(1).upper().replace("_", "-")
        return modernize(name, line[end:], named, "", [], nested, as_read)
    n = len(line)
    i = _TO_NAME_END.match(line).end()  # type: ignore[union-attr]  # matches anything, the empty text too
    if i >= n:
        return None
    group, _, name = line[:i].strip().rpartition(".")
    if not _NAME.match(name) or (group and not _NAME.match(group.replace(".", "-"))):
        return None
    params: list[tuple[str, tuple[str, ...]]] = []
    singletons: list[str] = []
    while line[i] == ";":
        start = i + 1
        i = _TO_PARAM_NAME_END.match(line, start).end()  # type: ignore[union-attr]
        if i >= n:
            return None
        pname = line[start:i].strip().upper()
        if line[i] != "=":
            if pname:
                singletons.append(pname)
            continue
        values: list[str] = []
        i += 1
        while True:
            if i < n and line[i] == '"':
                end = line.find('"', i + 1)
                if end < 0:
                    return None
                values.append(line[i + 1 : end])
                i = end + 1
            else:
                start = i
                i = _TO_PARAM_VALUE_END.match(line, start).end()  # type: ignore[union-attr]
                values.append(line[start:i])
            if i >= n:
                return None
            if line[i] != ",":
                break
            i += 1
        if pname:
            params.append((pname, tuple(values)))
        if i >= n:
            return None
    if i >= n or line[i] != ":":
        return None
    value = line[i + 1 :]
    return modernize(name.upper().replace("_", "-"), value, params, group, singletons, nested, as_read)


def _without_control(value: str) -> str:
    # a printable value holds no control character (they are all "Other"): the regex pass is skipped
    return value if value.isprintable() else _CONTROL.sub("", value)


def _lookup(values: tuple[str, ...]) -> str | None:
    for v in values:
        try:
            return codecs.lookup(v).name
        except LookupError:
            continue
    return None


#: lines read lately, each by its text as read (one physical line, clean) as :func:`_lex` made it: the lines many
#: cards share (BEGIN, VERSION, END, PRODID, an organization, a set of categories) are lexed once for all (#18).
#: A line is immutable, so one object serves every card. A plain dict emptied when full, not an LRU: a lookup is
#: one dict access, and an entry lost is only lexed again (threads: each access is atomic)
_SHARED: dict[str, ContentLine | None] = {}
_SHARED_SIZE = 4096


def read_lines(text: str) -> list[ContentLine]:
    """Every property line of ``text`` in order (BEGIN/END included as lines); junk lines are skipped. Each value
    is read as 3.0 (a line's text alone says how it lexes, as :func:`lex_line`'s): a card's lines, its version
    heeded, are :func:`read_card_lines`'."""
    out: list[ContentLine] = []
    shared = _SHARED
    for joined, raw in logical_lines_raw(text):
        if joined == raw:
            # not folded: when clean (no surrogate, so _repair leaves it as it is) the line is _lex(raw, False, raw),
            # a function of its text alone
            lexed = shared.get(raw, _UNKNOWN)
            if lexed is not _UNKNOWN:
                if lexed is not None:
                    out.append(lexed)  # type: ignore[arg-type]
                continue
            if raw.isprintable() or _CLEAN_RAW.fullmatch(raw) is not None:
                lexed = _lex(raw, False, raw)
                if len(shared) >= _SHARED_SIZE:
                    shared.clear()
                shared[raw] = lexed
                if lexed is not None:
                    out.append(lexed)
                continue
        # a printable text holds no control character and no surrogate (both are "Other"): clean, no regex pass
        clean = raw.isprintable() or _CLEAN_RAW.fullmatch(raw) is not None
        lexed = _lex(_repair(joined), False, raw if clean else "")
        if lexed is not None:
            out.append(lexed)
    return out


_UNKNOWN: object = object()


#: VERSION values of the cards read as 3.0 (a set: a VERSION line is shared between cards, its value's hash kept)
_NOT_21 = frozenset({"3.0", "4.0"})


def read_card_lines(text: str) -> list[ContentLine]:
    """:func:`read_lines` of a card (:func:`contactsync.vcard.parse_card`'s), its version heeded: a vCard 2.1
    card's values are read as 2.1 says, their backslashes text but before ``;`` (:func:`_text_21`)."""
    out = read_lines(text)
    if len(out) > 1:
        second = out[1]
        if second.value in _NOT_21 and second.name == "VERSION":
            return out  # its second line says 3.0 or 4.0 (the usual card: these tests are all it pays, #18)
    if _is_21(out) and ("\\" in text or "=5C" in text or "=5c" in text):
        # a 2.1 card with a backslash (as written, or quoted-printable): read again, as 2.1
        return _read_lines_21(logical_lines_raw(text))
    return out


def _is_21(lines: list[ContentLine]) -> bool:
    """Whether the card's VERSION (the first one, the second line of nearly every card) says 2.x: the cards the
    codec writes back in 2.1 (see ``mapping._output_version``) are the ones read as 2.1."""
    for line in lines:
        if line.name == "VERSION":
            return line.value.strip().startswith("2")
    return False


def _read_lines_21(pairs: list[tuple[str, str]]) -> list[ContentLine]:
    """:func:`read_lines` of a vCard 2.1 card (its logical lines, ``pairs``), each line lexed as 2.1 (none shared
    with other cards: the same text lexes otherwise in a 3.0 card)."""
    out: list[ContentLine] = []
    for joined, raw in pairs:
        clean = raw.isprintable() or _CLEAN_RAW.fullmatch(raw) is not None
        lexed = _lex_21(_repair(joined), raw if clean else "")
        if lexed is not None:
            out.append(lexed)
    # a line's text as read that is another line's 3.0 text (``X-P:a\\b``, 2.1's two backslashes, is the 3.0
    # text of ``X-P:a\b``) is not this line's: lex_line reads it as the other line. Such a line keeps no text as
    # read (it is written afresh, the same value), so that a text as read stays one lex_line reads as its line
    # (mapping hands the render the card's lines by their text as read, see mapping._remember_lexed)
    texts: set[str] | None = None
    for index, line in enumerate(out):
        if line.raw and line_text(line) != line.raw:
            if texts is None:
                texts = {line_text(other) for other in out}
            if line.raw in texts:
                out[index] = line.changed()
    return out


def _lex_21(line: str, as_read: str) -> ContentLine | None:
    """:func:`_lex` of a line of a vCard 2.1 card: its value's text in 3.0 form (:func:`_text_21`)."""
    bare = _BARE_HEAD.match(line)
    if bare is not None:  # the line _lex makes without _modernize (``FN:…``)
        end = bare.end()
        value = _text_21(_without_control(line[end:]))
        return new_line(line[: end - 1].upper().replace("_", "-"), value, (), "", False, as_read)
    return _lex(line, False, as_read, _modernize_21)


# ---------------------------------------------------------------- writing


def _quote_param(value: str) -> str:
    if '"' not in value and "," not in value and ";" not in value and ":" not in value and value.isprintable():
        return value  # nothing to drop nor to quote (most values, ``WORK``): four tests, no copies (#18)
    value = _without_control(value.replace('"', ""))
    return f'"{value}"' if "," in value or ";" in value or ":" in value else value


def fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character; CRLF at the end."""
    size = len(line)
    # an ASCII text is as many octets as characters (isascii is a flag of the string): no encoding to count them
    if size < FOLD_OCTETS // 4 or (size <= FOLD_OCTETS and line.isascii()):
        return line + CRLF
    if len(line.encode("utf-8", errors="surrogatepass")) <= FOLD_OCTETS:
        return line + CRLF
    if line.isascii():  # the common long line (a photo): one octet per character, slice directly
        first, rest = line[:FOLD_OCTETS], line[FOLD_OCTETS:]
        step = FOLD_OCTETS - 1
        return CRLF.join([first, *(" " + rest[i : i + step] for i in range(0, len(rest), step))]) + CRLF
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8", errors="surrogatepass"))
        if size + width > FOLD_OCTETS:
            pieces.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return CRLF.join(pieces) + CRLF


def line_text(line: ContentLine) -> str:
    """The line unfolded, in 3.0/4.0 form, without its line break: how a contact holds a line it does not map
    (:attr:`contactsync.model.Contact.vcard_lines`); :func:`lex_line` reads it back as the same line."""
    head = f"{line.group}.{line.name}" if line.group else line.name
    if not line.params:
        return f"{head}:{_without_control(line.value)}"
    # lists, not generators: a line has a parameter or two of a value or two (#18)
    params = "".join([f";{key}={','.join([_quote_param(v) for v in values])}" for key, values in line.params])
    return f"{head}{params}:{_without_control(line.value)}"


def write_line(line: ContentLine) -> str:
    """The line as read when it was read and not changed since, else written afresh (folded, CRLF)."""
    if line.raw:
        return line.raw + CRLF
    return fold(line_text(line))


def write_lines(lines: Iterable[ContentLine]) -> str:
    """:func:`write_line` of each line, joined: one call a card, and the usual line (no group, no parameter,
    short, ASCII, printable: ``FN:Ann``) written without the calls of line_text and fold (#18)."""
    out: list[str] = []
    append = out.append
    for line in lines:
        raw = line.raw
        if raw:
            append(raw)
            append(CRLF)
            continue
        if line.params or line.group:
            text = line_text(line)
        else:
            value = line.value
            text = f"{line.name}:{value if value.isprintable() else _CONTROL.sub('', value)}"
        size = len(text)
        if size < FOLD_OCTETS // 4 or (size <= FOLD_OCTETS and text.isascii()):
            append(text)
            append(CRLF)
        else:
            append(fold(text))
    return "".join(out)


def write_line_21(line: ContentLine) -> str:
    """A line written afresh in vCard 2.1 form (a line as read is written as read): parameters as named ones
    (``TEL;TYPE=cell:``, which 2.1 allows besides the bare ``TEL;CELL:``, and which reads back as the same line),
    3.0 escapes of line breaks, commas and backslashes undone (2.1 escapes only ``\\;``), and a value holding a
    line break or non-ASCII text quoted-printable in UTF-8 with its CHARSET said (vCard 2.1 section 2.1.3: 8-bit
    text needs a CHARSET, a line break needs QUOTED-PRINTABLE)."""
    if line.raw:
        return line.raw + CRLF
    head = f"{line.group}.{line.name}" if line.group else line.name
    params = [f"{key}={','.join(_quote_param(v) for v in values)}" for key, values in line.params]
    value = _unescape_21(_CONTROL.sub("", line.value))
    if ("\n" in value or not value.isascii()) and not line.param("ENCODING"):
        params += ["CHARSET=UTF-8", "ENCODING=QUOTED-PRINTABLE"]
        encoded = "".join(_qp_char(c) for c in value)
        text = head + "".join(f";{p}" for p in params) + ":" + encoded
        return _qp_fold(text) + CRLF
    text = head + "".join(f";{p}" for p in params) + ":" + value
    if any(v.upper() in ("BASE64", "B") for v in line.param("ENCODING")):
        return fold(text) + CRLF  # 2.1 ends a base64 value with an empty line
    return fold(text)


def _unescape_21(value: str) -> str:
    out: list[str] = []
    i, n = 0, len(value)
    while i < n:
        char = value[i]
        i += 1
        if char != "\\":
            out.append(char)
            continue
        if i >= n:
            break  # a lone backslash at the end: nothing in 3.0 (unescape_text), so nothing here either
        following = value[i]
        i += 1
        # 3.0's escapes undone as unescape_text undoes them (a line break, and any other character as itself: a
        # stray ``\\:`` of Apple's ``http\\://`` is ``:``), but ``\\;``, 2.1's one escape, which stays: a 2.1
        # reader takes every other backslash as text (read_card_lines), so one kept here would be read back as one
        if following == ";":
            out.append("\\;")
        elif following == "\\" and i < n and value[i] == ";":
            # a backslash that ends a component (``Doe\\`` of ``N:Doe\\;John``): 2.1 cannot write it, as ``\\;``
            # would join the two components; left out, the components stay apart
            pass
        else:
            out.append("\n" if following in ("n", "N") else following)
    return "".join(out)


def _qp_char(char: str) -> str:
    if char == "\n":
        return "=0D=0A"
    if char.isascii() and char.isprintable() and char != "=":
        return char
    return "".join(f"={b:02X}" for b in char.encode("utf-8", errors="replace"))


def _qp_fold(text: str) -> str:
    """Quoted-printable soft line breaks (``=`` CRLF) under 76 characters, only in the value (after the first
    colon: a break in the parameters would not be read back) and never inside an ``=XX``."""
    floor = _value_start(text) + 1  # no break before this
    pieces: list[str] = []
    start = 0
    while len(text) - start > FOLD_OCTETS:
        end = max(start + FOLD_OCTETS - 1, floor + 1)
        if end >= len(text):
            break
        escape = text.rfind("=", max(end - 2, floor, start + 1), end)
        if escape >= 0:
            end = escape
        pieces.append(text[start:end] + "=")
        start = floor = end
    pieces.append(text[start:])
    return CRLF.join(pieces)


# ---------------------------------------------------------------- value escaping


def escape_text(value: str) -> str:
    if "\\" not in value and "\n" not in value and "," not in value and ";" not in value:
        return value  # nothing to escape (most values): four tests instead of four calls (#18)
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")


def unescape_text(value: str) -> str:
    if "\\" not in value:
        return value
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        out.append("\n" if following in ("n", "N") else following)
    return "".join(out)


def split_unescaped(value: str, separator: str) -> list[str]:
    """Split on ``separator`` where it is not backslash-escaped; the parts keep their escapes."""
    if "\\" not in value:
        return value.split(separator)  # nothing escaped: every separator splits
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts
