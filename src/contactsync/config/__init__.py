"""The YAML configuration: one schema, validated all at once, frozen into :mod:`contactsync.settings`.

load_settings(path)      the file → Settings, or ConfigError listing every problem with its line and key path
parse_settings(text)     the same from a string
sample_config()          the commented sample (config/example.yaml is exactly this)
reference_markdown()     the reference table the README embeds
SCHEMA                   the JSON schema (draft 2020-12) all of the above come from
default_store_url()      where the store lives when the YAML does not say
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .loader import load_settings, locate, parse_settings
from .paths import default_state_dir, default_store_url
from .schedule import CronSchedule, IntervalSchedule, Schedule, parse_schedule
from .schema import SCHEMA

if TYPE_CHECKING:
    from .docs import reference_markdown, sample_config


def __getattr__(name: str) -> Any:
    # the sample and the reference are written with PyYAML's emitter: imported when asked for, not by every
    # command that loads a configuration (#18)
    if name in ("reference_markdown", "sample_config"):
        from . import docs

        return getattr(docs, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SCHEMA",
    "CronSchedule",
    "IntervalSchedule",
    "Schedule",
    "default_state_dir",
    "default_store_url",
    "load_settings",
    "locate",
    "parse_schedule",
    "parse_settings",
    "reference_markdown",
    "sample_config",
]
