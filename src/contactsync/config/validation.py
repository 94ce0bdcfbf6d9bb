"""JSON-schema errors turned into problems an admin can act on: the key path, its line, what is allowed."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .problems import KeyPath, Problems, did_you_mean
from .schema import NAME_HINT, NAME_PATTERN

if TYPE_CHECKING:
    # jsonschema is imported when a schema is checked, not when contactsync starts: a configuration that passed
    # unchanged is not checked again (config/checked.py), and jsonschema was a sixth of `status`'s start-up (#18)
    from jsonschema import Draft202012Validator, FormatChecker, ValidationError

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping of keys to values",
    "array": "a list",
    "null": "an empty value",
}


@cache
def formats() -> FormatChecker:
    """The formats checked in every schema (the top-level one and each connector's ``options_schema``).
    jsonschema checks no format unless given a checker; an account URL is one we connect to, so "uri" means
    http(s) with a host."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("uri", raises=ValueError)(_http_url)
    return checker


def validator_for(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A draft 2020-12 validator of ``schema`` with :func:`formats`."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema, format_checker=formats())


def schema_problem(schema: Mapping[str, Any]) -> str | None:
    """Why ``schema`` is not a valid draft 2020-12 schema, or None."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return exc.message
    return None


def _http_url(value: object) -> bool:
    if not isinstance(value, str):
        return True  # the type rule reports it
    problem = url_problem(value)
    if problem:
        raise ValueError(problem)
    return True


def url_problem(value: str) -> str | None:
    """Why ``value`` is not a URL contactsync can connect to (http or https, a host), or None."""
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        shown = f"'{parts.scheme}://'" if parts.scheme else "no scheme"
        return f"must start with https:// (or http://), got {shown}; e.g. https://dav.example.org/ana/contacts/"
    if not parts.hostname:
        return "has no host name; e.g. https://dav.example.org/ana/contacts/"
    if any(c.isspace() for c in value.strip()):
        return "contains a space"
    return None


def describe(value: Any) -> str:
    """How a YAML value reads back to the admin, short."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_message(expected: str | list[str], value: Any, show: Callable[[Any], str]) -> str:
    names = [expected] if isinstance(expected, str) else expected
    words = " or ".join(_TYPE_WORDS.get(n, n) for n in names)
    message = f"expected {words}, got {show(value)}"
    if "string" in names and isinstance(value, bool):
        message += " (YAML reads yes/no/on/off as booleans: quote the value if you meant text)"
    elif "boolean" in names and isinstance(value, str):
        message += " (write true or false without quotes)"
    return message


def _example(schema: Mapping[str, Any], key: str) -> str:
    prop = schema.get("properties", {}).get(key, {})
    examples = prop.get("examples") if isinstance(prop, Mapping) else None
    if examples and not isinstance(examples[0], dict | list):
        return f" (e.g. {key}: {describe(examples[0]).strip(chr(39))})"
    return ""


def report_schema_errors(
    validator: Draft202012Validator,
    instance: Any,
    base: KeyPath,
    problems: Problems,
    *,
    written_keys: Mapping[str, str] | None = None,
    hidden: Collection[KeyPath] = (),
) -> int:
    """Add a problem for every schema error under ``base``; returns how many errors there were.

    ``written_keys`` maps a top-level key of ``instance`` to the key the admin wrote (a secret validated under
    its plain name); values at ``hidden`` paths (secrets) are never shown.
    """
    renames = written_keys or {}

    def where(relative: KeyPath) -> KeyPath:
        if relative and isinstance(relative[0], str):
            relative = (renames.get(relative[0], relative[0]), *relative[1:])
        return (*base, *relative)

    errors = 0
    for error in validator.iter_errors(instance):
        errors += 1
        relative: KeyPath = tuple(error.absolute_path)
        full = where(relative)
        is_secret = any(full[:end] in hidden for end in range(len(full) + 1))
        shown = _conceal if is_secret else describe
        for path, message in _translate(error, relative, shown, renames if not relative else {}):
            problems.add(where(path), message)
    return errors


def _conceal(value: Any) -> str:
    return "the secret's value"


def _translate(
    error: ValidationError, path: KeyPath, show: Callable[[Any], str], renames: Mapping[str, str]
) -> list[tuple[KeyPath, str]]:
    kind = error.validator
    value = error.instance
    rule: Any = error.validator_value
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    if "propertyNames" in error.relative_schema_path:
        # the instance is the offending key itself; jsonschema reports it at the mapping's path
        allowed = list(rule) if kind == "enum" else []
        hint = did_you_mean(str(value), allowed) or (f"; allowed: {', '.join(allowed)}" if allowed else "")
        return [((*path, str(value)), f"unknown key '{value}'{hint}")]
    if kind == "additionalProperties" and isinstance(value, Mapping):
        known = list(schema.get("properties", {}))
        found = []
        for key in value:
            if key in known:
                continue
            written = renames.get(key, key)
            hint = did_you_mean(written, known) or (f"; allowed: {', '.join(known)}" if known else "")
            found.append(((*path, str(key)), f"unknown key '{written}'{hint}"))
        return found or [(path, error.message)]
    if kind == "required" and isinstance(value, Mapping):
        return [
            ((*path, key), f"required key '{key}' is missing{_example(schema, key)}")
            for key in rule
            if key not in value
        ]
    if kind == "enum":
        choices = [str(c) for c in rule]
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        return [(path, f"expected one of {', '.join(choices)}; got {show(value)}{hint}")]
    if kind == "type":
        return [(path, _type_message(rule, value, show))]
    if kind == "pattern":
        hint = NAME_HINT if rule == NAME_PATTERN else f"it must match the pattern {rule}"
        return [(path, f"{show(value)} is not allowed here: {hint}")]
    if kind == "minItems":
        return [(path, f"needs at least {rule} item{'s' if rule != 1 else ''}")]
    if kind == "uniqueItems":
        return [(path, "lists the same item twice")]
    if kind == "minimum":
        return [(path, f"must be at least {rule}, got {show(value)}")]
    if kind == "exclusiveMinimum":
        return [(path, f"must be more than {rule}, got {show(value)}")]
    if kind == "maximum":
        return [(path, f"must be at most {rule}, got {show(value)}")]
    if kind == "exclusiveMaximum":
        return [(path, f"must be less than {rule}, got {show(value)}")]
    if kind == "maxLength":
        return [(path, f"must be at most {rule} characters long")]
    if kind == "format" and rule == "uri":
        cause = str(error.cause) if error.cause else "not a URL"
        return [(path, f"{show(value)} is not a usable URL: {cause}")]
    if kind == "minLength":
        return [(path, f"must be at least {rule} character{'s' if rule != 1 else ''} long")]
    if show is not describe:
        # jsonschema's own message quotes the value, which is a secret here
        return [(path, f"the secret's value does not satisfy the connector's '{kind}' rule")]
    return [(path, error.message)]
