"""Where the store lives when the YAML does not say."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def default_state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$STATE_DIRECTORY`` (systemd StateDirectory=), else ``$XDG_STATE_HOME/contactsync``, else
    ``~/.local/state/contactsync``."""
    env = os.environ if environ is None else environ
    state = env.get("STATE_DIRECTORY", "")
    if state:
        # systemd joins several StateDirectory= entries with ':'; the first is ours
        return Path(state.split(":")[0])
    xdg = env.get("XDG_STATE_HOME", "")
    # the XDG spec says to ignore a relative value
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "contactsync"
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    return home / ".local" / "state" / "contactsync"


def default_store_url(environ: Mapping[str, str] | None = None) -> str:
    """``sqlite:///<state dir>/contactsync.db`` (four slashes for an absolute path, as SQLAlchemy wants)."""
    return f"sqlite:///{default_state_dir(environ) / 'contactsync.db'}"
