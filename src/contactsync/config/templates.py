"""The ``templates:`` section: checks a schema cannot express, then the frozen
:class:`~contactsync.settings.BookTemplate` (steps 3 to 5 of :mod:`.loader`, for this section).

What `config check` finds in a template, each at its key path and line:

- an unknown placeholder (``{mail}``), a stray brace, a placeholder where none is filled (``schedule``) or in a
  secret reference (secrets are shared by every book of a template);
- a book or account name without a placeholder (every person's book would have the same name), or one that
  expands to an invalid name (``{email}`` holds an ``@``: names use ``{user}``);
- a ``source`` that is not an account of the file, a ``priority`` entry that is not one of the book's accounts;
- whatever the book's connectors find in its accounts' options, checked as expanded for a sample person
  (:data:`contactsync.templates.SAMPLE_PERSON`), so a template is checked as thoroughly as a book.

A name built from a placeholder that names the person (``{user}``) is valid, but with ``log.personal_data: false``
`config check` warns about it (:func:`.checks.personal_name_warnings`: log lines show it by a pseudonym, status and
the store by the name; ``{id}`` is the fix).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal, TypeVar

from ..settings import AccountSettings, BookSettings, BookTemplate, TemplateFilter
from .checks import check_name_and_schedule, region_problem, schedule_problem
from .problems import KeyPath, Problems, did_you_mean
from .schema import NAME_HINT, NAME_PATTERN
from .secrets import CREDENTIAL_SUFFIX, FILE_SUFFIX, is_env_reference

R = TypeVar("R")
#: a resolved account of a template: (template index, "own" or "book", account index)
Key = tuple[int, Literal["own", "book"], int]
Resolve = Callable[[Mapping[str, Any], KeyPath, Problems], "R | None"]

_NAME = re.compile(NAME_PATTERN)


def _strings(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, (*path, i))


def _fillable(relative: KeyPath) -> bool:
    """Where placeholders are filled: the book's name and priority, its accounts' names and options."""
    if relative[:1] in (("name",), ("priority",)):
        return True
    return len(relative) >= 3 and relative[0] == "accounts" and relative[2] in ("name", "options")


def _secret_reference(relative: KeyPath, value: str) -> bool:
    key = relative[-1] if relative else None
    in_options = len(relative) >= 4 and relative[2] == "options"
    return in_options and (
        (isinstance(key, str) and key.endswith((FILE_SUFFIX, CREDENTIAL_SUFFIX))) or is_env_reference(value)
    )


def _fill(value: Any, values: Mapping[str, str]) -> Any:
    from ..templates import substitute  # book templates only: most files have none (#18)

    if isinstance(value, str):
        return substitute(value, values)
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    return value


def _sample_book(book: Mapping[str, Any]) -> dict[str, Any]:
    """The book as the sample person gets it (only called once every placeholder was found valid)."""
    from ..templates import SAMPLE_PERSON, person_values, substitute

    values = person_values(SAMPLE_PERSON)
    out = dict(book)
    out["name"] = substitute(book["name"], values) if isinstance(book.get("name"), str) else book.get("name")
    if isinstance(book.get("priority"), list):
        out["priority"] = _fill(book["priority"], values)
    accounts = book.get("accounts")
    if isinstance(accounts, list):
        out["accounts"] = [
            {k: (_fill(v, values) if k in ("name", "options") else v) for k, v in a.items()}
            if isinstance(a, dict)
            else a
            for a in accounts
        ]
    return out


def static_account_names(root: Mapping[str, Any]) -> set[str]:
    names: set[str] = set()
    for section in ("books", "distribute"):
        entries = root.get(section)
        for entry in entries if isinstance(entries, list) else []:
            accounts = entry.get("accounts") if isinstance(entry, dict) else None
            for account in accounts if isinstance(accounts, list) else []:
                if isinstance(account, dict) and isinstance(account.get("name"), str):
                    names.add(account["name"])
    return names


def check_templates(root: Mapping[str, Any], resolve: Resolve[R], problems: Problems) -> dict[Key, R]:
    """Cross-field checks over ``templates:``; returns each resolved account (the book's as written, with its
    placeholders; their checks ran on the sample person's expansion)."""
    resolved: dict[Key, R] = {}
    section = root.get("templates")
    if not isinstance(section, list):
        return resolved
    known = static_account_names(root)
    names: dict[str, KeyPath] = {}
    for index, entry in enumerate(section):
        if not isinstance(entry, dict):
            continue
        path: KeyPath = ("templates", index)
        check_name_and_schedule(entry, path, "template", names, problems)
        own: set[str] = set()
        accounts = entry.get("accounts")
        for a_index, account in enumerate(accounts if isinstance(accounts, list) else []):
            if not isinstance(account, dict):
                continue
            a_path: KeyPath = (*path, "accounts", a_index)
            a_name = account.get("name")
            if isinstance(a_name, str):
                if a_name in known or a_name in own:
                    problems.add(
                        (*a_path, "name"),
                        f"account name '{a_name}' is already used; account names are unique in the file",
                    )
                own.add(a_name)
            result = resolve(account, a_path, problems)
            if result is not None:
                resolved[(index, "own", a_index)] = result
        known |= own
        source = entry.get("source")
        if isinstance(source, str) and source not in known:
            usable = sorted(known)
            hint = did_you_mean(source, usable) or f"; known accounts: {', '.join(usable) or 'none'}"
            problems.add((*path, "source"), f"'{source}' is not an account of this file{hint}")
        book = entry.get("book")
        if isinstance(book, dict):
            resolved.update(_check_book(index, book, (*path, "book"), resolve, problems))
    return resolved


def _check_book(
    index: int, book: dict[str, Any], path: KeyPath, resolve: Resolve[R], problems: Problems
) -> dict[Key, R]:
    from ..templates import PlaceholderError, placeholders_in

    before = len(problems)
    for key, check in (("schedule", schedule_problem), ("default_region", region_problem)):
        value = book.get(key)
        if isinstance(value, str) and (message := check(value)):
            problems.add((*path, key), message)
    for relative, text in _strings(book, ()):
        try:
            used = placeholders_in(text)
        except PlaceholderError as exc:
            problems.add((*path, *relative), str(exc))
            continue
        if not used:
            continue
        if not _fillable(relative):
            problems.add(
                (*path, *relative),
                "placeholders are filled only in the book's name and priority and its accounts' names and options",
            )
        elif _secret_reference(relative, text):
            problems.add((*path, *relative), "a secret is shared by every book of a template: no placeholder here")
    written = book.get("accounts")
    accounts: list[Any] = written if isinstance(written, list) else []
    raw_names: list[str] = []
    named: list[tuple[KeyPath, Any]] = [(("name",), book.get("name"))]
    for where, value in named + [
        (("accounts", i, "name"), a.get("name")) for i, a in enumerate(accounts) if isinstance(a, dict)
    ]:
        if not isinstance(value, str):
            continue
        if where != ("name",):
            if value in raw_names:
                problems.add((*path, *where), f"account name '{value}' is used twice in this book")
            raw_names.append(value)
        try:
            if not placeholders_in(value):
                problems.add(
                    (*path, *where),
                    f"'{value}' has no placeholder: every person's book would get the same name; use {{user}} "
                    "or {id}",
                )
        except PlaceholderError:
            pass  # said above
    priority = book.get("priority")
    for p_index, entry in enumerate(priority if isinstance(priority, list) else []):
        if isinstance(entry, str) and entry not in raw_names:
            hint = did_you_mean(entry, raw_names) or f"; this book's accounts: {', '.join(raw_names)}"
            problems.add((*path, "priority", p_index), f"'{entry}' is not an account of this book{hint}")
    if len(problems) > before:
        return {}  # the sample expansion would only repeat these problems in other words
    sample = _sample_book(book)
    expanded_accounts: list[Any] = sample.get("accounts") or []
    expanded: list[tuple[KeyPath, Any, Any]] = [(("name",), book.get("name"), sample.get("name"))]
    for where, raw, value in expanded + [
        (("accounts", i, "name"), a.get("name"), s.get("name"))
        for i, (a, s) in enumerate(zip(accounts, expanded_accounts, strict=True))
        if isinstance(a, dict) and isinstance(s, dict)
    ]:
        if isinstance(value, str) and (not _NAME.match(value) or len(value) > 64):
            problems.add(
                (*path, *where),
                f"'{raw}' expands to names like '{value}', which is not a valid name ({NAME_HINT}, at most 64 "
                "characters); {user} is the sign-in name made fit for names",
            )
    resolved: dict[Key, R] = {}
    scratch = problems.scratch()  # its lines too: an account's unreadable secret names its line (sync, daemon)
    for a_index, (account, as_sample) in enumerate(zip(accounts, expanded_accounts, strict=True)):
        if not isinstance(account, dict) or not isinstance(as_sample, dict):
            continue
        # checked as the sample person's, so every problem is found; kept as written, to be filled per person
        resolve(as_sample, (*path, "accounts", a_index), problems)
        result = resolve(account, (*path, "accounts", a_index), scratch)
        if result is not None:
            resolved[(index, "book", a_index)] = result
    return resolved


def build_templates(
    root: Mapping[str, Any],
    resolved: Mapping[Key, R],
    build_account: Callable[[Mapping[str, Any], R], AccountSettings],
    build_book: Callable[[int, Mapping[str, Any], Mapping[tuple[int, int], R]], BookSettings],
) -> tuple[BookTemplate, ...]:
    """Freeze the validated section (only called once no problem was found)."""
    out: list[BookTemplate] = []
    section = root.get("templates")
    for index, entry in enumerate(section if isinstance(section, list) else []):
        book_accounts = {(0, a): r for (t, kind, a), r in resolved.items() if t == index and kind == "book"}
        own = tuple(
            build_account(account, resolved[(index, "own", a_index)])
            for a_index, account in enumerate(entry.get("accounts", []))
        )
        flt = entry.get("filter", {})
        extra: dict[str, Any] = {"schedule": entry["schedule"]} if "schedule" in entry else {}
        out.append(
            BookTemplate(
                name=entry["name"],
                source=entry["source"],
                book=build_book(0, entry["book"], book_accounts),
                filter=TemplateFilter(
                    email=flt.get("email", ""), username=flt.get("username", ""), exclude=tuple(flt.get("exclude", ()))
                ),
                accounts=own,
                **extra,
            )
        )
    return tuple(out)
