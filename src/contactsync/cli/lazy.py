"""A click group whose commands are imported when used, not when ``contactsync`` starts (issue #18).

``contactsync sync`` and ``status`` run from timers and scripts many times a day; importing the daemon's
scheduler, the doctor's platform probes or the demo's emulators for them was most of their start-up.
A lazy command is named with where it lives (``"contactsync.cli.daemon:run"``) and imported the first time
click asks for it: to run it, to complete or list it (``--help`` lists every command, so it imports them all).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click


class LazyGroup(click.Group):
    """A group with, besides its ordinary commands, ``lazy`` ones: command name → ``"module:attribute"``."""

    def __init__(self, *args: Any, lazy: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = self.lazy[cmd_name].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command) or command.name != cmd_name:
            # a renamed or moved command must fail its first test run, never run under another name
            raise TypeError(f"{self.lazy[cmd_name]} is not the click command {cmd_name!r}")
        return command
