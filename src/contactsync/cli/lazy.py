"""A click group whose commands are imported when used, not when ``contactsync`` starts (issue #18).

``contactsync sync`` and ``status`` run from timers and scripts many times a day; importing the daemon's
scheduler, the doctor's platform probes or the demo's emulators for them was most of their start-up.
A lazy command is named with where it lives (``"contactsync.cli.daemon:run"``) and imported the first time
click asks for it: to run it, or to complete it. ``--help`` lists every command with its summary: a lazy command
given one in ``summaries`` (the first paragraph of its help, which tests/test_startup.py keeps equal) is listed
without importing it, so ``--help`` and a usage error do not import the store, the engine or the scheduler.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from gettext import gettext
from typing import Any

import click


class LazyGroup(click.Group):
    """A group with, besides its ordinary commands, ``lazy`` ones: command name → ``"module:attribute"``."""

    def __init__(
        self,
        *args: Any,
        lazy: Mapping[str, str] | None = None,
        summaries: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})
        #: command name → the first paragraph of its help, for listing it without importing it
        self.summaries = dict(summaries or {})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's listing of the commands and their summaries, with a summarised lazy command listed from its
        summary (a stand-in command carrying it, shortened as click shortens the real one's help)."""
        commands: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            command = (
                click.Command(name, help=self.summaries[name])
                if name in self.lazy and name in self.summaries
                else self.get_command(ctx, name)
            )
            if command is not None and not command.hidden:
                commands.append((name, command))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section(gettext("Commands")):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])

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
