"""Log setup for every command, and the one place that decides what an exception may say in a log or on a terminal.

What the admin reads must be true and must not name anyone (``log.personal_data: false``, the default):

- every line goes through one handler on the root logger, so third-party lines (APScheduler's errors) come out in
  the same format: with ``log.format: json`` every line is JSON;
- a line may carry counts as fields (``extra={"fields": {...}}``): JSON puts them next to ``msg``, the human
  format appends them as ``key=value``;
- under journald (``$JOURNAL_STREAM`` names our stderr) human lines start with the syslog priority (``<3>``), so
  ``journalctl -p err`` filters them, and carry no timestamp (journald adds its own); elsewhere they start with
  one;
- an exception's text is written only where it cannot hold personal data: a SQL driver's error repeats the
  statement's parameters (names, emails) and a PostgreSQL ``DETAIL`` repeats the values of a key, so
  :func:`safe_error_text` keeps the driver's first line and never the parameters, and an unknown exception is
  shown by its type alone. Tracebacks keep their frames (file, line, code), which name no one;
- a book or account name a book template built from a person's sign-in name or email (``google-{user}``) is shown
  with that part replaced by a pseudonym (``google-~3f9a1c2e7b04``, :func:`pseudonymize`): every line names its book
  and accounts, and the admin's ``status`` maps a pseudonym back to the book (``contactsync.templates``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import numbers
import os
import re
import sys
import threading
import traceback
from collections.abc import Callable, Collection, Mapping
from contextvars import ContextVar
from datetime import datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import unquote, urlsplit

from .errors import ContactSyncError
from .settings import LogFormat

#: the logging level → the syslog priority journald reads from a ``<N>`` prefix (sd-daemon(3))
_PRIORITY: Final = {
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}

WITHHELD: Final = "message withheld: log.personal_data is false"


def under_journald() -> bool:
    """Whether stderr is connected to journald: systemd sets ``JOURNAL_STREAM=DEV:INODE`` of that stream
    (systemd.exec(5)); a stderr redirected elsewhere by the service no longer matches."""
    value = os.environ.get("JOURNAL_STREAM", "")
    dev, sep, ino = value.partition(":")
    if not sep:
        return False
    try:
        st = os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return f"{st.st_dev}:{st.st_ino}" == f"{dev}:{ino}"


def _driver_text(exc: BaseException) -> str | None:
    """The first line of a database driver's own message, without statement or parameters; None if ``exc`` is not
    a database error."""
    from .store import driver_message  # only the store speaks SQLAlchemy (tests/test_store_wall.py)

    return driver_message(exc)


#: an email address anywhere in a text (a login in a URL's path, a UPN, a mailbox, a UID another client made of one)
#: (each match starts where a token does, the look-behind: else a long token without "@" is scanned again from each
#: of its characters, quadratic: 32,000 characters took 8 s)
_EMAIL = re.compile(r"(?<![^\s\"'<>(),;:/])[^\s\"'<>(),;:/]+(?:@|%40)[^\s\"'<>(),;:/]+", re.IGNORECASE)
#: a phone number written as one is dialled from abroad (a leading "+"): limits and counts are never written so.
#: Digits with at most three separators between two of them (space, brackets, dot, "/" as in "+4930/1234567",
#: "-"); it ends before a space and a date or a time of day
#: (once "+4915112345678 2026-12-06T18:00" lost its date too): only a real one, a year 19xx/20xx with a month and
#: a day, or an hour and minutes, since "+49 30 1234-56-78" is a number in 4-2-2 groups, no date. Each digit is
#: matched one way only, the look-ahead of fixed length: linear
MASK: Final = "…"
_PHONE = re.compile(
    r"\+\d(?:[ ()./-]{0,3}\d){6}"  # the first 7 digits whatever follows: "+49 30 2012-05-06" is a number, no date
    r"(?:(?! {1,3}(?:(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])|(?:[01]?\d|2[0-3]):[0-5]\d))"
    r"[ ()./-]{0,3}\d)*"
)
#: what may follow a phone number's last group for that group to be a count of its own: a space and a word
#: ("+49 151 12345678 3 retries"); see :func:`_phone_masked`
_COUNT_GROUP_MAX: Final = 3
#: how many numbers of one text :func:`_phone_masked` may look up with phonenumbers (about 60 us each, uncached):
#: past it every number is masked whole, so a hostile line of thousands of "+1 234 567 890 1 x" costs no more
_COUNT_LOOKUPS_MAX: Final = 16


def _phone_masked(match: re.Match[str], budget: list[int]) -> str:
    """A phone number :data:`_PHONE` found, masked: "…", or "… 3" where its last group is a count of the line.

    The pattern cannot tell "+49 151 12345678 3 retries" (a number, then a count) from a number whose last group
    is short ("+33 1 23 45 67 89"). The rule, erring on the side of masking (a digit group of a real number
    shown is worse than a count hidden): the last group is kept only when it is 1-3 digits set off by spaces
    alone, a space and a letter (a word) follow it, the digits before it are a valid number by phonenumbers'
    metadata, and those digits with the group are not. Anything else, and a number phonenumbers cannot read,
    is masked whole. Only a match that ends so is looked at: every other costs nothing more."""
    number = match.group()
    text, end = match.string, match.end()
    if end + 1 >= len(text) or text[end] != " " or not text[end + 1].isalpha():
        return MASK
    before = number.rstrip("0123456789")
    group = number[len(before) :]
    head = before.rstrip(" ")
    if not 1 <= len(group) <= _COUNT_GROUP_MAX or head == before or not head[-1:].isdigit():
        return MASK
    if budget[0] <= 0:
        return MASK
    budget[0] -= 1
    digits = "".join(c for c in head if c.isdigit())
    return MASK + number[len(head) :] if _a_count_follows(digits, group) else MASK


@lru_cache(maxsize=256)
def _a_count_follows(digits: str, group: str) -> bool:
    """Whether ``+digits`` is a valid phone number and ``+digits`` followed by ``group`` is not."""
    if len(digits) > 15:  # E.164's longest: no number at all
        return False
    import phonenumbers  # only for a number followed by a short group and a word: rare in a line

    try:
        number = phonenumbers.parse("+" + digits)
        if digits[len(str(number.country_code)) :][:1] == "0":
            # a trunk "0" or "(0)" written after the code ("+226 07012345 6"): phonenumbers drops it, so the head
            # may read valid while the whole is the real number; masked whole
            return False
        alone = phonenumbers.is_valid_number(number)
        return alone and not phonenumbers.is_valid_number(phonenumbers.parse("+" + digits + group))
    except phonenumbers.NumberParseException:
        return False


#: a card file's name: its UID, which another client may have made of an email or a name (vdir writes
#: "ana.silva_example.com-7bda2560ce1b.vcf" for the UID "ana.silva@example.com"; a client may write "Ana Silva.vcf").
#: Found by its end; :func:`_card_names_masked` reads back from there to where the name starts
_CARD_END = re.compile(r"\.vcf\b", re.IGNORECASE)
#: what ends a card file's name read back from its ".vcf": a quote, a bracket, a separator, a colon, a slash, any
#: white space but a single space (a name may hold spaces: "Ana Souza.vcf")
_CARD_NAME_STOP: Final = frozenset("\"'<>(),;:/\\\t\n\r\f\v")
#: the lowercase words that stand between two words of a name: "José da Silva.vcf", "Anne van Dijk.vcf" (a short
#: English word, "for", "on", "to", never does: "Failed for Ana.vcf" must not take "Failed" into the name)
_PARTICLES: Final = frozenset(
    {
        "da",
        "das",
        "de",
        "del",
        "della",
        "der",
        "des",
        "di",
        "do",
        "dos",
        "du",
        "el",
        "la",
        "le",
        "ten",
        "van",
        "von",
        "y",
        "e",
    }
)
#: a name's words, at most: "Maria de la Cruz.vcf"; what comes before is the message's
_NAME_WORDS_MAX: Final = 4


def _word_start(text: str, end: int, floor: int) -> int:
    """Where the word ending at ``end`` starts (no space, no stop character in it), not before ``floor``."""
    start = end
    while start > floor and text[start - 1] != " " and text[start - 1] not in _CARD_NAME_STOP:
        start -= 1
    return start


def _name_like(word: str) -> bool:
    """Whether a word before a card file's name is part of it: a word with a capital, an accent or a dot ("Ana",
    "José", "ana.silva"), but no lowercase ASCII word (our messages put those there: "card …"), no word with a
    digit (a status code: "412") and no word in capitals ("HTTP", "PUT")."""
    if word.isascii() and word.isalpha() and word.islower():
        return False
    return not any(c.isdigit() for c in word) and not (len(word) > 1 and word.isupper())


def _card_names_masked(text: str) -> str:
    """``text`` with every card file's name replaced by "…": the whole name, "Ana Souza.vcf" and not only its last
    word (a token pattern left "Ana … changed since it was read"). Read back from each ".vcf" over the words that
    look like a name's (:func:`_name_like`, and a particle between two of them), to a quote, a colon, a slash or
    the start; a lowercase word ends it, so "card x.vcf" stays "card …". Never before the previous ".vcf": each
    character is read at most twice, linear (a pattern with spaces in it, tried from each word, was not)."""
    out: list[str] = []
    done = 0  # text[:done] is in out
    floor = 0  # no name reaches back past the previous ".vcf"
    for match in _CARD_END.finditer(text):
        start = _word_start(text, match.start(), floor)
        if start == match.start():  # ".vcf" alone: no name
            floor = match.end()
            continue
        words = 1
        while start - 1 > floor and text[start - 1] == " " and words < _NAME_WORDS_MAX:
            before = _word_start(text, start - 1, floor)
            word = text[before : start - 1]
            if word and _name_like(word):
                start, words = before, words + 1
                continue
            # particles ("da", "de la") count only with a name's word before them
            particles, at = 0, before
            while word in _PARTICLES and particles < 2 and at - 1 > floor and text[at - 1] == " ":
                particles += 1
                first = _word_start(text, at - 1, floor)
                word, at = text[first : at - 1], first
            if particles and word and _name_like(word) and words + particles + 1 <= _NAME_WORDS_MAX:
                start, words = at, words + particles + 1
                continue
            break
        out.append(text[done:start])
        out.append(MASK)
        done = floor = match.end()
    out.append(text[done:])
    return "".join(out)


def _without_card_file(path: str) -> str:
    """``path`` with its last segment (after "/" or "\\") replaced by "…" when it is a card file's name (``*.vcf``):
    "Ana Silva.vcf" is one file, not the token "Silva.vcf" after a word. Read from the end once: a pattern
    ``[^/\\]+\\.vcf\\Z`` was tried from each character, quadratic (200,000 characters: 140 s)."""
    start = max(path.rfind("/"), path.rfind("\\")) + 1
    last = path[start:]
    if len(last) > len(".vcf") and last[-len(".vcf") :].casefold() == ".vcf":
        return path[:start] + MASK
    return path


def mask_personal(text: str) -> str:
    """``text`` with every email-shaped token (``@`` or its ``%40`` spelling), every card file's name (``*.vcf``)
    and every ``+``-prefixed phone number replaced by "…": the last net under our own messages, which name
    accounts, keys and counts, and are written whatever ``log.personal_data`` says. Connectors mask what they know
    to be personal (a server's path, a platform's quoted values) before it gets here; this catches what one
    forgot (a card file's name, "Ana Souza.vcf", in a platform's answer)."""
    budget = [_COUNT_LOOKUPS_MAX]
    return _PHONE.sub(lambda m: _phone_masked(m, budget), _card_names_masked(_EMAIL.sub(MASK, text)))


#: the words CardDAV servers put in their paths (Nextcloud, ownCloud, SabreDAV/Baïkal, Radicale, SOGo, iCloud,
#: Fastmail, Google, Xandikos, DAViCal), the only plain words :func:`shown_path` lets through
PATH_WORDS: Final = frozenset(
    {
        ".well-known",
        "addressbook",
        "addressbooks",
        "addressbook-home",
        "addressbook-home-set",
        "caldav.php",
        "card",
        "carddav",
        "carddavhome",
        "contacts",
        "dav",
        "dav.php",
        "default",
        "principals",
        "remote.php",
        "sogo",
        "user",
        "users",
        "v1",
        "v2",
    }
)
#: an opaque id a server or a client made: a UUID, or a long hex token holding a letter and a digit (a phone
#: number is all digits, a login or a name is not hex), optionally a card's ``.vcf`` file name
_OPAQUE_SEGMENT: Final = re.compile(
    r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{16,})(?:\.vcf)?",
    re.IGNORECASE,
)


def shown_path(url: str, username: str | None = None) -> str:
    """``url``'s path as a message may show it whatever ``log.personal_data`` says (a ConnectorError's text goes
    to logs, ``status`` and the run report as it is; a quarantined card's id is shown by ``status``).

    The rule: a segment is shown only when it is one of the words CardDAV servers put in their paths
    (:data:`PATH_WORDS`: ``remote.php``, ``dav``, ``addressbooks``, ``users``, ``contacts``…) or an opaque id
    (a UUID, a long hex token), and never when it is the account's ``username`` or its part before "@"; every
    other segment becomes "…". A server's path names its user (Nextcloud's
    ``/remote.php/dav/addressbooks/users/ana@example.com/contacts/``, Radicale's ``/ana/``), and an address book
    or a card may be named after a person (a card's file name is its UID, which another client may have made an
    email): what is left says where in the server's tree the request went. The query is never shown."""
    login = (username or "").casefold()
    hidden = {login, login.partition("@")[0]} - {""}
    shown = []
    for segment in (urlsplit(url).path or "/").split("/"):
        plain = unquote(segment).casefold()
        if not segment or (
            plain not in hidden and (plain in PATH_WORDS or _OPAQUE_SEGMENT.fullmatch(plain) is not None)
        ):
            shown.append(segment)
        else:
            shown.append(MASK)
    return "/".join(shown) or "/"


