"""The commented sample configuration and the Markdown reference, both generated from :data:`SCHEMA`."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Mapping
from typing import Any, Final

import yaml

from .schema import SAMPLE_COMMENTED, SCHEMA

_WIDTH: Final = 110

_HEADER: Final = """\
# contactsync configuration.
#
# Generated from the configuration schema (`contactsync config sample`); config/example.yaml is this output.
# Every key is shown with its description and an example value; a key marked "optional" may be left out and
# then takes the default shown. Check a file with `contactsync config check`.
#
"""


def _inline(value: Any) -> str:
    """One value as YAML on a single line (flow style for lists and mappings)."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False, allow_unicode=True)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _comment(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text,
        width=_WIDTH - len(indent) - 2,
        initial_indent=f"{indent}# ",
        subsequent_indent=f"{indent}# ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def _status(schema: Mapping[str, Any], key: str, parent: Mapping[str, Any]) -> str:
    if key in parent.get("required", ()):
        return "required"
    default = schema.get("default")
    if default is None or default in ({}, []):
        return "optional"
    return f"optional, default: {_inline(default)}"


def _is_object(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "object" and "properties" in schema


def _is_object_list(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "array" and _is_object(schema.get("items", {}))


def _block(value: Any, indent: str) -> list[str]:
    """A mapping or list leaf in block style under its key (connector options read better that way)."""
    text = yaml.safe_dump(value, default_flow_style=False, sort_keys=False, allow_unicode=True, width=10_000)
    return [f"{indent}{line}" for line in text.splitlines()]


def _object_lines(schema: Mapping[str, Any], given: Mapping[str, Any], indent: str, *, comments: bool) -> list[str]:
    """The keys of an object schema; ``given`` overrides examples; without comments only ``given`` keys."""
    lines: list[str] = []
    for key, prop in schema["properties"].items():
        if not comments and key not in given:
            continue
        if comments:
            lines.extend(_comment(f"{prop['description']} ({_status(prop, key, schema)})", indent))
        value = given[key] if key in given else prop["examples"][0]
        if prop.get(SAMPLE_COMMENTED):
            lines.append(f"{indent}# {key}: {_inline(value)}")
        elif _is_object(prop):
            lines.append(f"{indent}{key}:")
            lines.extend(_object_lines(prop, {}, indent + "  ", comments=comments))
        elif _is_object_list(prop):
            lines.append(f"{indent}{key}:")
            for number, item in enumerate(value):
                lines.extend(_list_item(prop["items"], item, indent + "  ", comments=comments and number == 0))
        elif isinstance(value, dict) and value and (key in given or not _is_flow_friendly(value)):
            # connector options (given by an item example) and nested mappings read better in block style
            lines.append(f"{indent}{key}:")
            lines.extend(_block(value, indent + "  "))
        else:
            lines.append(f"{indent}{key}: {_inline(value)}")
    return lines


def _is_flow_friendly(value: Mapping[str, Any]) -> bool:
    return all(not isinstance(v, dict | list) for v in value.values()) and len(_inline(value)) < 60


def _list_item(schema: Mapping[str, Any], given: Mapping[str, Any], indent: str, *, comments: bool) -> list[str]:
    """One list item: its first key gets the ``- `` marker, comments above it stay at the item's indent."""
    body = _object_lines(schema, given, indent + "  ", comments=comments)
    for index, line in enumerate(body):
        if not line.lstrip().startswith("#"):
            body[index] = f"{indent}- {line[len(indent) + 2 :]}"
            break
    for index, line in enumerate(body):
        if line.lstrip().startswith("#"):
            body[index] = f"{indent}{line.lstrip()}" if index < _first_key(body) else line
    return body


def _first_key(lines: list[str]) -> int:
    return next(i for i, line in enumerate(lines) if not line.lstrip().startswith("#"))


def sample_config() -> str:
    """A commented YAML sample: every key with its description as a comment and its example as the value."""
    body = _object_lines(SCHEMA, {}, "", comments=True)
    return _HEADER + "\n".join(body) + "\n"


def _rows(schema: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Mapping[str, Any], Mapping[str, Any]]]:
    for key, prop in schema["properties"].items():
        path = f"{prefix}.{key}" if prefix else key
        yield path, prop, schema
        if _is_object(prop):
            yield from _rows(prop, path)
        elif _is_object_list(prop):
            yield from _rows(prop["items"], f"{path}[]")


def _type_text(prop: Mapping[str, Any]) -> str:
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type", "any")
    if kind == "array":
        items = prop.get("items", {})
        return "list of mappings" if _is_object(items) else f"list of {items.get('type', 'values')}"
    if kind == "object":
        return "mapping"
    return str(kind)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def reference_markdown() -> str:
    """The configuration reference: one table row per key, generated from the schema like the sample."""
    lines = [
        "| Key | Type | Required / default | Description | Example |",
        "|---|---|---|---|---|",
    ]
    for path, prop, parent in _rows(SCHEMA, ""):
        example = prop["examples"][0]
        shown = "see below" if _is_object_list(prop) else f"`{_inline(example)}`"
        status = _status(prop, path.rsplit(".", 1)[-1], parent)
        lines.append(
            f"| `{path}` | {_cell(_type_text(prop))} | {_cell(status)} "
            f"| {_cell(prop['description'])} | {_cell(shown)} |"
        )
    intro = (
        "## Configuration reference\n\n"
        "Generated from the configuration schema; `config/example.yaml` shows every key in place. "
        + str(SCHEMA["description"])
        + "\n\n"
    )
    return intro + "\n".join(lines) + "\n"


def connector_options_markdown(type_name: str, schema: Mapping[str, Any]) -> str:
    """One connector type's ``options`` as a reference table, generated from its ``options_schema`` as the main
    reference is from :data:`SCHEMA` (``contactsync connectors`` prints the same rows as text)."""
    lines = [
        f"### `type: {type_name}`",
        "",
        "| Option | Type | Required / default | Description | Example |",
        "|---|---|---|---|---|",
    ]
    for key, prop, parent in connector_option_rows(schema):
        example = prop.get("examples", [None])[0]
        shown = "" if example is None else f"`{_inline(example)}`"
        lines.append(
            f"| `{key}` | {_cell(_type_text(prop))} | {_cell(_status(prop, key.rsplit('.', 1)[-1], parent))} "
            f"| {_cell(str(prop.get('description', '')))} | {_cell(shown)} |"
        )
    return "\n".join(lines) + "\n"


def connector_option_rows(
    schema: Mapping[str, Any],
) -> Iterator[tuple[str, Mapping[str, Any], Mapping[str, Any]]]:
    """(key path, its schema, its parent's schema) for every option a connector's schema declares."""
    if "properties" not in schema:
        return
    yield from _rows(schema, "")


def status_text(prop: Mapping[str, Any], key: str, parent: Mapping[str, Any]) -> str:
    return _status(prop, key, parent)


def type_text(prop: Mapping[str, Any]) -> str:
    return _type_text(prop)
