"""The ``distribute:`` section: checks a schema cannot express, then the frozen
:class:`~contactsync.settings.DistributionSettings` (steps 3 and 5 of :mod:`.loader`, for this section).

An entry's own ``accounts`` are read like a book's (secrets, the connector's options schema) through the
loader's own account resolver, handed in, so there is one way to read an account.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..model import Field
from ..settings import AccountSettings, BrakeSettings, DistributionSettings, DistributionTarget, TemplateTarget
from .checks import check_name_and_schedule, region_problem
from .problems import KeyPath, Problems, did_you_mean

R = TypeVar("R")


def _book_accounts(books: object) -> dict[str, KeyPath]:
    out: dict[str, KeyPath] = {}
    for b_index, book in enumerate(books if isinstance(books, list) else []):
        accounts = book.get("accounts") if isinstance(book, dict) else None
        for a_index, account in enumerate(accounts if isinstance(accounts, list) else []):
            if isinstance(account, dict) and isinstance(account.get("name"), str):
                out.setdefault(account["name"], ("books", b_index, "accounts", a_index, "name"))
    return out


def _target_name(target: object) -> str | None:
    if isinstance(target, str):
        return target
    if isinstance(target, dict) and isinstance(target.get("account"), str) and "template" not in target:
        return str(target["account"])
    return None


def _template_accounts(root_templates: object) -> dict[str, list[str]]:
    """Each template's account patterns, as written (``google-{user}``)."""
    out: dict[str, list[str]] = {}
    for t in root_templates if isinstance(root_templates, list) else []:
        book = t.get("book") if isinstance(t, dict) else None
        accounts = book.get("accounts") if isinstance(book, dict) else None
        if isinstance(t, dict) and isinstance(t.get("name"), str):
            out[t["name"]] = [
                a["name"]
                for a in (accounts if isinstance(accounts, list) else [])
                if isinstance(a, dict) and isinstance(a.get("name"), str)
            ]
    return out


def check_distributions(
    section: object,
    books: object,
    resolve: Callable[[Mapping[str, Any], KeyPath], R | None],
    problems: Problems,
    templates: object = None,
) -> dict[tuple[int, int], R]:
    """Cross-field checks over ``distribute:``; returns each own account's resolved options by (entry, account)."""
    resolved: dict[tuple[int, int], R] = {}
    if not isinstance(section, list):
        return resolved
    known = _book_accounts(books)
    patterns = _template_accounts(templates)
    names: dict[str, KeyPath] = {}
    for index, entry in enumerate(section):
        if not isinstance(entry, dict):
            continue
        path: KeyPath = ("distribute", index)
        check_name_and_schedule(entry, path, "distribution", names, problems)
        region = entry.get("default_region")
        if isinstance(region, str) and (message := region_problem(region)):
            problems.add((*path, "default_region"), message)
        here: dict[str, KeyPath] = {}
        accounts = entry.get("accounts")
        for a_index, account in enumerate(accounts if isinstance(accounts, list) else []):
            if not isinstance(account, dict):
                continue
            a_path: KeyPath = (*path, "accounts", a_index)
            a_name = account.get("name")
            if isinstance(a_name, str):
                if a_name in known or a_name in here:
                    problems.add(
                        (*a_path, "name"),
                        f"account name '{a_name}' is already used; account names are unique in the file",
                    )
                here[a_name] = (*a_path, "name")
            result = resolve(account, a_path)
            if result is not None:
                resolved[(index, a_index)] = result
        usable = sorted(set(known) | set(here))
        source = entry.get("source")
        if isinstance(source, str) and source not in here and source not in known:
            hint = did_you_mean(source, usable) or f"; known accounts: {', '.join(usable) or 'none'}"
            problems.add((*path, "source"), f"'{source}' is not an account of this file{hint}")
        seen: set[str] = set()
        targets = entry.get("targets")
        for t_index, target in enumerate(targets if isinstance(targets, list) else []):
            t_path: KeyPath = (*path, "targets", t_index)
            if isinstance(target, dict) and isinstance(target.get("template"), str):
                _check_template_target(target, t_path, patterns, problems)
                continue
            t_name = _target_name(target)
            if t_name is None:
                continue
            if t_name not in here and t_name not in known:
                hint = did_you_mean(t_name, usable) or ""
                problems.add(t_path, f"'{t_name}' is not an account of this file{hint}")
            elif t_name == source:
                problems.add(t_path, f"'{t_name}' is the source: a distribution never writes into its own source")
            elif t_name in seen:
                problems.add(t_path, f"'{t_name}' is listed twice")
            seen.add(t_name)
    return resolved


def _check_template_target(
    target: Mapping[str, Any], path: KeyPath, patterns: Mapping[str, list[str]], problems: Problems
) -> None:
    template, account = target["template"], target.get("account")
    if template not in patterns:
        hint = did_you_mean(template, patterns) or f"; templates: {', '.join(sorted(patterns)) or 'none'}"
        problems.add((*path, "template"), f"'{template}' is not a book template of this file{hint}")
    elif isinstance(account, str) and account not in patterns[template]:
        hint = did_you_mean(account, patterns[template]) or f"; its accounts: {', '.join(patterns[template])}"
        problems.add((*path, "account"), f"'{account}' is not an account of the book of template '{template}'{hint}")


def build_distributions(
    section: object,
    resolved: Mapping[tuple[int, int], R],
    build_account: Callable[[Mapping[str, Any], R], AccountSettings],
) -> tuple[DistributionSettings, ...]:
    """Freeze the validated section (only called once no problem was found)."""
    out: list[DistributionSettings] = []
    for index, entry in enumerate(section if isinstance(section, list) else []):
        extra: dict[str, Any] = {}
        for key in ("mobile", "photos", "schedule", "default_region"):
            if key in entry:
                extra[key] = entry[key]
        if "trash_days" in entry:
            extra["trash_days"] = int(entry["trash_days"])
        if "fields" in entry:
            extra["fields"] = frozenset(Field.named(f) for f in entry["fields"])
        if "exclude" in entry:
            extra["exclude"] = tuple(entry["exclude"])
        if "brake" in entry:
            brake = entry["brake"]
            extra["brake"] = BrakeSettings(
                max_deletes=int(brake.get("max_deletes", BrakeSettings.max_deletes)),
                max_delete_ratio=float(brake.get("max_delete_ratio", BrakeSettings.max_delete_ratio)),
            )
        targets = tuple(
            DistributionTarget(t) if isinstance(t, str) else DistributionTarget(t["account"], t.get("owner"))
            for t in entry["targets"]
            if isinstance(t, str) or "template" not in t
        )
        template_targets = tuple(
            TemplateTarget(t["template"], t["account"])
            for t in entry["targets"]
            if isinstance(t, dict) and "template" in t
        )
        accounts = tuple(
            build_account(account, resolved[(index, a_index)])
            for a_index, account in enumerate(entry.get("accounts", []))
        )
        out.append(
            DistributionSettings(
                name=entry["name"],
                source=entry["source"],
                targets=targets,
                container=entry["container"],
                accounts=accounts,
                template_targets=template_targets,
                **extra,
            )
        )
    return tuple(out)
