"""The ``vdir`` connector: a folder of ``.vcf`` files, one card per file (as vdirsyncer and khard keep them).

Item ids are file names. Etags are content hashes, so touching a file is not a change. The incremental state
remembers (mtime_ns, size, ctime_ns, inode, etag, kind) per file, so a pull reads only the files whose stat
changed (the ctime and inode too: an edit that keeps the size and puts the mtime back, as ``cp -p``, ``rsync -t``
or a coarse file-system clock can, still moves the ctime or, written and renamed over, the inode); a card a
run wrote is folded into it by content only (``absorb_writes``), so the next pull reads and hashes it but parses
it only if someone changed it since (#18). Writes go to a temporary file in the same folder, are fsynced, and
are renamed over (updates) or hard-linked (creates: ``link`` fails when the name exists, which gives
create-never-overwrites without a race).

A process stopped between a card's write and its link or rename (kill -9, power lost) leaves its temporary
(``.contactsync-<pid>-<n>.tmp``: a whole or half card, which other tools syncing the folder may see). Each run of an
account that writes (``tidy``, after its pull; never a dry run) removes those whose pid runs no process on this
system and that were last written ``STALE_TEMPORARY_S`` (10 minutes) ago or more: a live process's temporaries are
its own (a daemon and a ``sync`` may share the folder), and a writer on another host or in another container, whose
pids this system does not see, never keeps one that long. Nothing else is touched; the log says how many were
removed.

A push writes its cards from a few threads at once and makes the folder durable once, after its last link,
rename or unlink and before it returns (the engine records the results after that). Each card's data is still
durable before its name appears. ext4 commits fsyncs that arrive together in one journal commit: on a 2,000-card
first sync that took the writes from 0.71 ms per card (file and folder fsynced per card) to about 0.3 (#18).
Changes that name the same file or the same contact are applied one after the other, in the batch's order.
A push of many new cards that no other change of it names (a first sync) goes further on Linux: it writes all
their temporaries, makes the file system durable once (``syncfs``), then links them: one flush a push of up to
500 cards instead of a fsync a card (on a 10,000-card first sync, 20 flushes for 10,000 fsyncs). Only on a file
system whose syncfs writes every file out (``_FLUSHED_WHOLE``); elsewhere each card is fsynced. A process
killed before the links leaves only temporaries, as one killed at a card's fsync did.

An etag check followed by a rename is not atomic against another writer on the same folder: the window is
the few microseconds between the two, which a local folder shared with a desktop client can live with.

Tag counts (the tag-count check after a run) hold to the standard the CardDAV connector set: they count the
folder as this connector's last pull saw it plus what its pushes since did to it, reading no file (#18: on a
2,000-card first sync the check re-read and hashed all 4,000 files of both folders, 5% of the run). So an external
edit the pull saw counts, as does every card the run wrote; an edit made after the pull is counted by the next
run. The pull sees every edit (an edit that keeps the size and the mtime moves the ctime: see the state above);
before the ctime was kept, such an edit was never synced, and the check reading every file was what found it. Without
that knowledge, complete (no pull yet in this process, a card whose tags the state does not hold, a write whose
outcome is not known, a push that raised), tag_counts reads the folder.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import logging
import os
import re
import stat as statmode
import sys
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from contactsync.connector import (
    BaseConnector,
    Change,
    ChangeKind,
    ChangeResult,
    Notice,
    PullResult,
    Quarantined,
    RecordedWrite,
    RemoteContact,
    RemoteRef,
)
from contactsync.connectors.fitmemo import FitMemo
from contactsync.connectors.pullstate import pack_state, unpack_state
from contactsync.errors import (
    AuthFailed,
    ConfigError,
    ConfigProblem,
    ConnectorError,
    ItemRejected,
    PreconditionFailed,
    SyncTokenExpired,
    Transient,
)
from contactsync.fidelity import photo_left_behind, skipped_notices
from contactsync.model import Contact, Tag
from contactsync.properties import vcard_capabilities
from contactsync.settings import AccountMode, AccountSettings, BookSettings
from contactsync.vcard.basics import CardError

from .options import OPTIONS_SCHEMA

if TYPE_CHECKING:
    from contactsync.vcard import ParsedCard  # the codec itself is imported where a card is read or written (#18)

log = logging.getLogger(__name__)

SUFFIX = ".vcf"
STATE_PREFIX = "vdir1:"
MAX_STEM = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_CONTACT, _GROUP, _BROKEN = "c", "g", "q"
#: the stat of a file the state knows by content only (a card we wrote): no stat matches it, so the next pull
#: reads the file and compares its hash, which no other write can match by chance of size and time
_NO_STAT = -1
#: how a temporary file is opened: created here and now (never a name someone made, never through a symlink)
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
#: numbers the temporaries of this process (with its pid, a name no other writer uses at the same time)
_TEMPORARIES = count()
#: names tried before a temporary gives up (as ``tempfile.mkstemp``): only someone filling the folder with them
_TEMPORARY_TRIES = 10_000
#: a temporary file's name: this process's pid and a number (``_write_temporary``)
_TEMPORARY_NAME = re.compile(r"\.contactsync-([0-9]{1,10})-[0-9]{1,20}\.tmp")
#: how old a dead process's temporary must be before a pull removes it. The pid alone says nothing about a process
#: of another host (a folder shared over NFS) or another pid namespace (a container) writing the same folder; no
#: live writer keeps a temporary for minutes (it exists from one card's write to its link or rename)
STALE_TEMPORARY_S = 600.0
#: cards of one push written at once: enough for the file system to commit their fsyncs together, few enough
#: to stay a small share of a folder a desktop client may be reading
WRITERS = 8
#: creates in one push, named by no other change of it, from which they are flushed together (``_Staged``): below
#: it, a fsync a card costs less than a flush of the whole file system could (other writers' data included)
FLUSHED_TOGETHER = 32
#: the kinds as module names: an Enum class member read is a Python-level lookup (~970 instructions on 3.11), three
#: a card written (#18)
_CREATE, _UPDATE, _DELETE = ChangeKind.CREATE, ChangeKind.UPDATE, ChangeKind.DELETE


def file_name_for(uid: str) -> str:
    """A file name for a card with ``uid``: only ``[A-Za-z0-9_.-]``, never a path, never hidden.

    A UID that had to be changed (or cut) gets a short hash of itself appended, so that two different UIDs
    do not end up with the same name.
    """
    stem = _UNSAFE.sub("_", uid).strip(".")
    if not stem:
        stem = str(uuid.uuid4())
    elif stem != uid or len(stem) > MAX_STEM:
        digest = hashlib.sha256(uid.encode("utf-8", errors="surrogatepass")).hexdigest()[:12]
        stem = f"{stem[:MAX_STEM]}-{digest}"
    return stem + SUFFIX


#: ``file_name_for`` of a contact id, for the push that names a create's file twice: its lanes, then the create
#: itself (from another thread); a push holds at most ``max_batch`` (500) changes
_file_name_of_id = functools.lru_cache(maxsize=1024)(file_name_for)


#: the contacts the vdir accounts of this process read from their cards, by identity (each entry keeps its contact
#: alive, so its id is not reused while there), with the region and photo cap they were read in. A contact read so
#: is its own fit in any vdir account of that region and cap (the fit is the codec's in the region, then the cap),
#: so the target of a folder-to-folder sync knows the source's contacts as fitted without hashing each for its
#: memo's key (#18: ~0.036 M instructions a card). A contact the merge made is another object: the long way.
#: Emptied when full and when an account is closed (a closed connector keeps no contact alive).
_READ_HERE: dict[int, tuple[Contact, str, int]] = {}
_READ_HERE_SIZE = 8192


def fit_contact(contact: Contact, *, region: str = "US") -> Contact:
    """The vCard codec's :func:`~contactsync.vcard.fit_contact`, imported on first use like the rest of the codec:
    a no-change run reads no card and fits no contact (#18). Imported as a module, here and where a card is read
    or written: ``from <package> import <name>`` in a function runs importlib's Python at every call (#18)."""
    import contactsync.vcard as vcard

    return vcard.fit_contact(contact, region=region)


def etag_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class _Seen:
    """What the last pull saw of one file. ``reason`` says why a quarantined file could not be read."""

    mtime_ns: int
    size: int
    etag: str
    kind: str  # _CONTACT, _GROUP or _BROKEN
    reason: str = ""
    #: a contact card's tag names as last parsed; None: not known (a state written before they were kept).
    #: tag_counts takes them for a card whose content is unchanged instead of parsing every card each run (#18)
    tags: tuple[str, ...] | None = None
    #: the status-change time and inode: _NO_STAT in a state written before they were kept (the file is then
    #: read and hashed once by the next pull)
    ctime_ns: int = _NO_STAT
    ino: int = _NO_STAT

    @classmethod
    def of(
        cls, stat: os.stat_result, etag: str, kind: str, reason: str = "", tags: tuple[str, ...] | None = None
    ) -> _Seen:
        return cls(stat.st_mtime_ns, stat.st_size, etag, kind, reason, tags, stat.st_ctime_ns, stat.st_ino)

    def same_stat(self, stat: os.stat_result) -> bool:
        """Whether the file is unchanged by its stat: what lets a pull trust it without reading it."""
        return (
            self.mtime_ns == stat.st_mtime_ns
            and self.size == stat.st_size
            and self.ctime_ns == stat.st_ctime_ns
            and self.ino == stat.st_ino
        )


#: _Seen's own constructor, kept for the test that compares it with the one below
_dataclass_seen_init = _Seen.__init__
_SEEN_FIELDS = ("mtime_ns", "size", "etag", "kind", "reason", "tags", "ctime_ns", "ino")
if [f.name for f in fields(_Seen)] != list(_SEEN_FIELDS):  # not an assert: -O would put a value in another slot
    raise ImportError("_Seen's fields changed: update its constructor")
_set_mtime, _set_size, _set_etag, _set_kind, _set_reason, _set_tags, _set_ctime, _set_ino = (
    vars(_Seen)[f].__set__ for f in _SEEN_FIELDS
)


def _seen_init(
    self: _Seen,
    mtime_ns: int,
    size: int,
    etag: str,
    kind: str,
    reason: str = "",
    tags: tuple[str, ...] | None = None,
    ctime_ns: int = _NO_STAT,
    ino: int = _NO_STAT,
) -> None:
    """_Seen's constructor without the frozen dataclass's ``object.__setattr__`` call a field (as the model's
    Contact and Email): a pull makes one a card read, a push one a card written (#18). The object stays frozen;
    tests/test_vdir_speed4.py compares it with the dataclass's."""
    _set_mtime(self, mtime_ns)
    _set_size(self, size)
    _set_etag(self, etag)
    _set_kind(self, kind)
    _set_reason(self, reason)
    _set_tags(self, tags)
    _set_ctime(self, ctime_ns)
    _set_ino(self, ino)


_Seen.__init__ = _seen_init  # type: ignore[method-assign]


def _encode_state(files: Mapping[str, _Seen]) -> str:
    # a sixth element, the tags, then the ctime and inode, which an older reader of this state ignores
    rows = {
        name: [
            s.mtime_ns,
            s.size,
            s.etag,
            s.kind,
            s.reason,
            None if s.tags is None else list(s.tags),
            s.ctime_ns,
            s.ino,
        ]
        for name, s in files.items()
    }
    return pack_state(STATE_PREFIX, rows)


def _decode_state(state: str) -> dict[str, _Seen]:
    return unpack_state(STATE_PREFIX, state, _seen_from_rows, what="the vdir state")


def _canonical_rows(rows: Any) -> dict[str, list[Any]]:
    """The state's rows as :func:`_encode_state` writes them once :func:`_seen_from_rows` read them (the same
    checks, the same failures on a damaged state), without making the entries."""
    return {
        str(name): [
            int(r[0]),
            int(r[1]),
            str(r[2]),
            str(r[3]),
            str(r[4]),
            [str(t) for t in r[5]] if len(r) > 5 and r[5] is not None else None,
            int(r[6]) if len(r) > 7 else _NO_STAT,
            int(r[7]) if len(r) > 7 else _NO_STAT,
        ]
        for name, r in rows.items()
    }


def _seen_from_rows(rows: Any) -> dict[str, _Seen]:
    return {
        str(name): _Seen(
            int(r[0]),
            int(r[1]),
            str(r[2]),
            str(r[3]),
            str(r[4]),
            tuple(str(t) for t in r[5]) if len(r) > 5 and r[5] is not None else None,
            int(r[6]) if len(r) > 7 else _NO_STAT,
            int(r[7]) if len(r) > 7 else _NO_STAT,
        )
        for name, r in rows.items()
    }


class VdirConnector(BaseConnector):
    """A folder of ``.vcf`` files. Raises ConnectorError when the folder is missing or is no folder (no retry
    within the run mends that; the next run looks again), AuthFailed when unreadable."""

    options_schema: ClassVar[Mapping[str, Any]] = OPTIONS_SCHEMA

    def __init__(
        self,
        name: str,
        path: Path,
        *,
        region: str = "US",
        photo_max_bytes: int = 1_000_000,
        version: str = "4.0",
        read_only: bool = False,
    ) -> None:
        if version not in ("3.0", "4.0"):
            raise ValueError(f"vCard version must be 3.0 or 4.0, not {version!r}")
        self.name = name
        self.path = Path(path)
        # the folder as a string ending in a separator: a card's path is one concatenation, not a Path built per
        # file (#18: four per card written)
        self._prefix = os.path.join(self.path, "")
        self.region = region
        self.photo_max_bytes = photo_max_bytes
        self.version = version
        self.capabilities = vcard_capabilities(photo_max_bytes=photo_max_bytes, read_only=read_only, max_batch=500)
        # the tags of each card content (etag) this connector parsed or wrote, None for a group card: tag_counts
        # after a pull or a push counts them without parsing every card again (#18: a card is parsed once per
        # account in a run, not four times); same bytes, same options, same parse
        self._tags: dict[str, frozenset[Tag] | None] = {}
        # the tags of each contact card of the folder, by file name, as the last pull saw it and this connector's
        # pushes since left it: what tag_counts counts, reading no file. None: not known, tag_counts reads the
        # folder (see the module's docstring)
        self._view: dict[str, frozenset[Tag]] | None = None
        #: what the last pull found named as our temporaries (``tidy`` removes the stale ones)
        self._temporaries: list[str] = []
        # the last contacts fitted: the engine asks for one contact's fit several times in a run (plan, write,
        # what is not carried, what a created card holds), each as costly as reading a card (#18)
        self._fits = FitMemo(self._fit)

    @classmethod
    def from_settings(cls, account: AccountSettings, book: BookSettings) -> VdirConnector:
        """Raises ConfigError when ``options.path`` is missing or an option has the wrong type."""
        options = account.options
        where = f"books.{book.name}.accounts.{account.name}.options"
        problems: list[ConfigProblem] = []
        path = options.get("path")
        if not isinstance(path, str) or not path.strip():
            problems.append(ConfigProblem("", None, f"{where}.path", "a folder path is required"))
        version = options.get("version", "4.0")
        if version not in ("3.0", "4.0"):
            problems.append(ConfigProblem("", None, f"{where}.version", 'must be "3.0" or "4.0"'))
        read_only = options.get("read_only", False)
        if not isinstance(read_only, bool):
            problems.append(ConfigProblem("", None, f"{where}.read_only", "must be true or false"))
        if problems:
            raise ConfigError(problems)
        return cls(
            account.name,
            Path(str(path)).expanduser(),
            region=book.default_region,
            photo_max_bytes=book.photo_max_bytes,
            version=str(version),
            read_only=bool(read_only) or account.mode is AccountMode.PULL_ONLY,
        )

    # ------------------------------------------------------------ reading

    def _list(
        self, temporaries: list[str] | None = None, other_case: list[str] | None = None
    ) -> dict[str, os.stat_result]:
        """Every card file's stat. Symlinks and hidden files (our temporaries) are not cards here; the names that
        look like our temporaries are added to ``temporaries`` when given, and those that end in another case of
        ``.vcf`` (``.VCF``, a Windows export) to ``other_case``: not read, but said (never skipped in silence)."""
        try:
            entries = list(os.scandir(self.path))
        except FileNotFoundError as exc:
            # not Transient: waiting seconds never brings a folder back, and the book's other accounts would wait
            raise ConnectorError(f"the folder of account {self.name!r} does not exist", account=self.name) from exc
        except NotADirectoryError as exc:
            raise ConnectorError(
                f"listing the folder of account {self.name!r} failed: {exc.strerror}", account=self.name
            ) from exc
        except PermissionError as exc:
            raise AuthFailed(f"the folder of account {self.name!r} is not readable", account=self.name) from exc
        except OSError as exc:
            raise Transient(
                f"listing the folder of account {self.name!r} failed: {exc.strerror}", account=self.name
            ) from exc
        out: dict[str, os.stat_result] = {}
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.endswith(SUFFIX):
                if temporaries is not None and entry.name.startswith(".contactsync-"):
                    temporaries.append(entry.name)
                elif other_case is not None and entry.name.lower().endswith(SUFFIX) and not entry.name.startswith("."):
                    other_case.append(entry.name)
                continue
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False):
                    out[entry.name] = entry.stat(follow_symlinks=False)
        return out

    def _read(self, file_name: str) -> bytes | None:
        """The file's bytes, or None when it vanished. Raises OSError for other failures."""
        try:
            fd = os.open(self._prefix + file_name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            return None
        try:
            return _read_all(fd)
        finally:
            os.close(fd)

    def _parse(self, data: bytes) -> ParsedCard:
        import contactsync.vcard as vcard

        return vcard.parse_card(vcard.decode_card_bytes(data), region=self.region, photo_max_bytes=self.photo_max_bytes)

    def _remote(self, file_name: str, etag: str, parsed: ParsedCard, mtime_ns: int) -> RemoteContact:
        # what a card holds is what this folder can hold: the engine's fit of it is itself, not computed (#18)
        contact = parsed.contact
        self._fits.seed(contact)
        if len(_READ_HERE) >= _READ_HERE_SIZE:
            _READ_HERE.clear()
        _READ_HERE[id(contact)] = (contact, self.region, self.photo_max_bytes)
        return RemoteContact(
            RemoteRef(file_name, etag),
            contact,
            parsed.marker,
            datetime.fromtimestamp(mtime_ns / 1e9, UTC),
            photo_left_behind(self.photo_max_bytes) if parsed.photo_dropped else (),
        )

    def pull(self, state: str | None) -> PullResult:
        """Cards changed since ``state`` (None: every card, ``full=True``).

        Raises ConnectorError (folder missing, or a file), AuthFailed (folder unreadable), Transient (another
        failure to list it), SyncTokenExpired (bad state).
        """
        self._view = None  # until this pull has seen every file (a pull that raises leaves it unknown)
        before = _decode_state(state) if state is not None else {}
        # names of our temporaries: removed by ``tidy`` if they are stale, never by a pull (a dry run pulls too)
        self._temporaries = []
        other_case: list[str] = []
        listing = self._list(self._temporaries, other_case)
        seen: dict[str, _Seen] = {}
        changed: list[RemoteContact] = []
        photos_dropped = 0  # photos over the cap in the cards read: not carried, and said so
        quarantined: list[Quarantined] = []
        deleted: list[str] = []
        for file_name, stat in sorted(listing.items()):
            previous = before.get(file_name)
            if previous is not None and previous.same_stat(stat) and not _tags_unknown(previous):
                seen[file_name] = previous  # unchanged by stat: not even read
                self._remember_tags(previous)
                if previous.kind == _BROKEN:
                    quarantined.append(Quarantined(file_name, previous.reason))
                continue
            try:
                data = self._read(file_name)
            except OSError as exc:
                reason = f"cannot be read: {exc.strerror}"
                # kept as unreadable with no stat, so that the next pull reads it again, and reports it gone
                # once it is (its quarantine ends then)
                seen[file_name] = _Seen(_NO_STAT, _NO_STAT, "", _BROKEN, reason)
                quarantined.append(Quarantined(file_name, reason))
                continue
            if data is None:
                continue  # vanished since the listing: reported gone below
            etag = etag_of(data)
            if previous is not None and previous.etag == etag:
                # touched, not changed: remember the new stat so it is not read again. A contact the state holds
                # without its tags (written before they were kept) is parsed once for them, not reported changed
                tags = self._parsed_tags(data) if _tags_unknown(previous) else previous.tags
                seen[file_name] = _Seen.of(stat, etag, previous.kind, previous.reason, tags)
                self._remember_tags(seen[file_name])
                if previous.kind == _BROKEN:
                    quarantined.append(Quarantined(file_name, previous.reason))
                continue
            try:
                parsed = self._parse(data)
            except CardError as exc:
                seen[file_name] = _Seen.of(stat, etag, _BROKEN, str(exc))
                # a contact that became unreadable is quarantined, not reported gone: never delete on it
                quarantined.append(Quarantined(file_name, str(exc)))
                continue
            kind = _GROUP if parsed.is_group else _CONTACT
            self._tags[etag] = None if parsed.is_group else parsed.contact.tags
            names = None if parsed.is_group else _tag_names(parsed.contact.tags)
            seen[file_name] = _Seen.of(stat, etag, kind, "", names)
            if kind == _CONTACT:
                changed.append(self._remote(file_name, etag, parsed, stat.st_mtime_ns))
                photos_dropped += parsed.photo_dropped
            elif previous is not None and previous.kind != _GROUP:
                # it is a group card now: no longer a contact, nor a quarantined item
                deleted.append(file_name)
        if state is not None:
            # every contact or quarantined file gone (removed, or vanished while this pull read it): a quarantined
            # one was never linked, but its quarantine ends with it (status reported it for good otherwise)
            deleted += [name for name, s in before.items() if name not in seen and s.kind != _GROUP]
            # a broken file that stopped being broken was never listed before: it arrives in ``changed``
        # the whole listing too: a card we wrote after ``state`` and that was removed since is gone as well
        present = frozenset(name for name, s in seen.items() if s.kind != _GROUP)
        self._view = _tags_by_file(seen)
        groups = sum(1 for s in seen.values() if s.kind == _GROUP)
        return PullResult(
            tuple(changed),
            tuple(sorted(deleted)),
            _encode_state(seen),
            full=state is None,
            quarantined=tuple(quarantined),
            present=present,
            notices=skipped_notices(groups, photos_dropped, self.photo_max_bytes) + _other_case_notice(other_case),
        )

    def tidy(self) -> None:
        """Remove what a stopped contactsync process left in the folder (the engine calls it after the listings
        of a run that may write, never in a dry run, which changes nothing): the stale temporaries the last pull
        found."""
        names, self._temporaries = self._temporaries, []
        if names and not self.capabilities.read_only:
            self._remove_stale_temporaries(names)

    def _remove_stale_temporaries(self, names: Sequence[str]) -> None:
        """Remove the temporaries among ``names`` that a contactsync process left when it was stopped between a
        card's write and its link or rename (killed, power lost): whole or half cards, seen by other tools
        syncing the folder, holding personal data no one else would remove. Only names of ``_write_temporary``'s
        pattern, regular files, whose pid runs no process here (a daemon and a ``sync``, or two daemons, may
        share the folder: a live process's temporaries are its own) and last written ``STALE_TEMPORARY_S`` ago
        or more. Logs how many: the names carry a pid and a number, nothing of a card."""
        if os.name != "posix":  # ``os.kill(pid, 0)`` asks about a process only there (on Windows it ends it)
            return
        removed = failed = 0
        now = time.time()
        for name in names:
            match = _TEMPORARY_NAME.fullmatch(name)
            if match is None or _process_exists(int(match[1])):
                continue
            path = self._prefix + name
            try:
                found = os.stat(path, follow_symlinks=False)
                if not statmode.S_ISREG(found.st_mode) or now - found.st_mtime < STALE_TEMPORARY_S:
                    continue
                os.unlink(path)
            except FileNotFoundError:
                continue  # removed meanwhile (another process cleaning the same folder)
            except OSError:
                failed += 1
                continue
            removed += 1
        if removed:
            log.info(
                "account %s: removed %d temporary file(s) a stopped contactsync process left in the folder",
                self.name,
                removed,
            )
        if failed:
            log.warning(
                "account %s: %d temporary file(s) a stopped contactsync process left in the folder could not be "
                "removed (hidden .contactsync-*.tmp files): let the user contactsync runs as write to the folder",
                self.name,
                failed,
            )

    def absorb_writes(self, state: str | None, writes: Sequence[RecordedWrite]) -> str | None:
        """``state`` knowing each card written at the etag the store recorded, by content: the next pull reads
        the file and hashes it (no stat is trusted for it), and parses it only when the hash differs, as for a
        touched file. So a card edited after our write, even to the same size within the same second, is read;
        one still as we wrote it costs a read, not a parse (#18). Deletes are left to the next pull.

        Done on the state's rows, not its :class:`_Seen` entries: a first sync's 2,000 writes made as many entries
        only to write them out again (20 ms of the run, #18); the text is the one decoding, adding the entries and
        encoding gave."""
        if state is None or not writes:
            return state
        try:
            rows = unpack_state(STATE_PREFIX, state, _canonical_rows, what="the vdir state")
        except SyncTokenExpired:
            return state
        for write in writes:
            ref = write.ref
            if ref is None or not self._is_our_name(ref.id):
                continue
            seen = rows.get(ref.id)
            if seen is not None and seen[2] == ref.etag:
                continue  # the listing saw the card as it is (an update that changed nothing in the file)
            tags = self._tags.get(ref.etag)  # what the write left in the card, as _written noted it
            # as _encode_state writes _Seen(_NO_STAT, _NO_STAT, etag, _CONTACT, "", names): known by content only
            names = None if tags is None else _tag_names(tags)
            rows[ref.id] = [_NO_STAT, _NO_STAT, ref.etag, _CONTACT, "", names, _NO_STAT, _NO_STAT]
        return pack_state(STATE_PREFIX, rows)

    def fetch(self, ids: Sequence[str]) -> Mapping[str, RemoteContact]:
        """The current cards among ``ids``; missing, unreadable and group cards are absent."""
        out: dict[str, RemoteContact] = {}
        for file_name in ids:
            if not self._is_our_name(file_name):
                continue
            try:
                stat = os.stat(self._prefix + file_name, follow_symlinks=False)
                data = self._read(file_name)
                if data is None:
                    continue
                parsed = self._parse(data)
            except (OSError, CardError):
                continue
            if not parsed.is_group:
                out[file_name] = self._remote(file_name, etag_of(data), parsed, stat.st_mtime_ns)
        return out

    def _remember_tags(self, seen: _Seen) -> None:
        """The tags of a card the state knows, for tag_counts (a broken card's are never known: it is parsed)."""
        if seen.kind == _GROUP:
            self._tags[seen.etag] = None
        elif seen.kind == _CONTACT and seen.tags is not None:
            self._tags[seen.etag] = frozenset(Tag(name) for name in seen.tags)

    def _parsed_tags(self, data: bytes) -> tuple[str, ...] | None:
        """The tag names of the contact card ``data``, None when it cannot be parsed (a codec that changed)."""
        try:
            parsed = self._parse(data)
        except CardError:
            return None
        return None if parsed.is_group else tuple(sorted(t.name for t in parsed.contact.tags))

    def tag_counts(self) -> Mapping[Tag, int]:
        """Cards per tag (CATEGORIES), as the last pull saw the folder plus what this connector's pushes since
        did to it: no file is read (#18). Without that knowledge, complete (see the module's docstring), read
        from the folder: every file hashed, parsing only content not seen before; unreadable files are skipped.
        Raises ConnectorError, AuthFailed, Transient (only when it reads the folder: see ``pull``)."""
        if self._view is not None:
            return _count_tags(self._view.values())
        return self._read_tag_counts()

    def _read_tag_counts(self) -> Mapping[Tag, int]:
        """Cards per tag as the folder holds them now: every file read and hashed."""
        counts: Counter[Tag] = Counter()
        known: dict[str, frozenset[Tag] | None] = {}
        for file_name in self._list():
            try:
                data = self._read(file_name)
                if data is None:
                    continue
                etag = etag_of(data)
                if etag in self._tags:
                    tags = self._tags[etag]
                else:
                    parsed = self._parse(data)
                    tags = None if parsed.is_group else parsed.contact.tags
            except (OSError, CardError):
                continue
            known[etag] = tags
            if tags is not None:
                counts.update(tags)
        self._tags = known  # only what the folder holds now: the memo never outgrows the folder
        return dict(counts)

    def fit(self, contact: Contact) -> Contact:
        read = _READ_HERE.get(id(contact))
        if read is not None and read[0] is contact and read[1] == self.region and read[2] == self.photo_max_bytes:
            return contact  # read by a vdir account of this region and cap: its own fit (see _READ_HERE)
        return self._fits(contact)

    def close(self) -> None:
        """Let go of the fits memoized for the run (the contacts of every card read and written): the engine is
        done with this connector, and a closed connector keeps no contact alive (#18)."""
        self._fits = FitMemo(self._fit)
        _READ_HERE.clear()

    def _fit(self, contact: Contact) -> Contact:
        fitted = fit_contact(contact, region=self.region)
        photo = fitted.photo
        if photo is not None and photo.data and len(photo.data) > self.photo_max_bytes:
            fitted = replace(fitted, photo=None)  # read back, a photo over the cap is dropped
        return fitted

    # ------------------------------------------------------------ writing

    @staticmethod
    def _is_our_name(file_name: str) -> bool:
        """A plain card file name of this folder: an id from elsewhere must not reach outside it."""
        return (
            file_name.endswith(SUFFIX)
            and not file_name.startswith(".")
            and "/" not in file_name
            and os.sep not in file_name
            and "\0" not in file_name
            and (os.altsep is None or os.altsep not in file_name)
        )

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        """Apply each change; per-item failures (PreconditionFailed, ItemRejected, Transient) are results.

        Changes run from up to ``WRITERS`` threads; those that name one file or one contact run in order in one
        of them. Every write is durable when this returns: each card fsynced before its link or rename, then
        the folder once for all the names (also when an unexpected error ends the push)."""
        if not changes:
            return []
        if self.capabilities.read_only:
            return [self._apply(change) for change in changes]  # each refused before touching the folder
        view, self._view = self._view, None  # a push that raises leaves the folder's tags unknown
        results = self._push(changes)
        self._view = None if view is None else _view_after(view, results)
        return results

    def _push(self, changes: Sequence[Change]) -> list[ChangeResult]:
        """``push``'s writes, from its lanes' threads; the folder made durable once at the end."""
        results: dict[int, ChangeResult] = {}

        # an error no result can hold (a bug), by the change's index: every other change is still applied, then
        # the first in the batch's order raises, as a pool's futures did
        unexpected: dict[int, Exception] = {}

        def run(lane: Sequence[int]) -> None:
            for i in lane:
                try:
                    results[i] = self._apply(changes[i])
                except Exception as exc:
                    unexpected[i] = exc
                    raise  # the rest of its lane waits on it

        lanes = _lanes(changes)
        alone = [lane[0] for lane in lanes if len(lane) == 1 and changes[lane[0]].kind is _CREATE]
        staged = None
        if len(alone) >= FLUSHED_TOGETHER and _syncfs() is not None and _flushes_whole(self.path):
            staged = _Staged.open(self.path, self.name)
        try:
            try:
                if staged is not None:
                    # written in this thread: with no fsync to wait for, a card's write is CPU, which threads would
                    # only take turns at
                    together = set(alone)
                    lanes = [lane for lane in lanes if len(lane) > 1 or lane[0] not in together]
                    for i in alone:
                        staged.index = i
                        try:
                            results[i] = self._apply(changes[i], staged)
                        except Exception as exc:
                            unexpected[i] = exc
                if len(lanes) == 1:
                    run(lanes[0])
                elif lanes:
                    _run_lanes(lanes, run, min(WRITERS, len(lanes)), f"vdir-{self.name}")
            except Exception:
                if not unexpected:
                    raise
        finally:
            try:
                if staged is not None:
                    staged.link(results, self._failure)
            finally:
                self._sync_folder()
        if unexpected:
            raise unexpected[min(unexpected)]
        return [results[i] for i in range(len(changes))]

    def _apply(self, change: Change, staged: _Staged | None = None) -> ChangeResult:
        """``change`` applied; a create with ``staged`` is only written, its name linked by ``staged.link``."""
        if self.capabilities.read_only:
            return ChangeResult(change, error=ItemRejected(f"account {self.name!r} is read-only", account=self.name))
        try:
            if change.kind is _CREATE:
                return self._create(change, staged)
            if change.kind is _UPDATE:
                return self._update(change)
            return self._delete(change)
        except (ConnectorError, OSError) as exc:
            return self._failure(change, exc)

    def _failure(self, change: Change, exc: ConnectorError | OSError) -> ChangeResult:
        """The result of a change that failed with ``exc``."""
        if isinstance(exc, ConnectorError):
            return ChangeResult(change, error=exc)
        if isinstance(exc, PermissionError):
            return ChangeResult(change, error=ItemRejected(f"permission denied: {exc.strerror}", account=self.name))
        return ChangeResult(change, error=Transient(f"writing failed: {exc.strerror}", account=self.name))

    def _current(self, change: Change) -> tuple[str, bytes]:
        """The file an update or delete names, checked against the change's etag."""
        if change.ref is None:
            raise ItemRejected(f"a {change.kind.value} needs the item's ref", account=self.name)
        file_name = change.ref.id
        if not self._is_our_name(file_name):
            raise ItemRejected("the item id is not a card file name of this folder", account=self.name)
        data = self._read(file_name)
        if data is None:
            # the file's name is its UID, which another client may have made of a name ("Ana Souza.vcf"): the
            # message is stored and shown whatever log.personal_data says, the item is named by its ref
            raise PreconditionFailed("the card file no longer exists", gone=True, account=self.name)
        if etag_of(data) != change.ref.etag:
            raise PreconditionFailed("the card file changed since it was read", account=self.name)
        return file_name, data

    def _create(self, change: Change, staged: _Staged | None = None) -> ChangeResult:
        import contactsync.vcard as vcard

        if change.contact is None:
            raise ItemRejected("a create needs the contact", account=self.name)
        # the UID (and so the file name) comes from the canonical id: a retried create finds its first try
        uid = change.contact_id
        if uid:
            file_name = _file_name_of_id(uid)  # as the push's lanes named it
        else:
            uid = str(uuid.uuid4())
            file_name = file_name_for(uid)
        text = vcard.render_card(
            change.contact,
            uid=uid,
            marker=change.contact_id,
            version=self.version,
            photo_max_bytes=self.photo_max_bytes,
            region=self.region,
        )
        data = text.encode("utf-8")
        temporary = self._write_temporary(data, durable=staged is None)
        if staged is not None:
            staged.add(temporary, self._prefix + file_name)
        else:
            try:
                os.link(temporary, self._prefix + file_name)
            except FileExistsError as exc:
                raise PreconditionFailed("a card file of its name exists already", account=self.name) from exc
            finally:
                os.unlink(temporary)
        # a card made from the contact alone reads back as the mapping's fit of it (the vCard codec's contract,
        # tests/test_fidelity.py): the card just rendered is not parsed again (#18)
        return self._written(change, file_name, data, self.fit(change.contact))

    def _update(self, change: Change) -> ChangeResult:
        import contactsync.vcard as vcard

        if change.contact is None:
            raise ItemRejected("an update needs the contact", account=self.name)
        file_name, current = self._current(change)
        original = vcard.decode_card_bytes(current)
        parsed_contact: Contact | None = None
        try:
            parsed = vcard.parse_card(original, region=self.region, photo_max_bytes=self.photo_max_bytes)
            version, uid, parsed_contact = parsed.version, parsed.uid, parsed.contact
        except CardError:
            version, uid = self.version, ""
        uid = uid or file_name.removesuffix(SUFFIX)
        text = vcard.render_card(
            change.contact,
            uid=uid,
            marker=change.contact_id,
            version=version,
            original=original,
            photo_max_bytes=self.photo_max_bytes,
            region=self.region,
            previous=change.previous,
        )
        if text == original:
            # nothing the card holds would change (only our marker, which the file name makes needless): the
            # file is not written, it stays byte for byte as it is
            return ChangeResult(
                change, RemoteRef(file_name, change.ref.etag if change.ref else ""), stored=parsed_contact
            )
        data = text.encode("utf-8")
        temporary = self._write_temporary(data)
        try:
            # a rewritten card keeps its file's mode (a temporary is 0600; the admin's 0644 is theirs to keep)
            with contextlib.suppress(FileNotFoundError):
                os.chmod(temporary, os.stat(self._prefix + file_name).st_mode & 0o7777)
            os.replace(temporary, self._prefix + file_name)
        except OSError:
            os.unlink(temporary)
            raise
        return self._written(change, file_name, data)

    def _delete(self, change: Change) -> ChangeResult:
        file_name, _ = self._current(change)
        try:
            os.unlink(self._prefix + file_name)
        except FileNotFoundError as exc:
            raise PreconditionFailed("the card file no longer exists", gone=True, account=self.name) from exc
        return ChangeResult(change)

    def _write_temporary(self, data: bytes, *, durable: bool = True) -> str:
        """``data`` in a fsynced hidden file of the folder (same file system: link and rename are atomic), mode
        0600, created by this call (``O_EXCL``) under a name of this process's own: its pid and a number. Not
        ``tempfile.mkstemp``, whose random name and path handling, and the buffered file object around one write,
        cost more than the write itself (#18). A name left by a crashed process that had our pid is skipped.
        ``durable=False``: not fsynced, for a caller that makes the file system durable before naming it."""
        for _ in range(_TEMPORARY_TRIES):
            name = f"{self._prefix}.contactsync-{os.getpid()}-{next(_TEMPORARIES)}.tmp"
            try:
                fd = os.open(name, _CREATE_FLAGS, 0o600)
            except FileExistsError:
                continue
            break
        else:
            raise FileExistsError(errno.EEXIST, "no free name for a temporary file")
        try:
            try:
                done = os.write(fd, data)
                while done < len(data):  # a short write: the rest
                    done += os.write(fd, memoryview(data)[done:])
                if durable:
                    os.fsync(fd)
            finally:
                os.close(fd)
        except BaseException:
            os.unlink(name)
            raise
        return name

    def _sync_folder(self) -> None:
        """Make a push's links, renames and unlinks durable (the directory entries), where the platform allows it."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def _written(self, change: Change, file_name: str, data: bytes, stored: Contact | None = None) -> ChangeResult:
        """The result of writing ``data`` as ``file_name``; ``stored``: what the card holds when already known."""
        if stored is None:
            stored = self._parse(data).contact
        etag = etag_of(data)
        self._tags[etag] = stored.tags
        return ChangeResult(change, RemoteRef(file_name, etag), stored=stored)


def _process_exists(pid: int) -> bool:
    """Whether a process with ``pid`` runs on this system (one of another user's too); a pid no process can have
    counts as running: such a name is not ours to remove."""
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process; a number no pid can be
    return True


def _read_all(fd: int) -> bytes:
    """What is left to read of ``fd``, as ``FileIO.readall`` reads it (without the file objects around it, #18): as
    many bytes as its size says and one more, then on until a read finds the end (a short read, a growing file)."""
    first = os.read(fd, os.fstat(fd).st_size + 1)
    more = os.read(fd, 1 << 16) if first else b""
    if not more:
        return first  # the usual case: one read, and the one that finds the end (no copy to join the two)
    parts = [first, more]
    while parts[-1]:
        parts.append(os.read(fd, 1 << 16))
    return b"".join(parts)


#: a tag set (by identity: tags are equal ignoring case, their names are not) → its names, sorted
_TAG_NAMES: dict[int, tuple[frozenset[Tag], tuple[str, ...]]] = {}


def _tag_names(tags: frozenset[Tag]) -> tuple[str, ...]:
    """A card's tag names as a state keeps them, sorted: once per tag set object (the codec shares one per set of
    names, and a book has few), not a sort per card read or written (#18). The entry keeps its set alive, so its
    id is not reused while it is here."""
    known = _TAG_NAMES.get(id(tags))
    if known is not None and known[0] is tags:
        return known[1]
    names = tuple(sorted(t.name for t in tags))
    if len(_TAG_NAMES) >= 1024:
        _TAG_NAMES.clear()
    _TAG_NAMES[id(tags)] = (tags, names)
    return names


def _count_tags(tag_sets: Iterable[frozenset[Tag]]) -> dict[Tag, int]:
    """Cards per tag from each card's tag set: the sets counted first, then each distinct set's tags. A card's
    set is hashed from its tags' hashes as the set keeps them, and the cards share a few combinations; a Tag's
    own hash is dataclass Python, which counting every card's tags called once per card and tag (#18)."""
    counts: Counter[Tag] = Counter()
    for tags, cards in Counter(tag_sets).items():
        for tag in tags:
            counts[tag] += cards
    return dict(counts)


def _tags_unknown(seen: _Seen) -> bool:
    """A contact card the state holds without its tags (a state written before they were kept)."""
    return seen.kind == _CONTACT and seen.tags is None


def _tags_by_file(files: Mapping[str, _Seen]) -> dict[str, frozenset[Tag]] | None:
    """The tags of each contact card among ``files`` (what a pull saw), None when some card's are not known."""
    shared: dict[tuple[str, ...], frozenset[Tag]] = {}  # one set per combination: most cards share a few
    out: dict[str, frozenset[Tag]] = {}
    for file_name, seen in files.items():
        if seen.kind != _CONTACT:
            continue  # group and unreadable cards hold no counted tags, as when the folder is read
        names = seen.tags
        if names is None:
            return None
        tags = shared.get(names)
        if tags is None:
            tags = shared[names] = frozenset(Tag(name) for name in names)
        out[file_name] = tags
    return out


def _view_after(view: dict[str, frozenset[Tag]], results: Sequence[ChangeResult]) -> dict[str, frozenset[Tag]] | None:
    """``view`` (file name → tags of each contact card) after a push's ``results``, in the batch's order (the
    order in which changes to one file ran); None when a result leaves a card's content unknown: any failure but
    a file found gone (a precondition refused because someone changed the card since, a create finding its
    name taken, an I/O error that may come after the card's link or rename)."""
    for result in results:
        change, error = result.change, result.error
        if error is not None:
            if isinstance(error, PreconditionFailed) and error.gone and change.ref is not None:
                view.pop(change.ref.id, None)  # removed by someone since the pull: not there now
                continue
            return None
        if change.kind is _DELETE:
            if change.ref is None:
                return None
            view.pop(change.ref.id, None)
        elif result.ref is None or result.stored is None:
            return None  # written, but what it holds not said (an update over a card the codec cannot read)
        else:
            view[result.ref.id] = result.stored.tags
    return view


class _Staged:
    """A push's new cards written to their temporaries, unsynced, then named together: one flush of the file system
    (``syncfs``) makes every one of them durable, then each is linked to its name, so no name ever shows a card
    whose data a crash could lose. What fails here is that card's result, as when it was written alone."""

    def __init__(self, folder: int, account: str) -> None:
        # the folder, opened before the first card is written: syncfs reports the write errors of its file system
        # since this handle was opened, even those another caller's syncfs saw first (Linux's errseq)
        self.folder = folder
        self.account = account
        self.index = 0  # the change being written: its index in the push
        self.written: list[tuple[str, str, int]] = []  # temporary, the card's path, the change's index

    @classmethod
    def open(cls, folder: Path, account: str) -> _Staged | None:
        """None when the folder cannot be opened (the push then fsyncs each card, and says what fails)."""
        try:
            return cls(os.open(folder, os.O_RDONLY), account)
        except OSError:
            return None

    def add(self, temporary: str, path: str) -> None:
        self.written.append((temporary, path, self.index))

    def link(self, results: dict[int, ChangeResult], failure: Callable[[Change, OSError], ChangeResult]) -> None:
        """Flush, then name each card written; ``results`` (by the change's index in the push) say which failed.
        A card written whose change has no result (an error no result holds was raised after its write) is not
        named. Closes the folder."""
        # only cards whose change has its result: the others' temporaries are removed below
        named = [(temporary, path, i) for temporary, path, i in self.written if i in results]
        try:
            if not named:
                return
            try:
                _flush(self.folder)
            except OSError as exc:
                if exc.errno not in _NO_SYNCFS:
                    for _, _, i in named:
                        results[i] = failure(results[i].change, exc)
                    return
                # a sandbox that refuses the call (seccomp): a fsync a card, as without it, from now on too
                _syncfs.cache_clear()
                _SYNCFS_REFUSED.set()
                _fsync_each(named, results, failure)
            for temporary, path, i in named:
                if not results[i].ok:
                    continue
                try:
                    os.link(temporary, path)
                except FileExistsError:
                    # not named: a card file's name may be a person's (see _current)
                    exists = PreconditionFailed("a card file of its name exists already", account=self.account)
                    results[i] = ChangeResult(results[i].change, error=exists)
                except OSError as exc:
                    results[i] = failure(results[i].change, exc)
        finally:
            os.close(self.folder)
            for temporary, _, _ in self.written:
                # any error (a file system gone read-only): the temporary stays, for tidy to remove later
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


def _other_case_notice(names: list[str]) -> tuple[Notice, ...]:
    """What a listing says of files named like cards but for the case of ``.vcf``: a folder of cards is the
    vdir format's, whose extension is ``.vcf``, so they are not read (a file of another program's may end so);
    counted, not named (a card's file name can be a person's)."""
    if not names:
        return ()
    return (
        Notice(
            "card-files-not-read",
            f"{len(names)} file(s) in the folder end in {SUFFIX.upper()} or another case of {SUFFIX}: they are not "
            f"read as cards; rename them to end in {SUFFIX} to sync them",
        ),
    )


def _fsync_each(
    written: list[tuple[str, str, int]],
    results: dict[int, ChangeResult],
    failure: Callable[[Change, OSError], ChangeResult],
) -> None:
    """Each temporary of ``written`` fsynced alone; what fails is its change's result."""
    for temporary, _, i in written:
        try:
            fd = os.open(temporary, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            results[i] = failure(results[i].change, exc)


#: what syncfs fails with where a sandbox refuses the call rather than the file system its writes
_NO_SYNCFS = (errno.ENOSYS, errno.EPERM, errno.EACCES)
#: set once syncfs was refused: from then on, every card is fsynced alone
_SYNCFS_REFUSED = threading.Event()


#: file systems whose syncfs writes every file's data out and waits for it, as fsync would for each. Not the
#: others: a FUSE file system (sshfs, rclone, gocryptfs) may take syncfs as a no-op where it passes fsync on to
#: its server, and NFS, SMB and 9p flush on their own terms; there each card is fsynced alone
_FLUSHED_WHOLE = frozenset({b"ext2", b"ext3", b"ext4", b"xfs", b"btrfs", b"f2fs", b"tmpfs"})
#: the first Linux whose syncfs reports a failed writeback (errseq); before it, syncfs returned 0 over a write
#: that failed where fsync reported it
_SYNCFS_REPORTS = (5, 8)


def _flushes_whole(folder: Path) -> bool:
    """Whether ``folder`` lies on a file system of ``_FLUSHED_WHOLE``, by the longest mount point above it in
    /proc/self/mountinfo (the type a bind mount shows is its source's), and that mount is the folder's own device
    (not so under a mount made over a parent later, or in a Btrfs subvolume: then each card is fsynced). False when
    any of it cannot be read."""
    try:
        where = os.fsencode(os.path.realpath(folder))
        device = os.stat(where).st_dev
        with open("/proc/self/mountinfo", "rb") as mounts:
            table = mounts.read().splitlines()
    except OSError:
        return False
    best, kind, number = -1, b"", b""
    for line in table:
        before, _, after = line.partition(b" - ")
        fields = before.split(b" ")
        if len(fields) < 5 or not after:
            continue
        # octal escapes for space, tab, newline and backslash (\040 …), as the kernel writes them; bytes, as a
        # mount point need not be UTF-8
        point = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8) & 0xFF]), fields[4])
        inside = where == point or where.startswith(point.rstrip(b"/") + b"/")
        if inside and len(point) >= best:  # the last of equal mount points is the one on top
            best, kind, number = len(point), after.split(b" ", 1)[0], fields[2]
    return kind in _FLUSHED_WHOLE and number == f"{os.major(device)}:{os.minor(device)}".encode()


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """The C library's ``syncfs`` (Linux: every file of one file system durable at once), None where there is none,
    where the kernel does not report a failed write through it, or where it was refused."""
    if _SYNCFS_REFUSED.is_set() or _kernel() < _SYNCFS_REPORTS:
        return None
    import ctypes  # here, not at import: a command that writes no folder does not load it (start-up, #18)

    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError):
        return None


