"""The content-line layer of vCard: reading real-world text into lines, writing lines back.

Why not ``vobject.readOne``: its line regex (``vobject.base.parseLine``) backtracks exponentially on some
malformed parameter lists (a 60-character line took 14 s here), and a card from a CardDAV server is
untrusted input. Its vCard behaviours are also 3.0-only and raise on the mess real exports contain. So lines
are lexed here in one linear pass, and the value decoding lives in :mod:`.mapping`.

Everything this module returns is already in 3.0/4.0 form: vCard 2.1 quoted-printable values are decoded
(their ``CHARSET`` honoured) and re-escaped, 2.1 bare parameters (``TEL;CELL:``) become ``TYPE=cell``,
folded lines are joined (also when the fold split a multi-byte UTF-8 character) and control characters are
gone.
"""

from __future__ import annotations

import codecs
import quopri
import re
from dataclasses import dataclass

CRLF = "\r\n"
FOLD_OCTETS = 75

_PHYSICAL_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # tab survives: it is legal inside a value
_ESCAPED_BYTE = re.compile(r"[\udc80-\udcff]")
_OTHER_SURROGATE = re.compile(r"[\ud800-\udc7f\udd00-\udfff]")
_NAME = re.compile(r"[A-Za-z0-9_-]+\Z")
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

    def param(self, name: str) -> tuple[str, ...]:
        return tuple(v for key, values in self.params if key == name for v in values)

    def types(self) -> frozenset[str]:
        """TYPE values, lower-cased; ``TYPE="work,voice"`` and repeated TYPE parameters are merged."""
        return frozenset(t.strip().lower() for v in self.param("TYPE") for t in v.split(",") if t.strip())

    def without_params(self, *names: str) -> ContentLine:
        return ContentLine(
            self.name, self.value, tuple(p for p in self.params if p[0] not in names), self.group, self.nested
        )


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
    # each logical line is collected as a list of pieces: joining once keeps a 5 MB folded photo linear
    out: list[list[str]] = []
    quoted_printable = soft_break = False
    for raw in _PHYSICAL_LINE_BREAK.split(text.lstrip("\ufeff")):
        if soft_break and out:
            out[-1][-1] = out[-1][-1][:-1]
            out[-1].append(raw)
        elif raw[:1] in (" ", "\t") and out:
            out[-1].append(raw[1:])
        elif raw.strip():
            out.append([raw])
            quoted_printable = "QUOTED-PRINTABLE" in raw.partition(":")[0].upper()
        else:
            continue
        soft_break = quoted_printable and out[-1][-1].endswith("=")
    return ["".join(pieces) for pieces in out]


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
    if not _ESCAPED_BYTE.search(line) and not _OTHER_SURROGATE.search(line):
        return line
    line = _OTHER_SURROGATE.sub("\ufffd", line)
    return _decode_bytes(line.encode("utf-8", errors="surrogateescape"), _charset_of(line.partition(":")[0]))


def _escape_newlines(value: str) -> str:
    # 2.1 text uses backslashes only before ';' (already the 3.0 meaning): only the line breaks need escaping
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def lex_line(line: str, *, nested: bool = False) -> ContentLine | None:
    """One logical line as a ContentLine, or None when it is not a property line at all (junk is skipped)."""
    i, n = 0, len(line)
    while i < n and line[i] not in ";:":
        i += 1
    if i >= n:
        return None
    group, _, name = line[:i].strip().rpartition(".")
    if not _NAME.match(name) or (group and not _NAME.match(group.replace(".", "-"))):
        return None
    params: list[tuple[str, tuple[str, ...]]] = []
    singletons: list[str] = []
    while line[i] == ";":
        start = i + 1
        i = start
        while i < n and line[i] not in "=;:":
            i += 1
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
                while i < n and line[i] not in ",;:":
                    i += 1
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
    result = ContentLine(name.upper().replace("_", "-"), value, tuple(params), group)
    return _modernize(result, singletons, nested)


def _modernize(line: ContentLine, singletons: list[str], nested: bool) -> ContentLine:
    """vCard 2.1 → 3.0 form: bare parameters become TYPE or ENCODING; QP values are decoded and re-escaped."""
    params = list(line.params)
    for single in singletons:
        params.append(("ENCODING" if single in _ENCODINGS_21 else "TYPE", (single.lower(),)))
    value = line.value
    encodings = {v.upper() for key, values in params if key == "ENCODING" for v in values}
    if "QUOTED-PRINTABLE" in encodings:
        charset = _lookup(tuple(v for key, values in params if key == "CHARSET" for v in values))
        raw = quopri.decodestring(value.encode("utf-8", errors="replace"))
        value = _escape_newlines(_decode_bytes(raw, charset))
        params = [(k, v) for k, v in params if k not in ("ENCODING", "CHARSET")]
    elif "CHARSET" in (k for k, _ in params):
        # the text is already decoded; a CHARSET left on it would lie about the UTF-8 we write
        params = [(k, v) for k, v in params if k != "CHARSET"]
    value = _CONTROL.sub("", value)
    return ContentLine(line.name, value, tuple(params), line.group, nested)


def _lookup(values: tuple[str, ...]) -> str | None:
    for v in values:
        try:
            return codecs.lookup(v).name
        except LookupError:
            continue
    return None


def read_lines(text: str) -> list[ContentLine]:
    """Every property line of ``text`` in order (BEGIN/END included as lines); junk lines are skipped."""
    out: list[ContentLine] = []
    for raw in logical_lines(text):
        lexed = lex_line(_repair(raw))
        if lexed is not None:
            out.append(lexed)
    return out


# ---------------------------------------------------------------- writing


def _quote_param(value: str) -> str:
    value = _CONTROL.sub("", value.replace('"', ""))
    return f'"{value}"' if any(c in value for c in ",;:") else value


def fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character; CRLF at the end."""
    if len(line) < FOLD_OCTETS // 4 or len(line.encode("utf-8", errors="surrogatepass")) <= FOLD_OCTETS:
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


def write_line(line: ContentLine) -> str:
    head = f"{line.group}.{line.name}" if line.group else line.name
    params = "".join(f";{key}={','.join(_quote_param(v) for v in values)}" for key, values in line.params)
    value = _CONTROL.sub("", line.value)
    return fold(f"{head}{params}:{value}")


# ---------------------------------------------------------------- value escaping


def escape_text(value: str) -> str:
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