def shown_item(remote_id: str, username: str | None = None) -> str:
    """An item's id on an account (a quarantined item's, in ``status`` and ``status --json``) as it may be shown
    whatever ``log.personal_data`` says: a path or a URL (CardDAV's href, which holds the login) by
    :func:`shown_path`; any other id (Outlook's, Google's, a directory's: opaque; vdir's file name, made of a UID)
    through :func:`mask_personal`."""
    if remote_id.startswith("/") or "://" in remote_id:
        return shown_path(remote_id, username)
    # a card file's whole name ("Ana Silva.vcf" is one file, not the token "Silva.vcf" after a word)
    return mask_personal(_without_card_file(remote_id))


#: hex digits of an item's handle: enough to tell a few quarantined items of one account apart
HANDLE_HEX: Final = 6


def item_handle(remote_id: str, key: bytes) -> str:
    """What tells apart items whose ids :func:`shown_item` masked alike (``…#3f9a1c``), the same from one ``status``
    to the next: "#" and :data:`HANDLE_HEX` hex digits of an HMAC-SHA256 of the whole id under ``key``, the store's
    own random key (``contactsync.store.secrets``). Keyed, so that someone reading a pasted ``status`` cannot
    confirm a guessed href by hashing it: a plain hash of the id let them."""
    return "#" + hmac.new(key, remote_id.encode(), hashlib.sha256).hexdigest()[:HANDLE_HEX]