def _kernel() -> tuple[int, int]:
    """The running Linux's (major, minor); (0, 0) for another system or a release that does not say."""
    found = re.match(r"([0-9]+)\.([0-9]+)", os.uname().release) if hasattr(os, "uname") else None
    return (int(found.group(1)), int(found.group(2))) if found and sys.platform.startswith("linux") else (0, 0)


def _flush(folder: int) -> None:
    """Make what was written on the file system of the open ``folder`` durable (``syncfs``); OSError when the
    kernel reports a write that failed since the folder was opened (Linux 5.8 and later, as fsync would)."""
    import ctypes

    syncfs = _syncfs()
    assert syncfs is not None  # _Staged is used only where it exists
    if syncfs(folder) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


def _run_lanes(lanes: list[list[int]], run: Callable[[list[int]], None], workers: int, name: str) -> None:
    """``run`` each lane from ``workers`` threads, each taking the next lane when done with one: a task per thread,
    not a future per lane (#18: 2,000 futures on a 2,000-card first sync). As a pool would: every lane runs even
    when one raises, and then the first of the lanes that raised (in the lanes' order) raises here."""
    pending = deque(enumerate(lanes))
    errors: dict[int, BaseException] = {}

    def work() -> None:
        while True:
            try:
                index, lane = pending.popleft()  # one thread gets each lane (deque's popleft is atomic)
            except IndexError:
                return
            try:
                run(lane)
            except BaseException as exc:  # a pool's future keeps it too; raised below
                errors[index] = exc

    threads = [threading.Thread(target=work, name=f"{name}_{n}") for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[min(errors)]


def _lanes(changes: Sequence[Change]) -> list[list[int]]:
    """The changes' indices in lanes: two changes that name the same file (as a case-insensitive folder would
    see it) or the same contact are in one lane, in the batch's order; lanes may run side by side."""
    touched = [_names(change) for change in changes]
    keys = [key for names in touched for key in names]
    if len(set(keys)) == len(keys):
        return [[i] for i in range(len(changes))]  # nothing named twice (a first sync's creates): a lane each
    parent = list(range(len(changes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for i, names in enumerate(touched):
        for key in names:
            j = first.setdefault(key, i)
            a, b = root(i), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    lanes: dict[int, list[int]] = {}
    for i in range(len(changes)):
        lanes.setdefault(root(i), []).append(i)
    return list(lanes.values())


def _names(change: Change) -> list[tuple[str, str]]:
    """What a change touches: its contact and its file (a create's from the contact id, as ``_create`` names it)."""
    names: list[tuple[str, str]] = []
    if change.contact_id:
        names.append(("contact", change.contact_id))
    if change.kind is _CREATE:
        if change.contact_id:
            names.append(("file", _file_name_of_id(change.contact_id).casefold()))
    elif change.ref is not None:
        names.append(("file", change.ref.id.casefold()))
    return names


__all__ = ["WRITERS", "VdirConnector", "etag_of", "file_name_for"]
