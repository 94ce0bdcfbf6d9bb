"""What already passed the JSON schemas, remembered so an unchanged configuration is not checked again (#18).

``contactsync sync`` and ``status`` run from timers many times a day on a file that rarely changes, and importing
jsonschema and checking every schema cost a sixth of their start-up. Each check of one value against one schema
(the file against :data:`~contactsync.config.schema.SCHEMA`, an account's options against its connector's
``options_schema``, that schema against the metaschema) has a digest of everything its answer depends on:

- the schema itself (its JSON, sorted), so a changed schema or connector checks again; the configuration's own
  schema by the times and sizes of the files it is built from instead (:func:`source_key`);
- the modification time and size of jsonschema's ``__init__.py`` and of ``validation.py``, which holds the format
  checks (an upgraded jsonschema, a release or an edited checkout checks again; pip writes every file it installs,
  so a new version has new times);
- the value checked, as Python writes it (``repr``): YAML's safe loader gives only plain types, whose ``repr``
  tells ``1``, ``"1"``, ``1.0`` and ``true`` apart.

Only digests of checks that found nothing are kept, and only once the whole file loaded without a problem: a
configuration with any problem is checked in full every time, so its errors always name the key, file:line and
the fix. A value holding a secret read from a file or the environment is never kept (its digest would be derived
from the secret): it is checked every time. ``config check`` ignores what is kept and checks everything.

The file's plain values, as :mod:`.yamldoc` read them with the line of every key, are kept beside the digests once
it passed, under the digest of its text and of the reading code (``yamldoc.py`` and PyYAML, by time and size): the
same text is not read again, and PyYAML is not imported (a sixth of what ``status`` imports besides SQLAlchemy).
The values hold no secret (secrets come from files, the environment or credentials; a password written inline is a
problem, and a file with a problem is never kept). A URL with a password in it (``https://user:pw@host/``, which
only the store's URL refuses) makes the file's values not kept at all: a password is never copied out of the file.

The digests and the values live in ``config-checked.json`` in the state directory (``$STATE_DIRECTORY``, else
``$XDG_STATE_HOME/contactsync``), mode 0600, replaced atomically, and only if that directory already exists:
loading a configuration creates nothing. A missing, unreadable or damaged file only means checking again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from .problems import KeyPath

FILE_NAME = "config-checked.json"
#: the file's own layout; another value is read as empty
_LAYOUT = 1
#: digests kept, newest first: one configuration has one per schema check (the file, each connector type, each
#: account whose options differ); older ones stay for a while (``status`` and ``sync`` may check different values)
_MOST = 4096


def _file_identity(origin: str | None) -> str:
    """A source file's modification time and size ("unknown" when it cannot be found)."""
    try:
        st = Path(origin or "").stat()
    except OSError:
        return "unknown"
    return f"{st.st_mtime_ns}:{st.st_size}"


def _package_identity(package: str) -> str:
    """The state of an installed package's ``__init__.py``, found without importing it: reading the installed
    distributions' metadata for a version cost more than the rest of what this module does (#18)."""
    from importlib.util import find_spec

    try:
        spec = find_spec(package)
    except (ImportError, ValueError):
        return "unknown"
    return _file_identity(spec.origin if spec is not None else None)


@cache
def _code_identity() -> str:
    """The state of jsonschema and of the module that holds the format checks."""
    return f"{_package_identity('jsonschema')}|{_file_identity(str(Path(__file__).with_name('validation.py')))}"


@cache
def _reader_identity() -> str:
    """The state of the code that turns the file's text into plain values: PyYAML and :mod:`.yamldoc`."""
    return f"{_package_identity('yaml')}|{_file_identity(str(Path(__file__).with_name('yamldoc.py')))}"


def _document_digest(text: str) -> str:
    return hashlib.sha256(f"{_reader_identity()}|{text}".encode()).hexdigest()


def _key_path(items: object) -> KeyPath | None:
    if isinstance(items, list) and all(
        isinstance(i, str) or (isinstance(i, int) and not isinstance(i, bool) and i >= 0) for i in items
    ):
        return tuple(items)
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def schema_key(schema: Mapping[str, Any]) -> str:
    """The part of a digest that names ``schema`` and the code checking it."""
    text = json.dumps(_plain(schema), sort_keys=True, default=repr)
    return hashlib.sha256(f"{_code_identity()}|{text}".encode()).hexdigest()


def source_key(*files: str | None) -> str | None:
    """The key of a schema built only from the constants of the source ``files`` (the configuration's own
    :data:`~contactsync.config.schema.SCHEMA`), named by the files' times and sizes and the checking code's instead
    of its JSON: writing and hashing that large schema cost every start about as much as reading the digests (#18).
    An edited or reinstalled file gets a new key, so everything is checked again. None when a file cannot be
    found (then :func:`schema_key` names the schema)."""
    identities = [_file_identity(f) for f in files]
    if not files or "unknown" in identities:
        return None
    return hashlib.sha256(f"{_code_identity()}|sources|{'|'.join(identities)}".encode()).hexdigest()