def _file_shown(filename: object) -> str:
    """An OSError's file name as a line may show it: the folder, and the file's own name unless it is a card's."""
    return mask_personal(_without_card_file(str(filename)))


def safe_error_text(exc: BaseException, *, personal_data: bool = False) -> str:
    """What may be said of ``exc`` in a log line or on a terminal. With ``personal_data``, everything."""
    if personal_data:
        return f"{type(exc).__name__}: {exc}"
    driver = _driver_text(exc)
    if driver is not None:
        return driver
    if isinstance(exc, OSError) and exc.strerror:
        # the file name is ours (a store path, a vdir folder), except a card file's, named by its UID; strerror is
        # the OS's
        where = f": {_file_shown(exc.filename)}" if exc.filename else ""
        return f"{type(exc).__name__}: {exc.strerror}{where}"
    if isinstance(exc, ContactSyncError):
        # our own messages name accounts, keys and counts; a translated driver error carries its safe text
        cause = exc.__cause__
        if cause is not None and _driver_text(cause) is not None and str(cause) in str(exc):
            return f"{type(exc).__name__}: {_driver_text(cause)}"
        return f"{type(exc).__name__}: {mask_personal(str(exc))}"
    return f"{type(exc).__name__} ({WITHHELD})"


def account_error(exc: BaseException) -> str:
    """What the engine records as an account's error (``status``, the run report): our own errors' messages (an
    email or a phone number in one masked, :func:`mask_personal`), anything else (a driver's, a library's) through
    :func:`safe_error_text`, since it is shown and stored whatever ``log.personal_data`` says."""
    from .errors import ConnectorError

    if isinstance(exc, ConnectorError):
        return mask_personal(str(exc)) or type(exc).__name__
    return safe_error_text(exc)


