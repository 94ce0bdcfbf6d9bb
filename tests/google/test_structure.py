"""The Google connector's push helper works through a small typed interface (issue #13, point 3): it names
only what ``PushSide`` declares, and no private member of the connector."""

from __future__ import annotations

import ast
import inspect

from contactsync.connectors.google import connector


def test_the_push_helper_uses_only_the_push_side_interface() -> None:
    tree = ast.parse(inspect.getsource(connector._Push))
    used = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "c"
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == "self"
    }
    declared = set(connector.PushSide.__annotations__) | {
        name for name, _ in inspect.getmembers(connector.PushSide, inspect.isfunction) if not name.startswith("__")
    }
    assert used <= declared, used - declared
    assert not {name for name in used if name.startswith("_")}
    assert len(declared) <= 13  # small: the account, requests, labels, persons and creates