class PassedChecks:
    """The digests of checks that passed: those read from the state directory and those passed in this load."""

    def __init__(self, path: Path | None, known: tuple[str, ...], document: Mapping[str, Any] | None = None) -> None:
        self.path = path
        #: as read, newest first
        self.known = known
        self._known = frozenset(known)
        self.passed: set[str] = set()
        #: the values of the file that passed last, as read ({"digest", "values", "lines"}), and this load's
        self._document = document
        self._read: dict[str, Any] | None = None

    @classmethod
    def none(cls) -> PassedChecks:
        """Nothing known and nothing kept: every check runs (``config check``, a configuration from a string)."""
        return cls(None, ())

    @classmethod
    def read(cls, state_dir: Path) -> PassedChecks:
        path = state_dir / FILE_NAME
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return cls(path if state_dir.is_dir() else None, ())
        except (OSError, ValueError):
            return cls(path, ())  # unreadable or damaged: check again, and replace it
        digests = data.get("passed") if isinstance(data, dict) and data.get("layout") == _LAYOUT else None
        if not isinstance(digests, list):
            return cls(path, ())
        document = data.get("document")
        known = tuple(d for d in digests if isinstance(d, str))
        return cls(path, known, document if isinstance(document, dict) else None)

    def document(self, text: str) -> tuple[Any, dict[KeyPath, int]] | None:
        """The plain values and key lines of ``text`` as kept when this same text passed; None when another text
        (or another reading code) passed last, or what is kept is damaged: then the text is read."""
        kept = self._document
        if kept is None or self.path is None or kept.get("digest") != _document_digest(text):
            return None
        lines: dict[KeyPath, int] = {}
        pairs = kept.get("lines")
        for pair in pairs if isinstance(pairs, list) else [None]:
            if not isinstance(pair, list) or len(pair) != 2:
                return None
            path, line = _key_path(pair[0]), pair[1]
            if path is None or not isinstance(line, int) or isinstance(line, bool):
                return None
            lines[path] = line
        values = kept.get("values")
        if not isinstance(values, dict):  # a file that passed is a mapping: this one was damaged
            return None
        return values, lines

    def keep_read(self, text: str, values: Any, lines: Mapping[KeyPath, int]) -> None:
        """What reading ``text`` gave, before anything could change it; kept by :meth:`save` when the file
        passed. Values JSON cannot hold exactly (none YAML's safe reading gives) are not kept."""
        if self.path is None or _holds_a_url_password(values):
            return
        try:
            body = json.dumps(values, allow_nan=True)
            same = json.loads(body) == values
        except (TypeError, ValueError):
            return
        if same:
            self._read = {
                "digest": _document_digest(text),
                "values": json.loads(body),
                "lines": [[list(path), line] for path, line in lines.items()],
            }

    @staticmethod
    def digest(key: str, value: Any) -> str:
        """The digest of checking ``value`` against the schema named by ``key`` (:func:`schema_key`)."""
        return hashlib.sha256(f"{key}|{value!r}".encode()).hexdigest()

    def seen(self, digest: str) -> bool:
        """Whether this check passed before; if so it counts as passed in this load too."""
        if digest in self._known:
            self.passed.add(digest)
            return True
        return False

    def remember(self, digest: str) -> None:
        self.passed.add(digest)

    def save(self) -> None:
        """Keep this load's passed checks (all of them passed: the configuration had no problem) before those
        kept already, when any is new. Best effort: a read-only or missing state directory, or another user's
        file, only means checking again next time."""
        document = self._read or self._document
        if self.path is None or (self.passed <= self._known and self._read is None):
            return
        kept = [*sorted(self.passed), *(d for d in self.known if d not in self.passed)][:_MOST]
        saved: dict[str, Any] = {"layout": _LAYOUT, "passed": kept}
        if document is not None:
            saved["document"] = document
        body = json.dumps(saved).encode()
        # imported here: most starts find nothing new to keep, and tempfile (with random) costs each start (#18)
        import tempfile

        try:
            fd, temporary = tempfile.mkstemp(prefix=f".{FILE_NAME}.", dir=self.path.parent)  # mode 0600
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(body)
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


#: a URL's user and password, anywhere in a string (a URL in another's query too): ``scheme://user:password@``
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#@\s]*:[^/?#@\s]*@")


def _holds_a_url_password(values: Any) -> bool:
    """Whether any string among ``values`` (nested) is a URL with a password in it."""
    if isinstance(values, str):
        return "@" in values and _URL_PASSWORD.search(values) is not None
    if isinstance(values, Mapping):
        return any(_holds_a_url_password(k) or _holds_a_url_password(v) for k, v in values.items())
    if isinstance(values, list | tuple):
        return any(_holds_a_url_password(v) for v in values)
    return False
