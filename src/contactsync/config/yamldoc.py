"""Plain YAML to plain Python values, remembering the line of every key and item.

We compose nodes with :class:`yaml.SafeLoader` and convert them ourselves instead of calling ``safe_load``:
the nodes carry line numbers, and converting by hand lets a language tag (``!!python/object``), a duplicate
key or an alias bomb become a reported problem rather than an exception or silent data.
"""

from __future__ import annotations

from typing import Any, Final

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import KeyPath, Problems

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS: Final = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_MAP_TAG: Final = _CORE + "map"
_SEQ_TAG: Final = _CORE + "seq"
_MERGE_TAG: Final = _CORE + "merge"

#: a configuration has a few hundred nodes; aliases nested on aliases ("billion laughs") would have billions
MAX_NODES: Final = 100_000


class _TooLarge(Exception):
    pass


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


class _Converter:
    def __init__(self, lines: dict[KeyPath, int], problems: Problems) -> None:
        self.lines = lines
        self.problems = problems
        self.constructor = SafeConstructor()
        self.visited = 0

    def value(self, node: Node, path: KeyPath) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise _TooLarge
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, ScalarNode) and node.tag in _SCALAR_TAGS:
            return self.scalar(node)
        if isinstance(node, SequenceNode) and node.tag == _SEQ_TAG:
            return [self.value(item, (*path, index)) for index, item in enumerate(node.value)]
        if isinstance(node, MappingNode) and node.tag == _MAP_TAG:
            return self.mapping(node, path)
        self.problems.refuse(
            path,
            f"YAML tag '{_short_tag(node.tag)}' is not allowed; contactsync reads plain YAML only (remove the tag)",
        )
        return None

    def scalar(self, node: ScalarNode) -> Any:
        if node.tag == _CORE + "int":
            return self.constructor.construct_yaml_int(node)
        if node.tag == _CORE + "float":
            return self.constructor.construct_yaml_float(node)
        if node.tag == _CORE + "bool":
            return self.constructor.construct_yaml_bool(node)
        if node.tag == _CORE + "null":
            return None
        # a date like 2024-05-01 stays the text it is: no setting is a date object
        return node.value

    def mapping(self, node: MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        merged: list[tuple[Node, KeyPath]] = []
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == _MERGE_TAG:
                merged.extend((n, path) for n in self._merge_sources(value_node, path))
                continue
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self.problems.add(path, "a key must be plain text, not a list, a mapping or a tagged value")
                continue
            # keys stay the text written: YAML 1.1 would otherwise read a key `on:` or `no:` as a boolean
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in first_line:
                self.lines[(*path, key)] = line
                self.problems.add(
                    (*path, key),
                    f"key '{key}' appears twice (first at line {first_line[key]}); write it once",
                )
                continue
            first_line[key] = line
            self.lines[(*path, key)] = line
            result[key] = self.value(value_node, (*path, key))
        # YAML merge keys (`<<: *defaults`): explicit keys win over merged ones
        for source, at in merged:
            for key_node, value_node in source.value if isinstance(source, MappingNode) else ():
                key = key_node.value if isinstance(key_node, ScalarNode) else None
                if key is None or key in result:
                    continue
                self.lines.setdefault((*at, key), key_node.start_mark.line + 1)
                result[key] = self.value(value_node, (*at, key))
        return result

    def _merge_sources(self, node: Node, path: KeyPath) -> list[Node]:
        if isinstance(node, MappingNode) and node.tag == _MAP_TAG:
            return [node]
        if isinstance(node, SequenceNode) and all(isinstance(n, MappingNode) for n in node.value):
            return list(node.value)
        self.problems.add(path, "a merge key '<<' must name a mapping or a list of mappings")
        return []


def read_yaml(text: str, lines: dict[KeyPath, int], problems: Problems) -> Any:
    """The document as plain values; fills ``lines`` and ``problems``. None when nothing usable was read."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            lines[()] = mark.line + 1
        problems.add((), f"not valid YAML: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        problems.add((), f"not valid YAML: {exc}")
        return None
    except RecursionError:
        # PyYAML's composer recurses per nesting level: a config is never nested this deep
        problems.add((), "the YAML is nested too deeply to be a configuration (thousands of levels)")
        return None
    if root is None:
        problems.add((), "the file is empty; start from config/example.yaml (`contactsync config sample`)")
        return None
    converter = _Converter(lines, problems)
    try:
        return converter.value(root, ())
    except _TooLarge:
        problems.add((), f"the document expands to more than {MAX_NODES} values (aliases nested on aliases?)")
        return None