def format_exception(exc: BaseException, *, personal_data: bool = False) -> str:
    """A traceback like Python's (the chain of causes included), each exception's text through
    :func:`safe_error_text`."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "The above exception was the direct cause of the following exception:"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "During handling of the above exception, another exception occurred:"
        else:
            current = None
    parts: list[str] = []
    for index, (item, _) in enumerate(reversed(chain)):
        if index:
            parts.append(f"\n{chain[len(chain) - index][1]}\n\n")
        if item.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(item.__traceback__))
        module = type(item).__module__
        name = type(item).__qualname__ if module in ("builtins", "__main__") else f"{module}.{type(item).__qualname__}"
        text = safe_error_text(item, personal_data=personal_data)
        parts.append(f"{name}: {text.split(': ', 1)[1] if ': ' in text else text}\n")
    return "".join(parts).rstrip("\n")


#: a book's or an account's name as a token of a line (names are ``[a-z0-9][a-z0-9_.-]*``, config/schema.py), or a
#: sign-in name a template put into an option (``path: /srv/vdir/{username}``: ``Ana.Silva``)
_NAME_TOKEN = re.compile(r"(?<![A-Za-z0-9_.-])[A-Za-z0-9][A-Za-z0-9_.-]*")
#: words that are never registered as names (:func:`register_pseudonyms`): a person's sign-in name that is also one of
#: them (a role mailbox's ``contacts``, ``info``, ``support``) would be replaced wherever the word stands in a line,
#: in a server's path (``/…/contacts/``) or our own advice ("see -v for info"), and the line would lie. Such a login
#: names a role, rarely a person (and a first name that is also a word, "will", "may", names no one alone): the
#: words of CardDAV servers' paths, of our messages, and short common words
_WORDS: Final = """
    a all an and any are as at be by do for from go has if in into is it its me my no none not of off ok on one or our
    out see so the to two up us use was we with yes account accounts admin book books card cards contact error errors
    help hello home info mail mailbox office run sales service support sync team test user users webmaster www
    backup date first grant key last local mark may new next note old owner page read remote root server time will
