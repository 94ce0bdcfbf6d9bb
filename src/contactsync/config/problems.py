"""Key paths in borgmatic style and the collector that gathers every problem before anything is raised."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..errors import ConfigError, ConfigProblem

#: a position in the YAML tree: mapping keys and sequence indices from the root
KeyPath = tuple[str | int, ...]


def format_path(path: KeyPath) -> str:
    """``("books", 0, "accounts", 1, "name")`` → ``books[0].accounts[1].name``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'accounts'?"`` or the empty string; case is ignored so ``info`` finds ``INFO``."""
    # imported here: only a file with a problem asks, and every command's start-up would pay for it (#18)
    import difflib

    by_folded = {c.casefold(): c for c in choices}
    close = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    return f"; did you mean '{by_folded[close[0]]}'?" if close else ""


class Problems:
    """Collects problems with the line of the node they are about, so all of them are reported at once."""

    def __init__(self, source: str, lines: Mapping[KeyPath, int]) -> None:
        self.source = source
        self._lines = lines
        self._found: dict[tuple[str, str], ConfigProblem] = {}
        #: nodes already reported as unusable (a refused tag): nothing more is said about what lies below
        self._refused: set[KeyPath] = set()

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor written in the file (a missing key's parent)."""
        for end in range(len(path), -1, -1):
            line = self._lines.get(path[:end])
            if line is not None:
                return line
        return None

    def refuse(self, path: KeyPath, message: str) -> None:
        """Record a problem at ``path`` and stay silent about anything at or below it afterwards."""
        self.add(path, message)
        self._refused.add(path)

    def add(self, path: KeyPath, message: str, *, line_of: KeyPath | None = None) -> None:
        """Record a problem at ``path``; ``line_of`` names another node whose line to show."""
        if any(path[:end] in self._refused for end in range(len(path) + 1)):
            return
        problem = self.problem_at(path, message, line_of=line_of)
        # the same fact reached twice (a schema error and a cross-field check) is reported once
        self._found.setdefault((problem.path, problem.message), problem)

    def scratch(self) -> Problems:
        """A collector of the same file and lines whose problems are not this one's (a template's accounts as
        written, checked again per person)."""
        return Problems(self.source, self._lines)

    def problem_at(self, path: KeyPath, message: str, *, line_of: KeyPath | None = None) -> ConfigProblem:
        """The problem at ``path`` as :meth:`add` would record it, not recorded (an account's unreadable secret,
        which fails that account alone when the config is loaded for a run)."""
        return ConfigProblem(
            self.source, self.line_of(path if line_of is None else line_of), format_path(path), message
        )

    def __bool__(self) -> bool:
        return bool(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def raise_if_any(self) -> None:
        if self._found:
            ordered = sorted(self._found.values(), key=lambda p: (p.line or 0, p.path))
            raise ConfigError(ordered)