"""
ORDINARY_WORDS: Final = PATH_WORDS | frozenset(_WORDS.split())
#: book and account names a template built from a person's sign-in name or email → the pseudonym log lines show
#: (:func:`register_pseudonyms`); replaced whole, never changed in place, so a formatter reads it without a lock
_pseudonyms: Mapping[str, str] = MappingProxyType({})
#: the sign-in names themselves (``Ana.Silva``, ``josé.silva``, ``o'brien``) → the pseudonym, shown so only as a
#: segment of a path (``path: /srv/vdir/{username}`` in an OSError's line): anywhere else a login is a word ("max",
#: "jobs", "1042", a book named "hr") and replacing it would make the line lie
_logins: Mapping[str, str] = MappingProxyType({})
#: the longest registered sign-in name: how far into a path segment a login is looked for
_login_longest = 0
_register_lock = threading.Lock()
#: what may follow a login at the end of a path segment in a line ("/srv/vdir/ana silva: denied", "'/x/o'brien'"),
#: or within one: the domain of a login that is an email's local part ("/dav/ana.silva@example.org/", "%40")
_AFTER_SEGMENT: Final = frozenset(" \t\n\"'),;:@%")
#: a path's segment in a line: what follows a "/" or a "\\" up to the next one
_SEGMENT = re.compile(r"(?<=[/\\])[^/\\]+")


def register_pseudonyms(
    names: Mapping[str, str], *, logins: Mapping[str, str] | None = None, reserved: Collection[str] = ()
) -> None:
    """From now on, log lines (``log.personal_data: false``) show each name of ``names`` (a whole token of a line)
    and each sign-in name of ``logins`` (a segment of a path in a line) as its pseudonym. Names registered before
    are kept: a line about a book renamed since (its person's sign-in name changed) still shows the old name's
    pseudonym. A sign-in name given two pseudonyms (one person in two templates: each template's) shows the smaller
    of them, whatever the order they came in: one pseudonym per login, the same in every process and after a
    restart (the last registered won before, so it hung on the order of the file's templates and of the calls).
    A name that is not one token of a line, or is an ordinary word (:data:`ORDINARY_WORDS`: replacing
    it would change sentences and paths) is not registered; nor is a login that is an ordinary word, all digits,
    holds a "/", or is one of ``reserved`` (the configuration's own book, account, template and distribution
    names: "book hr" must stay the static book hr). :func:`contactsync.templates.with_template_books` registers
    what it expands."""
    global _pseudonyms, _logins, _login_longest
    taken = {r.casefold() for r in reserved}
    with _register_lock:  # read, merge, replace: two expansions at once would lose one's names
        kept = {
            k: v
            for k, v in names.items()
            if k.casefold() not in ORDINARY_WORDS and _NAME_TOKEN.fullmatch(k) is not None and _pseudonyms.get(k) != v
        }
        if kept:
            _pseudonyms = MappingProxyType({**_pseudonyms, **kept})
        new_logins = {
            k: v
            for k, v in (logins or {}).items()
            if k.strip() == k
            and k
            and not k.isdigit()
            and "/" not in k
            and "\\" not in k
            and k.casefold() not in ORDINARY_WORDS
            and k.casefold() not in taken
            and (k not in _logins or v < _logins[k])  # the smaller pseudonym, whatever the order
        }
        if new_logins:
            # the length first: a formatter reading the new table with the old length would miss a long login
            _login_longest = max(_login_longest, *(len(k) for k in new_logins))
            _logins = MappingProxyType({**_logins, **new_logins})


def _pseudonymize_logins(text: str, table: Mapping[str, str], longest: int) -> str:
    """``text`` with each path segment that is a registered login (or starts with one, then a space, a quote or
    a colon: the rest of the line) replaced by its pseudonym."""

    def one(match: re.Match[str]) -> str:
        segment = match.group()
        shown = table.get(segment)
        if shown is not None:
            return shown
        # the longest login the segment starts with and that ends where a segment may end in a line
        for end in range(min(len(segment) - 1, longest), 0, -1):
            after = segment[end]
            if after in _AFTER_SEGMENT or (after == "." and (end + 1 == len(segment) or segment[end + 1].isspace())):
                shown = table.get(segment[:end])
                if shown is not None:
                    return shown + segment[end:]
        return segment

    return _SEGMENT.sub(one, text)


def pseudonymize(text: str) -> str:
    """``text`` with every registered name (a whole token: ``google-ana.silva``, not the ``ana.silva`` in it)
    and every registered sign-in name standing as a path's segment (``/srv/vdir/ana.silva``) replaced by its
    pseudonym; one pass over the text for each."""
    table, logins, longest = _pseudonyms, _logins, _login_longest
    if logins and ("/" in text or "\\" in text):
        text = _pseudonymize_logins(text, logins, longest)
    if not table:
        return text

    def one(match: re.Match[str]) -> str:
        token = match.group()
        shown = table.get(token)
        if shown is not None:
            return shown
        bare = token.rstrip("._-")  # the end of a sentence: "book ana.silva."
        shown = table.get(bare)
        return token if shown is None else shown + token[len(bare) :]

    return _NAME_TOKEN.sub(one, text)


class _Pseudonymized:
    """A log argument that is not a string or a number (an exception: ``log.warning("%s", exc)``, whose text names
    a book or an account), formatted as it would be, then pseudonymized: for ``%s`` and ``%r`` alike."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __str__(self) -> str:
        return pseudonymize(_text(self.value, str))

    def __repr__(self) -> str:
        return pseudonymize(_text(self.value, repr))


def _text(value: object, how: Callable[[object], str] = str) -> str:
    """``value``'s text, or ``<TypeName: text unavailable>`` when making it raises: logging would print its
    "--- Logging error ---" with the record's raw arguments (names in them) to stderr."""
    try:
        return how(value)
    except Exception:  # any error of a foreign __str__: the line is still written
        return f"<{type(value).__name__}: text unavailable>"


def _shown_arg(value: Any) -> Any:
    """A record's argument as a line shows it: a string pseudonymized, a number (for ``%d``) as it is, anything else
    by its text, pseudonymized."""
    if isinstance(value, str):
        return pseudonymize(value)
    if value is None or isinstance(value, numbers.Number):
        return value
    return _Pseudonymized(value)


def _shown_value(value: Any) -> Any:
    """A record's field as a line shows it: strings pseudonymized, numbers, booleans and None as they are, lists and
    mappings item by item, anything else (an exception) by its text, pseudonymized."""
    if isinstance(value, str):
        return pseudonymize(value)
    if value is None or isinstance(value, numbers.Number):
        return value
    if isinstance(value, Mapping):
        return {k: _shown_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_shown_value(v) for v in value]
    return pseudonymize(_text(value))


def _message(record: logging.LogRecord, personal_data: bool) -> str:
    """The record's message, its arguments pseudonymized unless ``personal_data`` (a string's, and any other
    object's text but a number's: an exception passed as it is names its book). Only the arguments: the format
    string is ours (every call passes names as arguments), so a sign-in name that is also a word never changes the
    sentence around it."""
    if personal_data or not record.args:
        return record.getMessage()
    args = record.args
    shown: Any = (
        {k: _shown_arg(v) for k, v in args.items()} if isinstance(args, Mapping) else tuple(_shown_arg(a) for a in args)
    )
    return str(str(record.msg) % shown)


#: fields every line logged in this context carries (the daemon sets a templated book's ``template`` and
#: ``person``, the directory's id, while it runs the book: what a line is about, without naming anyone)
CONTEXT_FIELDS: ContextVar[Mapping[str, Any]] = ContextVar("contactsync_log_fields", default=MappingProxyType({}))


def _fields(record: logging.LogRecord) -> Mapping[str, Any]:
    fields = getattr(record, "fields", None)
    own = fields if isinstance(fields, Mapping) else {}
    context = CONTEXT_FIELDS.get()
    return {**own, **{k: v for k, v in context.items() if k not in own}} if context else own


class HumanFormatter(logging.Formatter):
    """``2026-12-05T20:09:07.123+00:00 INFO contactsync.daemon: msg key=value``; under journald
    ``<6>INFO contactsync.daemon: msg key=value`` (journald stamps the line itself)."""

    def __init__(self, *, journald: bool, personal_data: bool) -> None:
        super().__init__()
        self.journald = journald
        self.personal_data = personal_data

    def format(self, record: logging.LogRecord) -> str:
        message = _message(record, self.personal_data)
        fields = _fields(record)
        if fields:
            if not self.personal_data:
                fields = {k: _shown_value(v) for k, v in fields.items()}
            message += "".join(f" {k}={'-' if v is None else v}" for k, v in fields.items())
        if record.exc_info and record.exc_info[1] is not None:
            text = format_exception(record.exc_info[1], personal_data=self.personal_data)
            message += "\n" + (text if self.personal_data else pseudonymize(text))
        head = f"{record.levelname} {record.name}: "
        if self.journald:
            prefix = f"<{_PRIORITY.get(record.levelno, 6)}>"
            # journald reads the prefix per line: a traceback's lines get the record's priority too
            return "\n".join(prefix + (head if i == 0 else "") + line for i, line in enumerate(message.split("\n")))
        return f"{_timestamp(record)} {head}{message}"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, the record's fields, and ``exc`` (redacted)."""

    def __init__(self, *, personal_data: bool = False) -> None:
        super().__init__()
        self.personal_data = personal_data

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": _timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": _message(record, self.personal_data),
        }
        for key, value in _fields(record).items():
            entry.setdefault(key, value if self.personal_data else _shown_value(value))
        if record.exc_info and record.exc_info[1] is not None:
            text = format_exception(record.exc_info[1], personal_data=self.personal_data)
            entry["exc"] = text if self.personal_data else pseudonymize(text)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")


def setup_logging(fmt: LogFormat, level: str, verbose: int, *, personal_data: bool = False) -> logging.Handler:
    """One stderr handler on the root logger for our lines and every library's; returns it (tests read it)."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt is LogFormat.JSON:
        handler.setFormatter(JsonFormatter(personal_data=personal_data))
    else:
        handler.setFormatter(HumanFormatter(journald=under_journald(), personal_data=personal_data))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)  # libraries: their warnings and errors only
    ours = logging.getLogger("contactsync")
    ours.handlers[:] = []
    ours.propagate = True
    ours.setLevel(logging.DEBUG if verbose > 1 else (logging.INFO if verbose else getattr(logging, level, 20)))
    # caldav logs request and response bodies (card contents: personal data) at DEBUG
    logging.getLogger("caldav").setLevel(logging.WARNING)
    # APScheduler says "Running job …"/"Job … executed" at INFO for every run; its warnings and errors still come
    # through (a slot skipped because the run is still going is said by the daemon itself, daemon/service.py)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return handler


__all__ = [
    "HumanFormatter",
    "JsonFormatter",
    "account_error",
    "format_exception",
    "item_handle",
    "mask_personal",
    "pseudonymize",
    "register_pseudonyms",
    "safe_error_text",
    "setup_logging",
    "shown_item",
    "shown_path",
    "under_journald",
]
